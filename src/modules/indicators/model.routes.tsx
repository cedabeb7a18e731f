import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Invalid } from '#platform/errors.ts';
import { Form, Notice, TextArea } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import * as q from './indicators.queries.ts';
import { KINDS, type Kind } from './indicators.schemas.ts';
import {
  exportModelJson,
  importModel,
  loadModel,
  requireModelAdmin,
  saveModelObject,
} from './model.service.ts';
import './indicators.messages.ts';

/**
 * The model's admin pages (province and national admins): the lists, one object's definition as
 * JSON to edit (validated field by field, a stale version refused), the whole model's export and
 * import. The JSON is the same shape the export holds, so what is learnt on one serves the other.
 */

const label = (t: { vi: string; en?: string | undefined }, page: PageCtx) =>
  page.locale === 'en' ? (t.en ?? t.vi) : t.vi;
const KIND_PATH: Record<Kind, string> = { element: 'chi-tieu', indicator: 'chi-so', data_set: 'bieu' };
const kindOf = (path: string) => KINDS.find((k) => KIND_PATH[k] === path);

function messageOf(
  page: PageCtx,
  e: unknown,
): { errors: Record<string, string>; message?: string; status: number } {
  const en = page.locale === 'en';
  if (e instanceof Invalid) {
    const list = e.fields.map((f) => `${f.field}: ${en ? f.en : f.vi}`);
    return { errors: { definition: list.join(' · ') }, status: 400 };
  }
  if (e instanceof AppError && e.status === 409)
    return { errors: {}, message: en ? e.detail.en : e.detail.vi, status: 409 };
  throw e;
}

export function registerModelPages(app: FastifyInstance) {
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff') {
      reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
      return false;
    }
    await requireModelAdmin(req.ctx().db, req.actor);
    return true;
  };

  const listPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { errors?: Record<string, string>; message?: string; json?: string; status?: number } = {},
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    const model = await loadModel(req.ctx().db);
    const rows = await q.listModel(req.ctx().db);
    const version = (kind: Kind, code: string) =>
      rows.find((r) => r.kind === kind && r.code === code)?.version;
    const query = req.query as Record<string, string | undefined>;
    const done = query.created
      ? t('indicators:importDone', {
          created: query.created,
          updated: query.updated,
          unchanged: query.unchanged,
        })
      : query.luu
        ? t('indicators:saved')
        : undefined;
    const section = (
      kind: Kind,
      title: string,
      items: { code: string; name: { vi: string; en?: string | undefined }; source?: string | null }[],
    ) => (
      <section>
        <h2>{title}</h2>
        <p>
          <a href={`/quan-tri/chi-so/mo-hinh/${KIND_PATH[kind]}/moi`}>{t('indicators:add')}</a>
        </p>
        <table>
          <thead>
            <tr>
              <th>{t('indicators:code')}</th>
              <th>{t('indicators:name')}</th>
              <th>{t('indicators:version')}</th>
              <th>{t('indicators:source')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.code}>
                <td>
                  {i.source ? (
                    i.code
                  ) : (
                    <a href={`/quan-tri/chi-so/mo-hinh/${KIND_PATH[kind]}/${encodeURIComponent(i.code)}`}>
                      {i.code}
                    </a>
                  )}
                </td>
                <td>{label(i.name, page)}</td>
                <td>{version(kind, i.code) ?? 1}</td>
                <td>{i.source ?? (kind === 'element' ? t('indicators:sourceEntry') : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    );
    return sendPage(
      reply,
      <Layout page={page} title={t('indicators:model')}>
        <h1>{t('indicators:model')}</h1>
        <p>{t('indicators:modelLead')}</p>
        <Notice text={state.message ?? done} />
        <p>
          <a href="/quan-tri/chi-so/mo-hinh.json" download>
            {t('indicators:exportJson')}
          </a>
        </p>
        {section('element', t('indicators:elements'), [...model.elements.values()])}
        {section('indicator', t('indicators:indicators'), [...model.indicators.values()])}
        {section('data_set', t('indicators:dataSets'), [...model.dataSets.values()])}
        <h2>{t('indicators:importJson')}</h2>
        <Form page={page} action="/quan-tri/chi-so/mo-hinh/nhap" errors={state.errors}>
          <TextArea
            name="definition"
            label={t('indicators:definition')}
            rows={12}
            value={state.json ?? ''}
            error={state.errors?.definition}
            spellcheck={false}
          />
          <button type="submit">{t('indicators:importJson')}</button>
        </Form>
      </Layout>,
      state.status ?? 200,
    );
  };

  app.get('/quan-tri/chi-so/mo-hinh', async (req, reply) => {
    if (!(await guard(req, reply))) return;
    return listPage(req, reply);
  });

  app.get('/quan-tri/chi-so/mo-hinh.json', async (req, reply) => {
    if (!(await guard(req, reply))) return;
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="chi-so-mo-hinh.json"')
      .send(await exportModelJson(req.ctx().db));
  });

  app.post('/quan-tri/chi-so/mo-hinh/nhap', async (req, reply) => {
    if (!(await guard(req, reply))) return;
    const page = await pageCtx(req, reply);
    const text = String((req.body as { definition?: unknown })?.definition ?? '');
    try {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Invalid([{ field: 'definition', vi: 'Không phải JSON hợp lệ.', en: 'Not valid JSON.' }]);
      }
      const r = await importModel(req.ctx(), json);
      return reply.redirect(
        `/quan-tri/chi-so/mo-hinh?created=${r.created}&updated=${r.updated}&unchanged=${r.unchanged}`,
        303,
      );
    } catch (e) {
      const m = messageOf(page, e);
      return listPage(req, reply, { ...m, json: text });
    }
  });

  const editPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: {
      errors?: Record<string, string>;
      message?: string;
      json?: string;
      version?: string;
      status?: number;
    } = {},
  ) => {
    const { kind: path, code } = req.params as { kind: string; code: string };
    const kind = kindOf(path);
    const page = await pageCtx(req, reply);
    if (!kind) return reply.callNotFound();
    const row = code === 'moi' ? undefined : await q.findModelRow(req.ctx().db, kind, code);
    if (code !== 'moi' && !row) return reply.callNotFound();
    const json =
      state.json ??
      (row
        ? JSON.stringify(row.definition, null, 2)
        : '{\n  "code": "",\n  "name": { "vi": "", "en": "" }\n}');
    const action = `/quan-tri/chi-so/mo-hinh/${path}/${encodeURIComponent(code)}`;
    return sendPage(
      reply,
      <Layout page={page} title={`${page.t('indicators:model')}: ${row?.code ?? page.t('indicators:add')}`}>
        <h1>
          {row?.code ?? page.t('indicators:add')}{' '}
          <small>{row ? `${page.t('indicators:version')} ${row.version}` : ''}</small>
        </h1>
        <Notice text={state.message} />
        <Form page={page} action={action} errors={state.errors}>
          <input type="hidden" name="version" value={state.version ?? String(row?.version ?? 0)} />
          <TextArea
            name="definition"
            label={page.t('indicators:definition')}
            rows={20}
            value={json}
            error={state.errors?.definition}
            spellcheck={false}
          />
          <button type="submit">{page.t('indicators:save')}</button>
        </Form>
        <p>
          <a href="/quan-tri/chi-so/mo-hinh">{page.t('indicators:model')}</a>
        </p>
      </Layout>,
      state.status ?? 200,
    );
  };

  app.get('/quan-tri/chi-so/mo-hinh/:kind/:code', async (req, reply) => {
    if (!(await guard(req, reply))) return;
    return editPage(req, reply);
  });

  app.post('/quan-tri/chi-so/mo-hinh/:kind/:code', async (req, reply) => {
    if (!(await guard(req, reply))) return;
    const { kind: path } = req.params as { kind: string; code: string };
    const kind = kindOf(path);
    if (!kind) return reply.callNotFound();
    const page = await pageCtx(req, reply);
    const body = req.body as { definition?: unknown; version?: unknown };
    const text = String(body?.definition ?? '');
    const version = Number(body?.version ?? 0);
    try {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Invalid([{ field: 'definition', vi: 'Không phải JSON hợp lệ.', en: 'Not valid JSON.' }]);
      }
      await saveModelObject(req.ctx(), kind, json, Number.isFinite(version) ? version : undefined);
      return reply.redirect('/quan-tri/chi-so/mo-hinh?luu=1', 303);
    } catch (e) {
      return editPage(req, reply, {
        ...messageOf(page, e),
        json: text,
        version: String(body?.version ?? ''),
      });
    }
  });
}
