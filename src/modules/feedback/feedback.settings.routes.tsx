import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { z } from 'zod';
import { requireStaff, scopeOf } from '#platform/auth/actor.ts';
import type { Ctx } from '#platform/context.ts';
import { translator } from '#platform/i18n/index.ts';
import type { Platform } from '#platform/platform.ts';
import { blankToUndefined, fieldErrors } from '#platform/validation.ts';
import { errorsFor } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { listCategories, placeNames } from './feedback.read.ts';
import { ApiKeyForm, CategoryForm, ContactForm, IdParam } from './feedback.schemas.ts';
import {
  addContact,
  canEditCategories,
  createApiKey,
  listApiKeys,
  listContacts,
  removeContact,
  revokeApiKey,
  saveCategory,
} from './feedback.settings.ts';
import { SettingsPage } from './views/settings.tsx';

async function settingsPage(
  platform: Platform,
  req: FastifyRequest,
  reply: FastifyReply,
  state: FormState,
  status = 200,
  extra: ComponentChildren = null,
) {
  const db = platform.database.db;
  const actor = requireStaff(req.actor);
  const page = await pageCtx(req, reply);
  const [categories, keys, contacts] = await Promise.all([
    listCategories(db),
    listApiKeys(req.ctx()),
    listContacts(req.ctx()),
  ]);
  const places = await placeNames(db, [...keys.map((k) => k.placeId), ...contacts.map((c) => c.placeId)]);
  return sendPage(
    reply,
    <SettingsPage
      {...{ page, state, categories, keys, contacts, places, extra }}
      editable={canEditCategories(actor)}
      editing={categories.find((c) => c.code === (req.query as { sua?: string }).sua)}
      isAdmin={scopeOf(actor, 'admin').length > 0}
    />,
    status,
  );
}

/** A settings form (a category, an address): save, then back to the settings page. */
function settingsForm<S extends z.ZodType>(
  platform: Platform,
  schema: S,
  save: (ctx: Ctx, input: z.output<S>) => Promise<unknown>,
) {
  return (req: FastifyRequest, reply: FastifyReply) =>
    handleForm(
      req,
      reply,
      schema,
      async (input) => {
        await save(req.ctx(), input);
        return '/quan-tri/phan-anh/cai-dat';
      },
      (state, status) => settingsPage(platform, req, reply, state, status),
    );
}

/** Settings: categories, Open311 API keys, the offices' notification addresses. */
export function registerSettingsPages(app: FastifyInstance, platform: Platform) {
  app.get('/quan-tri/phan-anh/cai-dat', async (req, reply) => {
    if (req.actor.kind !== 'staff') return reply.redirect('/dang-nhap?next=/quan-tri/phan-anh/cai-dat', 303);
    return settingsPage(platform, req, reply, { values: {}, errors: {} });
  });
  app.post('/quan-tri/phan-anh/cai-dat/linh-vuc', settingsForm(platform, CategoryForm, saveCategory));
  app.post('/quan-tri/phan-anh/cai-dat/khoa-api', async (req, reply) => {
    // The new key is shown once, in this answer: a redirect would have to carry it in a URL.
    const raw = blankToUndefined(req.body);
    const parsed = ApiKeyForm.safeParse(raw);
    if (!parsed.success) {
      const values = Object.fromEntries(
        Object.entries(raw).filter(([k, x]) => typeof x === 'string' && k !== '_csrf'),
      ) as Record<string, string>;
      const page = await pageCtx(req, reply);
      return settingsPage(
        platform,
        req,
        reply,
        { values, errors: errorsFor(page, fieldErrors(parsed.error)) },
        400,
      );
    }
    const issued = await createApiKey(req.ctx(), parsed.data);
    return settingsPage(
      platform,
      req,
      reply,
      { values: {}, errors: {} },
      201,
      <div class="notice" role="status">
        <p>{translator(req.locale)('feedback:settings.newKey')}</p>
        <p>
          <code>{issued.key}</code>
        </p>
      </div>,
    );
  });
  app.post('/quan-tri/phan-anh/cai-dat/khoa-api/:id/thu-hoi', async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    await revokeApiKey(req.ctx(), id);
    return reply.redirect('/quan-tri/phan-anh/cai-dat', 303);
  });
  app.post('/quan-tri/phan-anh/cai-dat/lien-he', settingsForm(platform, ContactForm, addContact));
  app.post('/quan-tri/phan-anh/cai-dat/lien-he/:id/xoa', async (req, reply) => {
    const { id } = IdParam.parse(req.params);
    await removeContact(req.ctx(), id);
    return reply.redirect('/quan-tri/phan-anh/cai-dat', 303);
  });
}
