import type { Ctx } from '#platform/context.ts';
import { act } from './dossiers.actions.ts';
import type { DossierDeps } from './dossiers.deps.ts';
import * as q from './dossiers.queries.ts';

/**
 * The daily sweep. Marks every running clock past its due time: an `overdue` action in the log (the
 * apology, form 04, is owed) and the apology message to the applicant. Idempotent: a marked dossier
 * is not marked again.
 */
export async function sweepOverdue(ctx: Ctx, deps: DossierDeps): Promise<string[]> {
  const now = ctx.clock.now();
  const marked: string[] = [];
  for (;;) {
    const rows = await q.findOverdue(ctx.db, now, 200);
    if (rows.length === 0) break;
    for (const r of rows) {
      await act(ctx, deps, r.code, { type: 'overdue' }, { system: true });
      await ctx.events.emit('dossiers.overdue', { code: r.code });
      marked.push(r.code);
    }
  }
  return marked;
}
