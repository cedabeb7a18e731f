import { and, desc, like, lt, or, type SQL } from 'drizzle-orm';
import { type Actor, actorLabel, type RequestMeta, requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Db } from '#platform/db/client.ts';
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
 * the change does.
 */
export async function recordAudit(db: Db, actor: Actor, meta: RequestMeta, entry: AuditEntry) {
  await db.insert(auditLog).values({
    actorUserId: actor.kind === 'staff' ? actor.userId : null,
    actorCitizenId: actor.kind === 'citizen' ? actor.citizenId : null,
    actorLabel: actorLabel(actor),
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

/** Entries an admin may read: those at places in their subtrees (entries without a place: root admins only). */
export async function listAudit(db: Db, actor: Actor, opts: { before?: number; limit?: number } = {}) {
  requireStaff(actor);
  const scope = scopeOf(actor, 'admin');
  if (scope.length === 0) return [];
  const isRoot = scope.some((p) => p.split('/').filter(Boolean).length === 1);
  const inScope: SQL[] = scope.map((p) => like(auditLog.placePath, `${p}%`));
  const where = and(
    isRoot ? undefined : or(...inScope),
    opts.before ? lt(auditLog.id, opts.before) : undefined,
  );
  return db
    .select()
    .from(auditLog)
    .where(where)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(opts.limit ?? 50, 200));
}
