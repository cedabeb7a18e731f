import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import { Forbidden } from '#platform/errors.ts';
import { errorsFor } from '#web/form.tsx';
import type { PageCtx } from '#web/layout.tsx';
import { pageCtx } from '#web/render.tsx';
import type { AssistDeps } from './assisted.service.ts';
import { checklistForPlace } from './checklist.service.ts';
import { canReview, kitHamlets, requireReview } from './fieldkit.access.ts';
import { type KitAssets, SHELL, SYNC, sendKitPage } from './fieldkit.app.tsx';
import type { CommandResult, HamletOut } from './fieldkit.schemas.ts';
import { PullQuery } from './fieldkit.schemas.ts';
import {
  getHamlet,
  getHousehold,
  listHouseholdsOf,
  PAGE_SIZE,
  toHouseholdOut,
} from './households.service.ts';
import { type FormBody, householdCommand, visitCommand } from './kit-forms.ts';
import { applyFormCommand, pull, push } from './sync.service.ts';
import {
  emptyForm,
  type FormValues,
  HouseholdDetail,
  HouseholdFormView,
  HouseholdList,
  householdUrl,
  KIT,
  nameOf,
  VisitFormView,
} from './views/kit-views.tsx';
import { listVisits } from './visits.service.ts';

const Id = z.object({ id: z.uuid() });
const uuidOr = (v: unknown) => (typeof v === 'string' && z.uuid().safeParse(v).success ? v : randomUUID());

/** Staff only: anyone else is sent to sign in and brought back. */
function signedIn(req: FastifyRequest, reply: FastifyReply) {
  if (req.actor.kind === 'staff') return true;
  reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
  return false;
}

function bodyOf(req: FastifyRequest): FormBody {
  return (req.body ?? {}) as FormBody;
}

/**
 * The kit's pages without JavaScript: the household list, a household, the visit checklist, the
 * household form. Every change is posted as the same command the offline kit sends (its id drawn
 * with the form), so what works offline and what works without a script are one code path.
 */
export function registerKitPages(app: FastifyInstance, kit: KitAssets, deps: AssistDeps) {
  const send = (
    req: FastifyRequest,
    reply: FastifyReply,
    page: PageCtx,
    title: string,
    body: ComponentChildren,
    status = 200,
  ) => sendKitPage(req, reply, kit, page, { title, status }, body);

  app.get('/to-cong-nghe', async (_req, reply) => reply.redirect(KIT, 301));

  app.get(KIT, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const page = await pageCtx(req, reply);
    const ctx = req.ctx();
    const { synced } = await kitHamlets(ctx.db, req.actor);
    const query = z
      .object({
        thon: z.coerce.number().int().positive().optional().catch(undefined),
        q: z.string().trim().max(100).optional().catch(undefined),
        trang: z.coerce.number().int().min(1).max(100).default(1).catch(1),
      })
      .parse(req.query);
    const hamlet = synced.find((h) => h.id === query.thon) ?? synced[0];
    if (!hamlet) throw new Forbidden();
    const rows = await listHouseholdsOf(ctx, hamlet, { q: query.q, page: query.trang });
    const hamlets: HamletOut[] = synced.map((h) => ({
      id: h.id,
      code: h.code,
      name: h.fullName,
      commune: '',
    }));
    const next =
      rows.length === PAGE_SIZE
        ? `${KIT}?${new URLSearchParams({ thon: String(hamlet.id), q: query.q ?? '', trang: String(query.trang + 1) })}`
        : undefined;
    return send(
      req,
      reply,
      page,
      page.t('fieldkit:home'),
      <HouseholdList
        page={page}
        hamlets={hamlets}
        hamletId={hamlet.id}
        households={rows.map(toHouseholdOut)}
        q={query.q ?? ''}
        next={next}
        canReview={canReview(req.actor, hamlet.path)}
      />,
    );
  });

  // The shell the service worker keeps: the kit renders the page from the phone's copy.
  app.get(SHELL, async (req, reply) => {
    const page = await pageCtx(req, reply);
    return sendKitPage(
      req,
      reply,
      kit,
      page,
      { title: page.t('fieldkit:title'), shell: true },
      <p class="muted">…</p>,
    );
  });

  // Household: details, visits, the leader's delete form.
  app.get(`${KIT}ho/:id`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const { id } = Id.parse(req.params);
    const ctx = req.ctx();
    const h = await getHousehold(ctx, id);
    const page = await pageCtx(req, reply);
    const visits = await listVisits(ctx, id);
    const hamlet = await getHamlet(ctx.db, h.hamletId).catch(() => undefined);
    const notice = (req.query as { ok?: string }).ok;
    return send(
      req,
      reply,
      page,
      nameOf(h, page),
      <HouseholdDetail
        page={page}
        household={toHouseholdOut(h)}
        hamlet={hamlet && { id: hamlet.id, code: hamlet.code, name: hamlet.fullName, commune: '' }}
        visits={visits.map((v) => ({
          id: v.id,
          at: v.endedAt.toISOString(),
          memberName: v.memberName,
          afterDelete: v.afterDelete,
        }))}
        notice={
          notice === 'visit'
            ? page.t('fieldkit:visit.saved')
            : notice === 'flag'
              ? page.t('fieldkit:household.flagged')
              : notice === 'filed'
                ? page.t('fieldkit:assist.filed', { code: (req.query as { ma?: string }).ma ?? '' })
                : notice
                  ? page.t('fieldkit:household.saved')
                  : undefined
        }
        canDelete={canReview(req.actor, h.hamletPath)}
      />,
    );
  });

  /** After a command: to the household, or the form again with the server's reasons (a new command id). */
  const answer = async (
    req: FastifyRequest,
    reply: FastifyReply,
    result: CommandResult,
    householdId: string,
    again: (state: FormValues) => Promise<unknown>,
    ok: string,
  ) => {
    if (result.status === 'rejected') {
      const page = await pageCtx(req, reply);
      const errors = result.errors?.length
        ? errorsFor(page, result.errors)
        : { _: page.locale === 'en' ? (result.message?.en ?? '') : (result.message?.vi ?? '') };
      return again({
        values: bodyOf(req),
        errors,
        message: page.locale === 'en' ? result.message?.en : result.message?.vi,
      });
    }
    return reply.redirect(
      `${householdUrl(householdId)}?ok=${result.status === 'conflict' ? 'flag' : ok}`,
      303,
    );
  };

  // New household
  const newForm = async (req: FastifyRequest, reply: FastifyReply, state: FormValues, status = 200) => {
    const page = await pageCtx(req, reply);
    const { synced } = await kitHamlets(req.ctx().db, req.actor);
    const wanted = Number((req.query as { thon?: string }).thon ?? bodyOf(req).hamletId);
    const hamlet = synced.find((h) => h.id === wanted) ?? synced[0];
    if (!hamlet) throw new Forbidden();
    return send(
      req,
      reply,
      page,
      page.t('fieldkit:household.new'),
      <HouseholdFormView
        page={page}
        action={`${KIT}ho/moi`}
        state={state}
        hamletId={hamlet.id}
        commandId={randomUUID()}
      />,
      status,
    );
  };
  app.get(`${KIT}ho/moi`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return newForm(req, reply, emptyForm());
  });
  app.post(`${KIT}ho/moi`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const body = bodyOf(req);
    const householdId = uuidOr(body.householdId);
    const command = householdCommand(body, {
      commandId: uuidOr(body.commandId),
      now: req.ctx().clock.now(),
      householdId,
      hamletId: Number(body.hamletId),
      edit: false,
    });
    const result = await applyFormCommand(req.ctx(), deps, command);
    return answer(req, reply, result, householdId, (s) => newForm(req, reply, s, 400), 'saved');
  });

  // Edit
  const editForm = async (req: FastifyRequest, reply: FastifyReply, state: FormValues, status = 200) => {
    const { id } = Id.parse(req.params);
    const h = await getHousehold(req.ctx(), id);
    const page = await pageCtx(req, reply);
    return send(
      req,
      reply,
      page,
      page.t('fieldkit:household.edit'),
      <HouseholdFormView
        page={page}
        action={`${householdUrl(id)}/sua`}
        state={state}
        hamletId={h.hamletId}
        household={toHouseholdOut(h)}
        commandId={randomUUID()}
      />,
      status,
    );
  };
  app.get(`${KIT}ho/:id/sua`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return editForm(req, reply, emptyForm());
  });
  app.post(`${KIT}ho/:id/sua`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const { id } = Id.parse(req.params);
    const h = await getHousehold(req.ctx(), id);
    const body = bodyOf(req);
    const command = householdCommand(body, {
      commandId: uuidOr(body.commandId),
      now: req.ctx().clock.now(),
      householdId: id,
      hamletId: h.hamletId,
      edit: true,
    });
    if (!command) return reply.redirect(householdUrl(id), 303);
    const result = await applyFormCommand(req.ctx(), deps, command);
    return answer(req, reply, result, id, (s) => editForm(req, reply, s, 400), 'saved');
  });

  // Visit
  const visitForm = async (req: FastifyRequest, reply: FastifyReply, state: FormValues, status = 200) => {
    const { id } = Id.parse(req.params);
    const ctx = req.ctx();
    const h = await getHousehold(ctx, id);
    const checklist = await checklistForPlace(ctx.db, { path: h.hamletPath });
    const page = await pageCtx(req, reply);
    const startedAt =
      typeof state.values.startedAt === 'string' ? state.values.startedAt : ctx.clock.now().toISOString();
    return send(
      req,
      reply,
      page,
      page.t('fieldkit:visit.title', { name: nameOf(h, page) }),
      <VisitFormView
        page={page}
        action={`${householdUrl(id)}/tham`}
        household={toHouseholdOut(h)}
        items={checklist.items}
        checklistId={checklist.id}
        startedAt={startedAt}
        commandId={randomUUID()}
        state={state}
      />,
      status,
    );
  };
  app.get(`${KIT}ho/:id/tham`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    return visitForm(req, reply, emptyForm());
  });
  app.post(`${KIT}ho/:id/tham`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const { id } = Id.parse(req.params);
    const ctx = req.ctx();
    const h = await getHousehold(ctx, id);
    const checklist = await checklistForPlace(ctx.db, { path: h.hamletPath });
    const body = bodyOf(req);
    const command = visitCommand(body, {
      commandId: uuidOr(body.commandId),
      visitId: randomUUID(),
      householdId: id,
      now: ctx.clock.now(),
      items: checklist.items,
    });
    const result = await applyFormCommand(ctx, deps, command);
    return answer(req, reply, result, id, (s) => visitForm(req, reply, s, 400), 'visit');
  });

  // Delete (team leader, admin)
  app.post(`${KIT}ho/:id/xoa`, async (req, reply) => {
    if (!signedIn(req, reply)) return reply;
    const { id } = Id.parse(req.params);
    const body = bodyOf(req);
    requireReview(req.actor, (await getHousehold(req.ctx(), id)).hamletPath);
    const result = await applyFormCommand(req.ctx(), deps, {
      id: uuidOr(body.commandId),
      type: 'household.delete',
      protocol: 1,
      data: { id, baseVersion: Number(body.baseVersion), reason: String(body.reason ?? 'other') },
    });
    return reply.redirect(`${householdUrl(id)}?ok=${result.status === 'conflict' ? 'flag' : 'saved'}`, 303);
  });

  // Sync for the browser kit: the session cookie and, for the push, the CSRF header.
  app.get(`${SYNC}phien`, async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.code(401).send({ error: 'sign-in' });
    const actor = req.actor;
    return reply.header('cache-control', 'no-store').send({
      userId: actor.userId,
      name: actor.displayName,
      canReview: actor.grants.some((g) => g.role === 'community_digital_leader' || g.role === 'admin'),
      csrf: await reply.generateCsrf(),
    });
  });
  app.get(`${SYNC}keo`, async (req, reply) => {
    const query = PullQuery.parse(req.query);
    return reply.header('cache-control', 'no-store').send(await pull(req.ctx(), query));
  });
  app.post(`${SYNC}gui`, { bodyLimit: 512 * 1024 }, async (req) => push(req.ctx(), deps, req.body));
}
