import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireStaff } from '#platform/auth/actor.ts';
import { Invalid } from '#platform/errors.ts';
import { parse } from '#platform/validation.ts';
import { type Errors, errorsFor } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
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

/** A restore the leader sent back incomplete: which conflict, what was typed, what is wrong. */
interface Refused {
  id: number;
  values: { headName?: string | undefined; phones?: string | undefined };
  errors: Errors;
}

const Resolve = z.object({
  resolution: z.enum(RESOLUTIONS),
  headName: z.string().max(200).optional(),
  phones: z.string().max(200).optional(),
});

/**
 * The team leader's page of conflicts (online): each with both values side by side and the ways to
 * resolve it. Nothing is resolved by itself. Restoring a deleted household asks again for what the
 * deletion erased (the head's name, the phones).
 */
export function registerConflictPages(app: FastifyInstance) {
  app.get(`${KIT}xung-dot`, async (req, reply) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    return renderConflicts(req, reply);
  });

  app.post(`${KIT}xung-dot/:id`, async (req, reply) => {
    requireStaff(req.actor);
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(req.params);
    const { resolution, headName, phones } = parse(Resolve, req.body);
    try {
      await resolveConflict(req.ctx(), id, resolution, { headName, phones });
    } catch (e) {
      if (!(e instanceof Invalid) || resolution !== 'restored') throw e;
      const page = await pageCtx(req, reply);
      const refused = { id, values: { headName, phones }, errors: errorsFor(page, e.fields) };
      return renderConflicts(req, reply, refused, 400);
    }
    return reply.redirect(`${KIT}xung-dot?ok=1`, 303);
  });
}

async function renderConflicts(req: FastifyRequest, reply: FastifyReply, refused?: Refused, status = 200) {
  const page = await pageCtx(req, reply);
  const t = page.t;
  const ctx = req.ctx();
  const scope = reviewScope(req.actor);
  const conflicts = await listConflicts(ctx, scope);
  const households = new Map(
    (await findHouseholds(ctx.db, [...new Set(conflicts.map((c) => c.householdId))])).map((h) => [h.id, h]),
  );
  const resolved = !refused && (req.query as { ok?: string }).ok;
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
                  {r === 'restored' && h?.deletedAt && (
                    <RestoreFields
                      page={page}
                      id={c.id}
                      record={c.clientRecord}
                      refused={refused?.id === c.id ? refused : undefined}
                    />
                  )}
                  <button
                    type="submit"
                    class={r === 'server' || r === 'kept-deleted' || r === 'noted' ? 'secondary' : undefined}
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
    status,
  );
}

/**
 * What restoring a deleted household needs again: the deletion erased the head's name and the
 * phones. Filled from the member's copy when their edit carried them.
 */
function RestoreFields({
  page,
  id,
  record,
  refused,
}: {
  page: PageCtx;
  id: number;
  record: Record<string, unknown> | null;
  refused: Refused | undefined;
}) {
  const t = page.t;
  const fromMember = (k: 'headName' | 'phones') => {
    const v = record?.[k];
    return Array.isArray(v) ? v.join(', ') || undefined : typeof v === 'string' ? v : undefined;
  };
  const fields = [
    { name: 'headName', label: t('fieldkit:household.headName'), hint: undefined },
    { name: 'phones', label: t('fieldkit:household.phones'), hint: t('fieldkit:household.phonesHint') },
  ] as const;
  const errors = refused?.errors ?? {};
  return (
    <fieldset>
      <legend>{t('fieldkit:conflict.restoreNeeds')}</legend>
      {fields.map((f) => {
        const fid = `c${id}-${f.name}`;
        const error = errors[f.name];
        const described = [f.hint && `${fid}-hint`, error && `${fid}-err`].filter(Boolean).join(' ');
        return (
          <div key={f.name} class={error ? 'field invalid' : 'field'}>
            <label for={fid}>{f.label}</label>
            {f.hint && (
              <small id={`${fid}-hint`} class="hint">
                {f.hint}
              </small>
            )}
            {error && (
              <strong id={`${fid}-err`} class="err" role="alert">
                {error}
              </strong>
            )}
            <input
              id={fid}
              name={f.name}
              type={(f.name === 'phones' ? 'tel' : 'text') as 'text'}
              value={refused ? refused.values[f.name] : fromMember(f.name)}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={described || undefined}
            />
          </div>
        );
      })}
    </fieldset>
  );
}
