import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '#platform/auth/actor.ts';
import { parse } from '#platform/validation.ts';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { reviewScope } from './fieldkit.access.ts';
import { findHouseholds } from './fieldkit.queries.ts';
import { RESOLUTIONS } from './fieldkit.tables.ts';
import { listConflicts, resolutionsOf, resolveConflict } from './households.service.ts';
import { householdUrl, KIT, nameOf, shortTime } from './views/kit-views.tsx';

const show = (v: unknown) =>
  v === null || v === undefined || v === ''
    ? '—'
    : Array.isArray(v)
      ? v.join(', ')
      : typeof v === 'boolean'
        ? v
          ? '✓'
          : '✗'
        : String(v);

/**
 * The team leader's page of conflicts (online): each with both values side by side and the ways to
 * resolve it. Nothing is resolved by itself.
 */
export function registerConflictPages(app: FastifyInstance) {
  app.get(`${KIT}xung-dot`, async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const ctx = req.ctx();
    const scope = reviewScope(req.actor);
    const conflicts = await listConflicts(ctx, scope);
    const households = new Map(
      (await findHouseholds(ctx.db, [...new Set(conflicts.map((c) => c.householdId))])).map((h) => [h.id, h]),
    );
    const resolved = (req.query as { ok?: string }).ok;
    return sendPage(
      reply,
      <Layout page={page} title={t('fieldkit:conflict.title')}>
        <p class="muted">
          <a href={KIT}>{t('fieldkit:household.back')}</a>
        </p>
        <h1>{t('fieldkit:conflict.title')}</h1>
        {resolved && (
          <p class="notice" role="status">
            {t('fieldkit:conflict.resolved')}
          </p>
        )}
        {conflicts.length === 0 && <p>{t('fieldkit:conflict.none')}</p>}
        {conflicts.map((c) => {
          const h = households.get(c.householdId);
          return (
            <section key={c.id} class="cards" id={`c${c.id}`}>
              <h2>
                {h ? (
                  <a href={householdUrl(h.id)}>{h.deletedAt ? h.address : nameOf(h, page)}</a>
                ) : (
                  c.householdId
                )}
                {' · '}
                {t(`fieldkit:conflict.kinds.${c.kind}`)}
              </h2>
              <p class="muted">
                {t('fieldkit:conflict.at', { time: shortTime(c.createdAt.toISOString()) })} ·{' '}
                {t('fieldkit:household.by', { name: c.memberName })}
              </p>
              {c.fields.length > 0 && (
                <table>
                  <thead>
                    <tr>
                      <th>{t('fieldkit:conflict.field')}</th>
                      <th>{t('fieldkit:conflict.server')}</th>
                      <th>{t('fieldkit:conflict.client', { name: c.memberName })}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.fields.map((f) => (
                      <tr key={f.field}>
                        <td>{t(`fieldkit:household.${f.field}`)}</td>
                        <td>{show(f.server)}</td>
                        <td>{show(f.client)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <p>
                {resolutionsOf(c.kind).map((r) => (
                  <form key={r} method="post" action={`${KIT}xung-dot/${c.id}`} class="inline">
                    <input type="hidden" name="_csrf" value={page.csrf} />
                    <input type="hidden" name="resolution" value={r} />
                    <button
                      type="submit"
                      class={
                        r === 'server' || r === 'kept-deleted' || r === 'noted' ? 'secondary' : undefined
                      }
                    >
                      {t(`fieldkit:conflict.resolutions.${r}`)}
                    </button>{' '}
                  </form>
                ))}
              </p>
            </section>
          );
        })}
      </Layout>,
    );
  });

  app.post(`${KIT}xung-dot/:id`, async (req, reply) => {
    requireStaff(req.actor);
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const { resolution } = parse(z.object({ resolution: z.enum(RESOLUTIONS) }), req.body);
    await resolveConflict(req.ctx(), id, resolution);
    return reply.redirect(`${KIT}xung-dot?ok=1`, 303);
  });
}
