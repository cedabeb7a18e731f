import type { SqlRunner } from '#platform/db/client.ts';

// What the statistics module counts of a place's feedback for the Decision 766 index (5.1–5.3):
// each report's stage times, read from the log. Reads only; the figures themselves (deadlines on
// the province calendar, on time, satisfied) are computed by the statistics module.

/** One report as the index sees it: when it was sent, and when each stage the portal times ended. */
export interface FeedbackStageFacts {
  id: number;
  code: string;
  categoryCode: string;
  /** The dossier the report is about, when it is a complaint about one. */
  dossierCode: string | null;
  /** When it was sent (the deadlines run from the day after). */
  sentAt: Date;
  /** First acknowledged (accepted for handling). */
  acceptedAt: Date | null;
  /** Refused (not accepted). This workflow has no refusal yet: always null. */
  refusedAt: Date | null;
  /** More information asked of the reporter. This workflow has no such step yet: always null. */
  moreInfoAt: Date | null;
  /** First answered in public. */
  answeredAt: Date | null;
  /** The answer published. */
  publishedAt: Date | null;
  /** The reporter's latest rating, 1–5. */
  rating: number | null;
  /** The reporter reopened it (complained again about the answer). */
  reopened: boolean;
}

/**
 * The reports about places in the subtree `path` sent before `to` that may have been handled in
 * [from, to): everything still open, and what changed since `from`. Merged duplicates are left
 * out (counted once, as the report they were merged into). Only actions before `to` are read.
 */
export async function feedbackStageFacts(
  sql: SqlRunner,
  q: { path: string; from: Date; to: Date },
): Promise<FeedbackStageFacts[]> {
  const rows = await sql.query<Record<string, unknown>>(
    `select r.id, r.service_request_id, c.code as category_code, r.dossier_code, r.created_at,
            min(a.at) filter (where a.kind = 'acknowledge') as accepted_at,
            min(a.at) filter (where a.kind = 'reply') as answered_at,
            min(a.at) filter (where a.kind = 'publish') as published_at,
            (array_agg((a.details ->> 'rating')::int order by a.id desc) filter (where a.kind = 'rate'))[1] as rating,
            coalesce(bool_or(a.kind = 'reopen' and a.actor_kind in ('reporter', 'citizen')), false) as reopened
       from feedback_reports r
       join feedback_categories c on c.id = r.category_id
       left join feedback_actions a on a.report_id = r.id and a.at < $3
      where r.place_path like $1 and r.created_at < $3 and r.merged_into_id is null
      group by r.id, c.code
     having r.status <> 'closed' or max(a.at) >= $2
      order by r.id`,
    [`${q.path}%`, q.from, q.to],
  );
  const date = (v: unknown) => (v == null ? null : new Date(v as string | Date));
  return rows.map((r) => ({
    id: Number(r.id),
    code: String(r.service_request_id),
    categoryCode: String(r.category_code),
    dossierCode: (r.dossier_code as string | null) ?? null,
    sentAt: new Date(r.created_at as string | Date),
    acceptedAt: date(r.accepted_at),
    refusedAt: null,
    moreInfoAt: null,
    answeredAt: date(r.answered_at),
    publishedAt: date(r.published_at),
    rating: r.rating == null ? null : Number(r.rating),
    reopened: Boolean(r.reopened),
  }));
}
