import { type SQL, sql } from 'drizzle-orm';
import { ACTION_TYPES, type ActionType, type DossierChangeFacts } from '#modules/dossiers/index.ts';

/**
 * The outbox, written inside every change of a dossier (decision 033): the dossiers module runs
 * these statements in the change's own transaction, or embeds them as CTEs of the submission's one
 * statement, so a change and its outbox rows commit together or not at all.
 *
 * Nothing is queued unless the place holding the dossier after the change (its commune, or a place
 * above it) has sync switched on: a commune without a `dvcqg_places` row, or with it off, writes
 * nothing here, and nothing is ever sent for it.
 */

/** Every action the portal hears of: each hand-off and status change. The overdue mark is no step. */
export const REPORTED_ACTIONS: readonly ActionType[] = ACTION_TYPES.filter((t) => t !== 'overdue');
const reported = new Set<ActionType>(REPORTED_ACTIONS);

/** The place setting that covers a unit, when its sync is on: the nearest one above it. */
const placeFor = (unitPath: string) =>
  sql`select place_id from dvcqg_places where enabled and ${unitPath}::text like place_path || '%'
      order by length(place_path) desc limit 1`;

export function outboxStatements(f: DossierChangeFacts): SQL[] {
  // 1-based positions, in the change's order, of the actions the portal hears of.
  const positions = f.actionTypes.flatMap((t, i) => (reported.has(t) ? [{ i: i + 1, type: t }] : []));
  const last = positions.at(-1);
  if (!last) return [];
  const at = f.at.toISOString();
  const place = placeFor(f.unitPath);
  return [
    // The dossier's delivery row: made pending again when everything had been delivered; a held or
    // dead dossier stays so (its changes go in order, so a new one waits behind the stuck one).
    sql`insert into dvcqg_dossiers (dossier_id, code, procedure_code, place_id, local_step, local_status, state,
        queued_through, next_attempt_at, first_queued_at, last_change_at)
      select ${f.dossierId}, ${f.code}, ${f.procedureCode}::text, p.place_id, ${f.step}::text,
        ${f.status}::smallint, 'pending', (${f.actionIds})[${last.i}::int], ${at}::timestamptz,
        ${at}::timestamptz, ${at}::timestamptz
      from (${place}) p
      on conflict (dossier_id) do update set
        place_id = excluded.place_id,
        local_step = excluded.local_step,
        local_status = excluded.local_status,
        queued_through = greatest(dvcqg_dossiers.queued_through, excluded.queued_through),
        last_change_at = excluded.last_change_at,
        next_attempt_at = case when dvcqg_dossiers.state = 'synced' then excluded.next_attempt_at
                               else dvcqg_dossiers.next_attempt_at end,
        state = case when dvcqg_dossiers.state = 'synced' then 'pending' else dvcqg_dossiers.state end`,
    sql`insert into dvcqg_outbox (dossier_id, action_id, action_type, queued_at)
      select ${f.dossierId}, (${f.actionIds})[x.i], x.type, ${at}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(positions)}::jsonb) as x(i int, type text)
      where exists (${place})
      on conflict (dossier_id, action_id) do nothing`,
  ];
}
