/**
 * The end of the soak: every acknowledged write is in the database exactly once, and nothing was
 * done twice. Read-only SQL across modules' tables, from outside the app: this is an operator's audit.
 */
import type pg from 'pg';
import { numberingProblems, submissionProblems } from '#test/support/acknowledged.ts';
import type { Acknowledged } from './traffic.ts';

/** Staff actions: each acknowledged one logged once; none (acknowledged or not) logged twice. */
async function actionProblems(db: pg.Client, acknowledged: Map<string, number>) {
  const { rows } = await db.query<{ code: string; type: string; n: number }>(
    `select d.code, a.type, count(*)::int as n
     from dossier_actions a join dossiers d on d.id = a.dossier_id
     where starts_with(d.idempotency_key, 'soak-') and a.type in ('receive', 'assign')
     group by d.code, a.type`,
  );
  const logged = new Map(rows.map((r) => [`${r.code} ${r.type}`, r.n]));
  const problems: string[] = [];
  for (const [what, n] of logged) if (n > 1) problems.push(`${what}: logged ${n} times`);
  for (const what of acknowledged.keys())
    if (!logged.has(what)) problems.push(`${what}: acknowledged, not logged`);
  return problems;
}

/** Reports from the web form: one per key, with the private link every 303 gave; no key twice. */
async function reportProblems(db: pg.Client, acknowledged: Map<string, string[]>) {
  const { rows } = await db.query<{ idempotency_key: string; token: string }>(
    "select idempotency_key, token from feedback_reports where starts_with(idempotency_key, 'w:')",
  );
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.idempotency_key)) problems.push(`report ${r.idempotency_key}: stored twice`);
    seen.add(r.idempotency_key);
  }
  for (const [key, tokens] of acknowledged) {
    const found = rows.filter((r) => r.idempotency_key === `w:${key}`);
    if (found.length !== 1) problems.push(`report ${key}: ${found.length} reports`);
    else if (tokens.some((t) => t !== found[0]?.token))
      problems.push(`report ${key}: a 303 named another report`);
  }
  return problems;
}

/** The emergency: one alert for its bulletin, the one the 303 named; no bulletin broadcast twice. */
async function alertProblems(db: pg.Client, alerts: Acknowledged['alerts']) {
  const twice = await db.query<{ bulletin_id: number; n: number }>(
    'select bulletin_id::int, count(*)::int as n from broadcast_alerts where bulletin_id is not null group by bulletin_id having count(*) > 1',
  );
  const problems = twice.rows.map((r) => `bulletin ${r.bulletin_id}: ${r.n} alerts`);
  for (const { bulletinId, alertId } of alerts) {
    const { rows } = await db.query<{ id: number }>(
      'select id::int as id from broadcast_alerts where bulletin_id = $1',
      [bulletinId],
    );
    if (rows.length !== 1 || rows[0]?.id !== alertId)
      problems.push(
        `alert ${alertId} (bulletin ${bulletinId}): alerts in the database ${rows.map((r) => r.id)}`,
      );
  }
  return problems;
}

export async function checkAcknowledged(db: pg.Client, ack: Acknowledged) {
  const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]?.n ?? 0;
  return {
    stored: {
      dossiers: await count(
        "select count(*)::int as n from dossiers where starts_with(idempotency_key, 'soak-')",
      ),
      reports: await count(
        "select count(*)::int as n from feedback_reports where starts_with(idempotency_key, 'w:')",
      ),
      alerts: await count('select count(*)::int as n from broadcast_alerts'),
    },
    problems: {
      dossiers: await submissionProblems(db, ack.dossiers, 'soak-'),
      numbering: await numberingProblems(db),
      actions: await actionProblems(db, ack.actions),
      reports: await reportProblems(db, ack.reports),
      alerts: await alertProblems(db, ack.alerts),
    },
  };
}
