import type { FeedbackFigures } from './statistics.feedback.ts';
import type { NationalFigures } from './statistics.national.ts';
import type { CatalogueProcedure, ProcedureCounts } from './statistics.queries.ts';
import {
  DIGITISED_SCORING,
  NO_DOSSIER_SATISFACTION_POINTS,
  NO_FEEDBACK_POINTS,
  ONLINE_GROUP_SCORED,
  ONLINE_PAYMENT_PROCEDURES,
  SATISFACTION_FAULTS,
} from './statistics.rules.ts';

/**
 * The Decision 766/QĐ-TTg index as the national portal computes it (docs/rules.md § Statistics;
 * decision 032), pure: every group and sub-indicator with its numerator, denominator, rate,
 * threshold and points, from the counts the queries give. The unsettled choices are the named
 * constants of statistics.rules.ts.
 */

export const GROUPS = [
  { key: 'transparency', weight: 18 },
  { key: 'timeliness', weight: 20 },
  { key: 'online', weight: 12 },
  { key: 'payment', weight: 10 },
  { key: 'satisfaction', weight: 18 },
  { key: 'digitisation', weight: 22 },
] as const;
export type GroupKey = (typeof GROUPS)[number]['key'];

/**
 * How a sub-indicator's rate becomes points: `linear` max × rate; `threshold` full points from the
 * threshold, else max × rate ÷ threshold; `none` no points (tracking only, or not published).
 */
export type Scoring = 'linear' | 'threshold' | 'none';

/**
 * Why a figure is what it is, shown beside it: `sync` 0 until the national portal sync exists;
 * `vneid` 0 until a VNeID sign-in exists; `outside` computed from the national procedure database
 * or outside this platform, not measured here; `local` the portal computes it on the province's
 * catalogue, this is a local mirror; `unpublished` the group's points are not published;
 * `tracking` tracking only, no points; `noFeedback` no feedback: full points, as the portal
 * scores it; `noDossiers` no dossiers: 0, as the portal scores it; `average` a time, not a rate.
 */
export type Note =
  | 'sync'
  | 'vneid'
  | 'outside'
  | 'local'
  | 'unpublished'
  | 'tracking'
  | 'noFeedback'
  | 'noDossiers'
  | 'average';

export interface Indicator {
  /** As the formula description numbers it ('2.1'), or null for a row it gives no number. */
  id: string | null;
  /** Machine name, the same in every language (CSV `chi_tieu`: `chi_so_<key>`). */
  key: string;
  group: GroupKey;
  /** Its points in the index; null when not published. */
  max: number | null;
  scoring: Scoring;
  /** The rate from which the points are full (0.8 for 80 %), or null. */
  threshold: number | null;
  /** null: not measured here. */
  numerator: number | null;
  denominator: number | null;
  /** numerator ÷ denominator (× the sync rate for 3.3); null without a denominator. For 2.2, days. */
  rate: number | null;
  /** The share of its maximum the rate earns (rate ÷ threshold, at most 1), for threshold rows. */
  thresholdShare: number | null;
  /** Exact; rounded only when shown. null: no points (no data, tracking only, not published). */
  points: number | null;
  notes: Note[];
  /** Extra figures of the row: 3.3 its local rate and channel shares, 5.4 its two shares. */
  detail?: Record<string, number | null>;
}

export interface GroupResult {
  key: GroupKey;
  weight: number;
  /** Sum of its sub-indicators' points that have data; null when none has. */
  points: number | null;
  /** Sum of the maxima of the sub-indicators that scored. */
  maxAvailable: number;
  indicators: Indicator[];
}

export interface Index766 {
  groups: GroupResult[];
  /** Sum of the groups with points, out of `maxAvailable`. Exact; rounded when shown. */
  total: number;
  maxAvailable: number;
}

export interface IndexInputs {
  procedures: ProcedureCounts[];
  catalogue: CatalogueProcedure[];
  feedback: FeedbackFigures;
  national: NationalFigures;
}

const sum = (rows: ProcedureCounts[], k: keyof Omit<ProcedureCounts, 'procedureCode'>) =>
  rows.reduce((s, r) => s + r[k], 0);

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

function scored(
  def: Omit<Indicator, 'rate' | 'points' | 'thresholdShare' | 'notes'> & {
    notes?: Note[];
    rate?: number | null;
  },
): Indicator {
  const rate =
    def.rate !== undefined
      ? def.rate
      : def.numerator === null || def.denominator === null
        ? null
        : ratio(def.numerator, def.denominator);
  const thresholdShare = rate === null || def.threshold === null ? null : Math.min(1, rate / def.threshold);
  let points: number | null = null;
  if (rate !== null && def.max !== null && def.scoring !== 'none') {
    points = def.scoring === 'linear' ? def.max * rate : def.max * (thresholdShare ?? 0);
  }
  return { ...def, rate, thresholdShare, points, notes: def.notes ?? [] };
}

/** Every group and sub-indicator, from the counts (pure). */
export function computeIndex(x: IndexInputs): Index766 {
  const p = x.procedures;
  const received = sum(p, 'received');
  const n = x.national;
  const applied = x.catalogue;
  const feeCodes = new Set(applied.filter((c) => c.hasFee).map((c) => c.code));
  const onlineCodes = new Set(applied.filter((c) => c.online).map((c) => c.code));
  const feeProcedureCount =
    ONLINE_PAYMENT_PROCEDURES === 'catalogue'
      ? feeCodes.size
      : p.filter((r) => feeCodes.has(r.procedureCode) && r.received > 0).length;

  // 1. Transparency. 1.1 and 1.2 are the province's publication decisions in the national
  // procedure database; this platform does not hold them.
  const transparency = [
    scored({
      id: '1.1',
      key: '1_1',
      group: 'transparency',
      max: 6,
      scoring: 'linear',
      threshold: null,
      numerator: null,
      denominator: null,
      notes: ['outside'],
    }),
    scored({
      id: '1.2',
      key: '1_2',
      group: 'transparency',
      max: 4,
      scoring: 'linear',
      threshold: null,
      numerator: null,
      denominator: null,
      notes: ['outside'],
    }),
    scored({
      id: '1.3',
      key: '1_3',
      group: 'transparency',
      max: 2,
      scoring: 'linear',
      threshold: null,
      numerator: applied.filter((c) => c.complete).length,
      denominator: applied.length,
      notes: ['local'],
    }),
    scored({
      id: '1.4',
      key: '1_4',
      group: 'transparency',
      max: 6,
      scoring: 'linear',
      threshold: null,
      numerator: n.syncedDossiers,
      denominator: received,
      notes: ['sync'],
    }),
  ];

  // 2. Timeliness: 20 × the on-time rate, no threshold. 2.2 (average time) has no points.
  const handled = sum(p, 'handled');
  const seconds = p.reduce((s, r) => s + r.seconds, 0);
  const timed = sum(p, 'timed');
  const timeliness = [
    scored({
      id: '2.1',
      key: '2_1',
      group: 'timeliness',
      max: 20,
      scoring: 'linear',
      threshold: null,
      numerator: handled - sum(p, 'handledLate'),
      denominator: handled,
    }),
    scored({
      id: '2.2',
      key: '2_2',
      group: 'timeliness',
      max: 0,
      scoring: 'none',
      threshold: null,
      numerator: Math.round((seconds / 86_400) * 100) / 100,
      denominator: timed,
      rate: timed > 0 ? seconds / timed / 86_400 : null,
      notes: ['average', 'tracking'],
    }),
  ];

  // 3. Online service: rates and thresholds; its 12 points are not published (no points).
  const online = sum(p, 'onlineCounted');
  const localShare = ratio(online, received);
  const syncRate = ratio(n.syncedDossiers, received);
  const onlineScoring: Scoring = ONLINE_GROUP_SCORED ? 'threshold' : 'none';
  const onlineGroup = [
    scored({
      id: null,
      key: 'toan_trinh',
      group: 'online',
      max: null,
      scoring: 'none',
      threshold: null,
      numerator: sum(p, 'fullOnline'),
      denominator: sum(p, 'fullEligible'),
      notes: ['unpublished'],
    }),
    scored({
      id: '3.1',
      key: '3_1',
      group: 'online',
      max: null,
      scoring: onlineScoring,
      threshold: 0.8,
      numerator: onlineCodes.size,
      denominator: applied.length,
      notes: ['local', 'unpublished'],
    }),
    scored({
      id: '3.2',
      key: '3_2',
      group: 'online',
      max: null,
      scoring: 'none',
      threshold: null,
      numerator: p.filter((r) => onlineCodes.has(r.procedureCode) && r.channel2 > 0).length,
      denominator: onlineCodes.size,
      notes: ['unpublished'],
    }),
    scored({
      id: '3.3',
      key: '3_3',
      group: 'online',
      max: null,
      scoring: onlineScoring,
      threshold: 0.5,
      numerator: online,
      denominator: received,
      rate: localShare === null || syncRate === null ? null : localShare * syncRate,
      notes: ['sync', 'unpublished'],
      detail: {
        local: localShare,
        localThresholdShare: localShare === null ? null : Math.min(1, localShare / 0.5),
        syncRate,
        direct: ratio(sum(p, 'channel1'), received),
        postal: ratio(sum(p, 'channel3'), received),
      },
    }),
  ];

  // 4. Online payment: 2 + 2 + 6.
  const payment = [
    scored({
      id: '3.5',
      key: '3_5',
      group: 'payment',
      max: 2,
      scoring: 'threshold',
      threshold: 0.8,
      numerator: n.syncedFeeProcedures,
      denominator: feeProcedureCount,
      notes: ['sync'],
    }),
    scored({
      id: '3.5b',
      key: '3_5b',
      group: 'payment',
      max: 2,
      scoring: 'threshold',
      threshold: 0.8,
      numerator: p.filter((r) => feeCodes.has(r.procedureCode) && r.paidOnline > 0).length,
      denominator: feeProcedureCount,
    }),
    scored({
      id: '3.6',
      key: '3_6',
      group: 'payment',
      max: 6,
      scoring: 'linear',
      threshold: null,
      numerator: sum(p, 'paidOnline'),
      denominator: sum(p, 'feeDossiers'),
    }),
  ];

  // 5. Satisfaction: 5.1 tracking only; 5.2 and 5.3 from feedback; 5.4 from dossiers.
  const f = x.feedback;
  const noFeedback = (r: Indicator): Indicator =>
    r.denominator === 0 && NO_FEEDBACK_POINTS === 'full'
      ? { ...r, points: r.max, notes: [...r.notes, 'noFeedback'] }
      : r;
  const late = sum(p, 'handledLate');
  const fault = sum(p, 'handledFault');
  const satisfactionRate =
    handled === 0
      ? null
      : SATISFACTION_FAULTS === 'sum-of-shares'
        ? Math.max(0, 1 - late / handled - fault / handled)
        : (handled - sum(p, 'handledLateOrFault')) / handled;
  let s54 = scored({
    id: '5.4',
    key: '5_4',
    group: 'satisfaction',
    max: 6,
    scoring: 'threshold',
    threshold: 0.9,
    numerator:
      SATISFACTION_FAULTS === 'sum-of-shares'
        ? Math.max(0, handled - late - fault)
        : handled - sum(p, 'handledLateOrFault'),
    denominator: handled,
    rate: satisfactionRate,
    detail: { overdueShare: ratio(late, handled), complaintOrDislikeShare: ratio(fault, handled) },
  });
  if (handled === 0) s54 = { ...s54, points: NO_DOSSIER_SATISFACTION_POINTS, notes: ['noDossiers'] };
  const satisfaction = [
    scored({
      id: '5.1',
      key: '5_1',
      group: 'satisfaction',
      max: 0,
      scoring: 'none',
      threshold: null,
      ...f.classified,
      notes: ['tracking'],
    }),
    noFeedback(
      scored({
        id: '5.2',
        key: '5_2',
        group: 'satisfaction',
        max: 6,
        scoring: 'linear',
        threshold: null,
        ...f.onTime,
      }),
    ),
    noFeedback(
      scored({
        id: '5.3',
        key: '5_3',
        group: 'satisfaction',
        max: 6,
        scoring: 'linear',
        threshold: null,
        ...f.satisfied,
      }),
    ),
    s54,
  ];

  // 6. Digitisation: 6 + 4 + 2 + 2 + 4 + 2 + 2.
  const digitisation = [
    scored({
      id: '4.1',
      key: '4_1',
      group: 'digitisation',
      max: 6,
      scoring: 'linear',
      threshold: null,
      numerator: sum(p, 'paperElectronic'),
      denominator: sum(p, 'paperFinished'),
    }),
    scored({
      id: '4.2',
      key: '4_2',
      group: 'digitisation',
      max: 4,
      scoring: DIGITISED_SCORING,
      threshold: DIGITISED_SCORING === 'threshold' ? 0.8 : null,
      numerator: sum(p, 'digitised'),
      denominator: sum(p, 'finished'),
    }),
    scored({
      id: null,
      key: 'chung_thuc',
      group: 'digitisation',
      max: 2,
      scoring: 'linear',
      threshold: null,
      numerator: null,
      denominator: null,
      notes: ['outside'],
    }),
    scored({
      id: '4.3',
      key: '4_3',
      group: 'digitisation',
      max: 2,
      scoring: 'threshold',
      threshold: 0.8,
      numerator: sum(p, 'reused'),
      denominator: received,
    }),
    scored({
      id: '4.4',
      key: '4_4',
      group: 'digitisation',
      max: 4,
      scoring: 'linear',
      threshold: null,
      numerator: n.personalStoreDossiers,
      denominator: received,
      notes: ['sync'],
    }),
    scored({
      id: '4.5b',
      key: '4_5b',
      group: 'digitisation',
      max: 2,
      scoring: 'linear',
      threshold: null,
      numerator: n.populationDataDossiers,
      denominator: received,
      notes: ['vneid'],
    }),
    scored({
      id: '4.5a',
      key: '4_5a',
      group: 'digitisation',
      max: 2,
      scoring: 'linear',
      threshold: null,
      numerator: n.populationDataProcedures,
      denominator: applied.length,
      notes: ['vneid'],
    }),
  ];

  const byGroup: Record<GroupKey, Indicator[]> = {
    transparency,
    timeliness,
    online: onlineGroup,
    payment,
    satisfaction,
    digitisation,
  };
  const groups = GROUPS.map((g): GroupResult => {
    const indicators = byGroup[g.key];
    const withPoints = indicators.filter((i) => i.points !== null && i.scoring !== 'none');
    return {
      key: g.key,
      weight: g.weight,
      points: withPoints.length ? withPoints.reduce((s, i) => s + (i.points ?? 0), 0) : null,
      maxAvailable: withPoints.reduce((s, i) => s + (i.max ?? 0), 0),
      indicators,
    };
  });
  const scoredGroups = groups.filter((g) => g.points !== null);
  return {
    groups,
    total: scoredGroups.reduce((s, g) => s + (g.points ?? 0), 0),
    maxAvailable: scoredGroups.reduce((s, g) => s + g.maxAvailable, 0),
  };
}
