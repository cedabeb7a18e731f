/**
 * The choices the Decision 766 index rests on, one named constant each, with where it comes from
 * (docs/rules.md § Statistics, docs/rules-766-fixtures.md, decision 032). Where the sources
 * disagree, the constant holds the reading this module applies and the README gives the other.
 */

/**
 * 5.4 (satisfaction in receiving and handling dossiers): the formula description subtracts two
 * shares, "100 % − (overdue share + share with a complaint or dislike)"; the portal's METRICS sheet
 * counts the dossiers with either fault once. They differ only when one dossier is both. The
 * description's reading is applied (the issue states it), floored at 0.
 */
export const SATISFACTION_FAULTS: 'sum-of-shares' | 'dossiers-with-any' = 'sum-of-shares';

/**
 * 4.2 (digitised dossiers and results, 4 points): the formula description gives full points from
 * 80 %; the portal's published scores follow 4 × rate (observed on thousands of units, rules.md).
 * The index is computed as the portal computes it: linear.
 */
export const DIGITISED_SCORING: 'linear' | 'threshold' = 'linear';

/**
 * 5.2 and 5.3 with no feedback at all: the published scores give 6 and 6 (the denominator is 0);
 * the METRICS sheet says their points are shared with 5.4 instead. The observed reading is applied.
 */
export const NO_FEEDBACK_POINTS: 'full' | 'shared-with-5.4' = 'full';

/**
 * 5.4 with no dossiers: the published scores give 0 (observed). The description says "0 or N/A".
 */
export const NO_DOSSIER_SATISFACTION_POINTS = 0;

/**
 * 3.5b (procedures with an online payment): the source's denominator is either every procedure
 * with a fee the place applies, or only those that had dossiers in the period. Every one it applies.
 */
export const ONLINE_PAYMENT_PROCEDURES: 'catalogue' | 'with-dossiers' = 'catalogue';

/**
 * The online-service group (12 points): the METRICS sheet gives the 12 points to one row ("full-
 * online dossiers ÷ dossiers of procedures eligible for full-online service") with no formula, and
 * no points to 3.1–3.3; a 2/4/6 split was refuted by the published scores. So its rates, thresholds
 * and threshold shares are shown and **no points**: the group is left out of the total.
 */
export const ONLINE_GROUP_SCORED = false;

/**
 * 2.1: a dossier the desk refused before receiving it has no appointment (NgayHenTra). The portal
 * then compares "end − start − supplement time" with the procedure's maximum time; a refusal at the
 * desk answers at once, so it counts as on time.
 */
export const REFUSED_BEFORE_RECEIPT: 'on-time' = 'on-time';

/**
 * 2.1 for a dossier still pending at the end of the period after a supplement the citizen answered:
 * the description subtracts the supplement time from finished dossiers; the clock stood still for
 * pending ones too, so it is subtracted from them as well (the appointment compared is the one
 * given at receipt, which the supplement did not move).
 */
export const PAUSES_OF_PENDING: 'subtracted' | 'ignored' = 'subtracted';

/** The ratings counted as a "dislike" (5.4): không hài lòng (1 of 1–4). */
export const DISLIKE_SCORES = [1];

/**
 * The fees counted as paid online (3.5b, 3.6: DuocThanhToanTrucTuyen 1 or 2, through the portal or
 * the province's payment gateway): a bank transfer to the VietQR code, confirmed by the desk or
 * matched from a bank statement. Cash at the desk is not online.
 */
export const PAID_ONLINE_METHODS = ['transfer'];

/**
 * 5.1 (feedback by class, tracking only): the classes the portal counts are "rules, policies and
 * procedures" and "behaviour of officials". A report about a dossier is about a procedure; the
 * default category `attitude` is about officials.
 */
export const FEEDBACK_CLASSIFIED_CATEGORIES = ['attitude'];
