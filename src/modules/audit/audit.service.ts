import { and, desc, like, lt, or, type SQL, sql } from 'drizzle-orm';
import { type Actor, actorLabel, type RequestMeta, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import { type Db, rowsOf } from '#platform/db/client.ts';
import { DOSSIER_PREFIX } from './audit.labels.ts';
import { auditLog } from './audit.tables.ts';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | number;
  place?: { id: number; path: string } | undefined;
  details?: Record<string, unknown>;
}

/**
 * Append one entry. Pass the transaction that makes the change, so the entry exists exactly when
 * the change does. A staff member's display name is kept as it is now: the log reads alone.
 */
export async function recordAudit(db: Db, actor: Actor, meta: RequestMeta, entry: AuditEntry) {
  await db.insert(auditLog).values({
    actorUserId: actor.kind === 'staff' ? actor.userId : null,
    actorCitizenId: actor.kind === 'citizen' ? actor.citizenId : null,
    actorLabel: actorLabel(actor),
    actorName:
      actor.kind === 'staff' ? actor.displayName || null : actor.kind === 'citizen' ? actor.name : null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId === undefined ? null : String(entry.targetId),
    placeId: entry.place?.id ?? null,
    placePath: entry.place?.path ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent ?? null,
    details: entry.details ?? {},
  });
}

/** What the audit page and its CSV narrow the log to (all optional; `to` is exclusive). */
export interface AuditFilter {
  /** Part of the person's name or username, with or without diacritics. */
  person?: string | undefined;
  /** One action key, or `dossier:<step>` for a dossier step. */
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** A place subtree inside the admin's scope (checked by the caller). */
  placePath?: string | undefined;
}

/** The admin's subtrees; `all` for an admin of the whole country (entries without a place too). */
function adminScope(actor: Actor) {
  requireStaff(actor);
  const scope = scopeOf(actor, 'admin');
  const all = scope.some((p) => p.split('/').filter(Boolean).length === 1);
  return { scope, all };
}

/** Entries an admin may read: those at places in their subtrees (entries without a place: root admins only). */
export async function listAudit(
  db: Db,
  actor: Actor,
  opts: { before?: number; limit?: number; filter?: AuditFilter } = {},
) {
  const { scope, all } = adminScope(actor);
  if (scope.length === 0) return [];
  const inScope: SQL[] = scope.map((p) => like(auditLog.placePath, `${p}%`));
  const f = opts.filter ?? {};
  const where = and(
    all ? undefined : or(...inScope),
    opts.before ? lt(auditLog.id, opts.before) : undefined,
    f.action ? sql`${auditLog.action} = ${f.action}` : undefined,
    f.placePath ? like(auditLog.placePath, `${f.placePath}%`) : undefined,
    f.from ? sql`${auditLog.at} >= ${f.from.toISOString()}` : undefined,
    f.to ? sql`${auditLog.at} < ${f.to.toISOString()}` : undefined,
    f.person
      ? sql`search_key(coalesce(${auditLog.actorName}, '') || ' ' || ${auditLog.actorLabel}) like '%' || search_key(${f.person}::text) || '%'`
      : undefined,
  );
  return db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(opts.limit ?? 50, 200));
}

/** One line of the trail: an audit entry, or a step of a dossier's own log. */
export interface TrailRow {
  source: 'audit' | 'dossier';
  id: number;
  at: Date;
  actorLabel: string;
  actorName: string | null;
  /** The action key; a dossier step is `dossier:<type>`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  placeId: number | null;
  placePath: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** Where a page of the trail ends: the last row's time, source and id (newest first). */
export interface TrailCursor {
  at: Date;
  source: 'audit' | 'dossier';
  id: number;
}

export function encodeCursor(c: TrailCursor) {
  return `${c.at.toISOString()}_${c.source === 'audit' ? 'a' : 'd'}${c.id}`;
}

export function decodeCursor(s: string): TrailCursor | null {
  const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)_([ad])(\d{1,15})$/.exec(s);
  if (!m) return null;
  const at = new Date(m[1] as string);
  if (Number.isNaN(at.getTime())) return null;
  return { at, source: m[2] === 'a' ? 'audit' : 'dossier', id: Number(m[3]) };
}

interface RawTrail {
  src: string;
  id: string | number;
  at: string | Date;
  actor_label: string;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  place_id: string | number | null;
  place_path: string | null;
  ip: string | null;
  details: Record<string, unknown> | string | null;
}

/**
 * The audit log and the steps of the dossiers in the admin's scope (the dossiers module's published
 * view `dossier_action_facts`), merged newest first and paged by (time, source, id).
 */
export async function listTrail(
  db: Db,
  actor: Actor,
  opts: { filter?: AuditFilter; after?: TrailCursor | null; limit?: number } = {},
): Promise<TrailRow[]> {
  const { scope, all } = adminScope(actor);
  if (scope.length === 0) return [];
  const f = opts.filter ?? {};
  const limit = Math.min(opts.limit ?? 50, 1000);
  const within = (col: SQL) =>
    all
      ? sql`true`
      : sql.join(
          scope.map((p) => sql`${col} like ${`${p}%`}`),
          sql` or `,
        );
  const common = (at: SQL, path: SQL, names: SQL) =>
    sql.join(
      [
        sql`(${within(path)})`,
        f.placePath ? sql`${path} like ${`${f.placePath}%`}` : sql`true`,
        f.from ? sql`${at} >= ${f.from.toISOString()}::timestamptz` : sql`true`,
        f.to ? sql`${at} < ${f.to.toISOString()}::timestamptz` : sql`true`,
        f.person ? sql`search_key(${names}) like '%' || search_key(${f.person}::text) || '%'` : sql`true`,
      ],
      sql` and `,
    );
  const wantAudit = !f.action?.startsWith(DOSSIER_PREFIX);
  const wantSteps = !f.action || f.action.startsWith(DOSSIER_PREFIX);
  const c = opts.after;
  // Newest first by (at, source, id), all descending, so the next page is every row whose triple is
  // below the cursor's.
  const before = (at: SQL, src: 'a' | 'd', id: SQL) =>
    c
      ? sql`(${at}, ${src}::text, ${id}) < (${c.at.toISOString()}::timestamptz, ${c.source === 'audit' ? 'a' : 'd'}::text, ${c.id}::bigint)`
      : sql`true`;
  const parts: SQL[] = [];
  if (wantAudit)
    parts.push(sql`(select 'a' as src, id, at, actor_label, actor_name, action, target_type, target_id,
        place_id, place_path, ip, details
      from audit_log
      where ${common(sql`at`, sql`place_path`, sql`coalesce(actor_name, '') || ' ' || actor_label`)}
        and ${f.action ? sql`action = ${f.action}` : sql`true`}
        and ${before(sql`at`, 'a', sql`id`)}
      order by at desc, id desc limit ${limit})`);
  if (wantSteps)
    parts.push(sql`(select 'd' as src, id, at, actor_name as actor_label, actor_name,
        ${DOSSIER_PREFIX}::text || type as action, 'dossier' as target_type, code as target_id,
        unit_id as place_id, unit_path as place_path, null::text as ip, '{}'::jsonb as details
      from dossier_action_facts
      where ${common(sql`at`, sql`unit_path`, sql`actor_name`)}
        and ${f.action ? sql`type = ${f.action.slice(DOSSIER_PREFIX.length)}` : sql`true`}
        and ${before(sql`at`, 'd', sql`id`)}
      order by at desc, id desc limit ${limit})`);
  const rows = rowsOf<RawTrail>(
    await db.execute(
      sql`select * from (${sql.join(parts, sql` union all `)}) t order by at desc, src desc, id desc limit ${limit}`,
    ),
  );
  return rows.map((r) => ({
    source: r.src === 'a' ? 'audit' : 'dossier',
    id: Number(r.id),
    at: new Date(r.at),
    actorLabel: r.actor_label,
    actorName: r.actor_name,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    placeId: r.place_id === null ? null : Number(r.place_id),
    placePath: r.place_path,
    ip: r.ip,
    details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {}),
  }));
}
