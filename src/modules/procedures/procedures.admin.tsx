import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError, Invalid } from '#platform/errors.ts';
import { formatDate } from '#platform/i18n/dates.ts';
import { type T, translator } from '#platform/i18n/index.ts';
import { fieldErrors } from '#platform/validation.ts';
import { Field, Form, Notice, Select, TextArea } from '#web/form.tsx';
import { type FormState, handleForm } from '#web/form-action.ts';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { type BufferedFile, formOf, inMemory, multipartForm, tooLarge } from '#web/multipart.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import './procedures.messages.ts';
import {
  AGENCIES,
  COMPETENT_LEVELS,
  DAY_UNITS,
  ONLINE_LEVELS,
  ProcedureDefinition,
} from './procedures.schemas.ts';
import {
  canEditCatalogue,
  exportCatalogue,
  getProcedure,
  importCatalogue,
  listCatalogue,
  listFields,
  requireCatalogueAdmin,
  saveProcedure,
  setVerified,
} from './procedures.service.ts';

const BASE = '/quan-tri/thu-tuc';
const JSON_KEYS = ['documents', 'form', 'fees', 'workflow'] as const;
/** An import may hold the whole catalogue; everything else keeps the app's 1 MB limit. */
const IMPORT_LIMIT = 12 * 1024 * 1024;
const tVi = translator('vi');
const tEn = translator('en');

// The edit form: structured inputs for the main fields, a JSON box for each list.

const EditForm = z.object({
  code: z.string().optional(),
  nameVi: z.string().optional(),
  nameEn: z.string().optional(),
  field: z.string().optional(),
  summaryVi: z.string().optional(),
  summaryEn: z.string().optional(),
  competentLevel: z.string().optional(),
  onlineLevel: z.string().optional(),
  days: z.string().optional(),
  resultVi: z.string().optional(),
  resultEn: z.string().optional(),
  legalBasis: z.string().optional(),
  documents: z.string().optional(),
  form: z.string().optional(),
  fees: z.string().optional(),
  workflow: z.string().optional(),
  verified: z.string().optional(),
  daysUnit: z.string().optional(),
  agency: z.string().optional(),
  financialObligations: z.string().optional(),
  checkedAgainst: z.string().optional(),
  version: z.coerce.number().int().positive().optional(),
});
type EditForm = z.infer<typeof EditForm>;

function toFormValues(p: ProcedureDefinition): Record<string, string> {
  return {
    code: p.code,
    nameVi: p.name.vi,
    nameEn: p.name.en ?? '',
    field: p.field,
    summaryVi: p.summary.vi,
    summaryEn: p.summary.en ?? '',
    competentLevel: p.competentLevel,
    onlineLevel: p.onlineLevel,
    days: String(p.days),
    resultVi: p.result.name.vi,
    resultEn: p.result.name.en ?? '',
    legalBasis: p.legalBasis.join('\n'),
    documents: JSON.stringify(p.documents, null, 2),
    form: JSON.stringify(p.form, null, 2),
    fees: JSON.stringify(p.fees, null, 2),
    workflow: JSON.stringify(p.workflow, null, 2),
    // Deliberately not ticked: saving is a new statement about whether the content was checked.
    verified: '',
    daysUnit: p.daysUnit ?? 'working',
    agency: p.agency ?? 'people_committee',
    financialObligations: p.clockExclusions?.includes('financial_obligations') ? 'on' : '',
    checkedAgainst: p.checkedAgainst ?? '',
  };
}

const NEW_PROCEDURE: Record<string, string> = {
  competentLevel: 'commune',
  onlineLevel: 'partial',
  days: '0',
  documents: '[]',
  form: '[]',
  fees: '[]',
  workflow: JSON.stringify(
    [
      { id: 'receive', name: { vi: 'Tiếp nhận, kiểm tra hồ sơ' }, role: 'receptionist', share: 0.3 },
      { id: 'process', name: { vi: 'Thẩm định, trình ký' }, role: 'specialist', share: 0.4 },
      { id: 'approve', name: { vi: 'Lãnh đạo ký duyệt' }, role: 'approver', share: 0.3 },
    ],
    null,
    2,
  ),
};

/** Which input a definition path belongs to, and where inside it. */
function inputFor(path: string[]): { key: string; inner: string[] } {
  const [head, ...rest] = path;
  switch (head) {
    case 'name':
    case 'summary':
      return { key: `${head}${rest[0] === 'en' ? 'En' : 'Vi'}`, inner: [] };
    case 'result':
      return { key: rest.at(-1) === 'en' ? 'resultEn' : 'resultVi', inner: [] };
    default:
      return { key: head ?? '_', inner: rest };
  }
}

/**
 * Builds a definition from the form, turning JSON syntax errors and schema errors into one
 * message per input (all of an input's problems joined), so each shows beside its box.
 */
function definitionFromForm(v: EditForm, t: T, tEn: T): { definition: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const lists: Record<string, unknown> = {};
  for (const key of JSON_KEYS) {
    const raw = v[key];
    if (raw === undefined) {
      lists[key] = [];
      continue;
    }
    try {
      lists[key] = JSON.parse(raw);
    } catch (e) {
      const detail = (e as Error).message;
      errors.push({
        field: key,
        vi: t('procedures:admin.jsonError', { detail }),
        en: tEn('procedures:admin.jsonError', { detail }),
      });
    }
  }
  const days = v.days === undefined ? undefined : Number(v.days.trim().replace(',', '.'));
  if (Number.isNaN(days)) {
    errors.push({
      field: 'days',
      vi: t('procedures:admin.daysError'),
      en: tEn('procedures:admin.daysError'),
    });
  }
  const text = (vi: string | undefined, en: string | undefined) => ({ vi, ...(en ? { en } : {}) });
  const definition = {
    code: v.code,
    name: text(v.nameVi, v.nameEn),
    field: v.field,
    summary: text(v.summaryVi, v.summaryEn),
    competentLevel: v.competentLevel,
    onlineLevel: v.onlineLevel,
    days: Number.isNaN(days) ? undefined : days,
    ...lists,
    result: { name: text(v.resultVi, v.resultEn) },
    legalBasis: (v.legalBasis ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    verified: v.verified === 'on' || v.verified === 'true',
    // The defaults stay absent, so a record saved unchanged exports as it was imported.
    ...(v.daysUnit && v.daysUnit !== 'working' ? { daysUnit: v.daysUnit } : {}),
    ...(v.agency && v.agency !== 'people_committee' ? { agency: v.agency } : {}),
    ...(v.financialObligations === 'on' ? { clockExclusions: ['financial_obligations'] } : {}),
    ...(v.checkedAgainst?.trim() ? { checkedAgainst: v.checkedAgainst.trim() } : {}),
  };
  return { definition, errors };
}

/** Definition-path errors (from the schema) as per-input errors, prefixed with the item or line. */
function toInputErrors(fields: FieldError[], t: T, tEn: T, skip: Set<string>): FieldError[] {
  const grouped = new Map<string, FieldError>();
  for (const f of fields) {
    const { key, inner } = inputFor(f.field.split('.'));
    if (skip.has(key)) continue;
    let where = { vi: '', en: '' };
    const [index, ...rest] = inner;
    if (index !== undefined && /^\d+$/.test(index)) {
      const n = Number(index) + 1;
      const k = key === 'legalBasis' ? 'line' : 'item';
      const path = rest.length ? ` › ${rest.join('.')}` : '';
      where = {
        vi: `${t(`procedures:admin.${k}`, { n })}${path}: `,
        en: `${tEn(`procedures:admin.${k}`, { n })}${path}: `,
      };
    }
    const prev = grouped.get(key);
    const vi = `${where.vi}${f.vi}`;
    const en = `${where.en}${f.en}`;
    grouped.set(
      key,
      prev ? { field: key, vi: `${prev.vi} ${vi}`, en: `${prev.en} ${en}` } : { field: key, vi, en },
    );
  }
  return [...grouped.values()];
}

function EditPage({
  page,
  state,
  code,
  version,
  fields,
}: {
  page: PageCtx;
  state: FormState;
  code: string | undefined;
  version: number | undefined;
  fields: string[];
}) {
  const { t } = page;
  const v = state.values;
  const e = state.errors;
  const f = (k: string) => t(`procedures:admin.f.${k}`);
  const title = code ? t('procedures:admin.editTitle', { code }) : t('procedures:admin.newTitle');
  return (
    <Layout page={page} title={title}>
      <p class="muted">
        <a href={BASE}>{t('procedures:admin.back')}</a>
      </p>
      <h1>{title}</h1>
      {version && <p class="muted">{t('procedures:admin.editing', { version })}</p>}
      {state.message && (
        <p class="errors" role="alert">
          {state.message}
        </p>
      )}
      <Form page={page} action={code ? `${BASE}/${encodeURIComponent(code)}` : `${BASE}/moi`} errors={e}>
        {version && <input type="hidden" name="version" value={String(version)} />}
        <h2>{t('procedures:admin.main')}</h2>
        {code ? (
          <>
            <input type="hidden" name="code" value={code} />
            <p>
              {f('code')}: <code>{code}</code>
            </p>
          </>
        ) : (
          <Field name="code" label={f('code')} hint={f('codeHint')} value={v.code} error={e.code} required />
        )}
        <Field name="nameVi" label={f('nameVi')} value={v.nameVi} error={e.nameVi} required />
        <Field name="nameEn" label={f('nameEn')} value={v.nameEn} error={e.nameEn} />
        <Field
          name="field"
          label={f('field')}
          hint={f('fieldHint')}
          value={v.field}
          error={e.field}
          required
        />
        {fields.length > 0 && <small class="hint">{fields.join(' · ')}</small>}
        <TextArea
          name="summaryVi"
          label={f('summaryVi')}
          hint={f('summaryViHint')}
          value={v.summaryVi}
          error={e.summaryVi}
          rows={3}
          required
        />
        <TextArea name="summaryEn" label={f('summaryEn')} value={v.summaryEn} error={e.summaryEn} rows={3} />
        <Select
          name="competentLevel"
          label={f('competentLevel')}
          options={COMPETENT_LEVELS.map((l) => ({ value: l, label: t(`procedures:level.${l}`) }))}
          value={v.competentLevel}
          error={e.competentLevel}
        />
        <Select
          name="onlineLevel"
          label={f('onlineLevel')}
          options={ONLINE_LEVELS.map((l) => ({ value: l, label: t(`procedures:online.${l}`) }))}
          value={v.onlineLevel}
          error={e.onlineLevel}
        />
        <Field
          name="days"
          label={f('days')}
          hint={f('daysHint')}
          value={v.days}
          error={e.days}
          inputmode="text"
          required
        />
        <Select
          name="daysUnit"
          label={f('daysUnit')}
          options={DAY_UNITS.map((u) => ({ value: u, label: f(`daysUnit_${u}`) }))}
          value={v.daysUnit}
          error={e.daysUnit}
        />
        <div class="field">
          <label>
            <input
              type="checkbox"
              name="financialObligations"
              value="on"
              checked={v.financialObligations === 'on'}
              style="width:auto;display:inline"
            />{' '}
            {t('procedures:exclusion.financial_obligations')}
          </label>
        </div>
        <Select
          name="agency"
          label={f('agency')}
          options={AGENCIES.map((a) => ({ value: a, label: t(`procedures:agency.${a}`) }))}
          value={v.agency}
          error={e.agency}
        />
        <Field name="resultVi" label={f('resultVi')} value={v.resultVi} error={e.resultVi} required />
        <Field name="resultEn" label={f('resultEn')} value={v.resultEn} error={e.resultEn} />
        <TextArea
          name="legalBasis"
          label={f('legalBasis')}
          hint={f('legalBasisHint')}
          value={v.legalBasis}
          error={e.legalBasis}
          rows={4}
        />
        <h2>{t('procedures:admin.details')}</h2>
        <p class="muted">{t('procedures:admin.detailsHint')}</p>
        {JSON_KEYS.map((k) => (
          <TextArea
            key={k}
            name={k}
            label={f(k)}
            hint={f(`${k}Hint`)}
            value={v[k]}
            error={e[k]}
            rows={12}
            spellcheck={false}
          />
        ))}
        <div class={e.verified ? 'field invalid' : 'field'}>
          <label>
            <input
              type="checkbox"
              name="verified"
              value="on"
              checked={v.verified === 'on'}
              aria-describedby="f-verified-hint"
            />{' '}
            {f('verified')}
          </label>
          <small id="f-verified-hint" class="hint">
            {f('verifiedHint')}
          </small>
        </div>
        <Field
          name="checkedAgainst"
          label={f('checkedAgainst')}
          hint={f('checkedAgainstHint')}
          value={v.checkedAgainst}
          error={e.checkedAgainst}
        />
        <button type="submit">{f('save')}</button>
      </Form>
    </Layout>
  );
}

/** A JSON file's text (without a byte-order mark), or a pasted text; nothing for an empty input. */
function fileText(value: unknown): string | undefined {
  const text = Buffer.isBuffer(value) ? value.toString('utf8').replace(/^\uFEFF/, '') : value;
  return typeof text === 'string' && text.trim() ? text : undefined;
}

export function registerProcedureAdmin(app: FastifyInstance) {
  /** Anonymous visitors are sent to sign in; signed-in staff without the right get a 403 page. */
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.actor.kind !== 'staff') {
      reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
      return false;
    }
    await requireCatalogueAdmin(req.ctx().db, req.actor);
    return true;
  };

  app.get(BASE, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    const page = await pageCtx(req, reply);
    const { t } = page;
    const rows = await listCatalogue(req.ctx().db);
    const query = req.query as Record<string, string | undefined>;
    const notice = query.luu
      ? t('procedures:admin.saved', { code: query.luu })
      : query.verified
        ? t('procedures:admin.verifiedDone', { code: query.verified })
        : query.unverified
          ? t('procedures:admin.unverifiedDone', { code: query.unverified })
          : query.created !== undefined
            ? t('procedures:admin.imported', {
                created: query.created,
                updated: query.updated ?? 0,
                unchanged: query.unchanged ?? 0,
              })
            : undefined;
    const unverified = rows.filter((r) => !r.verified).length;
    return sendPage(
      reply,
      <Layout page={page} title={t('procedures:admin.title')}>
        <h1>{t('procedures:admin.title')}</h1>
        <Notice text={notice} />
        <p>{t('procedures:admin.intro')}</p>
        <p>
          <strong>{t('procedures:admin.unverifiedCount', { count: unverified, total: rows.length })}</strong>
        </p>
        <p>
          <a href={`${BASE}/moi`}>{t('procedures:admin.new')}</a> ·{' '}
          <a href={`${BASE}/xuat`} download>
            {t('procedures:admin.export')}
          </a>{' '}
          · <a href={`${BASE}/nhap`}>{t('procedures:admin.import')}</a>
        </p>
        <table>
          <thead>
            <tr>
              <th>{t('procedures:admin.code')}</th>
              <th>{t('procedures:admin.name')}</th>
              <th>{t('procedures:admin.status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => {
              const href = `${BASE}/${encodeURIComponent(p.code)}`;
              return (
                <tr key={p.code} data-code={p.code}>
                  <td>
                    <code>{p.code}</code>
                  </td>
                  <td>
                    <a href={href}>{p.name.vi}</a>
                    <br />
                    <small class="muted">
                      {p.field} · {t('procedures:admin.version', { version: p.version })} ·{' '}
                      <a href={`/thu-tuc/${encodeURIComponent(p.code)}`}>{t('procedures:admin.view')}</a>
                    </small>
                  </td>
                  <td>
                    <span class="tag">
                      {p.verified ? t('procedures:admin.verified') : t('procedures:admin.unverified')}
                    </span>
                    {p.verified && p.verifiedBy && p.verifiedAt && (
                      <small class="muted">
                        {' '}
                        {t('procedures:admin.verifiedBy', { by: p.verifiedBy, at: formatDate(p.verifiedAt) })}
                      </small>
                    )}
                    <form method="post" action={`${href}/kiem-tra`}>
                      <input type="hidden" name="_csrf" value={page.csrf} />
                      <input type="hidden" name="verified" value={p.verified ? 'false' : 'true'} />
                      <button type="submit" class={p.verified ? 'link' : 'secondary'}>
                        {p.verified ? t('procedures:admin.unverify') : t('procedures:admin.verify')}
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Layout>,
    );
  });

  const fieldNames = async (req: FastifyRequest) => (await listFields(req.ctx().db)).map((f) => f.field);

  const renderEdit = async (
    req: FastifyRequest,
    reply: FastifyReply,
    code: string | undefined,
    version: number | undefined,
    state: FormState,
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <EditPage page={page} state={state} code={code} version={version} fields={await fieldNames(req)} />,
      status,
    );
  };

  /** POST → build and check the definition → save → 303; errors re-render with everything typed. */
  const submit = (req: FastifyRequest, reply: FastifyReply, code: string | undefined) =>
    handleForm(
      req,
      reply,
      EditForm,
      async (input) => {
        const { definition, errors } = definitionFromForm(code ? { ...input, code } : input, tVi, tEn);
        // Inputs that could not even be read are reported once, not again by the schema.
        const unreadable = new Set(errors.map((e) => e.field));
        if (errors.length) {
          // Check the rest too, so every problem shows at once.
          const r = ProcedureDefinition.safeParse(definition);
          const more = r.success ? [] : toInputErrors(fieldErrors(r.error), tVi, tEn, unreadable);
          throw new Invalid([...errors, ...more]);
        }
        try {
          const saved = await saveProcedure(
            req.ctx(),
            definition,
            code ? { expectedVersion: input.version } : { create: true },
          );
          return `${BASE}?luu=${encodeURIComponent(saved.procedure.code)}`;
        } catch (e) {
          if (e instanceof Invalid)
            throw new Invalid(toInputErrors(e.fields, tVi, tEn, unreadable), e.detail);
          throw e;
        }
      },
      (state, status) => {
        const version = code ? Number(state.values.version) || undefined : undefined;
        return renderEdit(req, reply, code, version, state, status);
      },
    );

  app.get(`${BASE}/moi`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    return renderEdit(req, reply, undefined, undefined, { values: NEW_PROCEDURE, errors: {} });
  });
  app.post(`${BASE}/moi`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    return submit(req, reply, undefined);
  });

  app.get(`${BASE}/:code`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    const { code } = z.object({ code: z.string().max(40) }).parse(req.params);
    const p = await getProcedure(req.ctx().db, code);
    return renderEdit(req, reply, p.code, p.version, { values: toFormValues(p), errors: {} });
  });
  app.post(`${BASE}/:code`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    const { code } = z.object({ code: z.string().max(40) }).parse(req.params);
    const p = await getProcedure(req.ctx().db, code);
    return submit(req, reply, p.code);
  });

  app.post(`${BASE}/:code/kiem-tra`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    const { code } = z.object({ code: z.string().max(40) }).parse(req.params);
    const { verified } = z.object({ verified: z.enum(['true', 'false']) }).parse(req.body);
    const p = await setVerified(req.ctx(), code, verified === 'true');
    return reply.redirect(
      `${BASE}?${p.verified ? 'verified' : 'unverified'}=${encodeURIComponent(p.code)}`,
      303,
    );
  });

  app.get(`${BASE}/xuat`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    const data = await exportCatalogue(req.ctx().db);
    const day = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="thu-tuc-${day}.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(data, null, 2)}\n`);
  });

  // Import: a file (multipart) or pasted JSON (either encoding), checked whole before anything is written.
  const importPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { json?: string; errors?: FieldError[]; message?: string },
    status = 200,
  ) => {
    const page = await pageCtx(req, reply);
    const { t, locale } = page;
    const shown = (state.errors ?? []).slice(0, 100);
    const more = (state.errors?.length ?? 0) - shown.length;
    return sendPage(
      reply,
      <Layout page={page} title={t('procedures:admin.importTitle')}>
        <p class="muted">
          <a href={BASE}>{t('procedures:admin.back')}</a>
        </p>
        <h1>{t('procedures:admin.importTitle')}</h1>
        <p>{t('procedures:admin.importIntro')}</p>
        {(state.message || shown.length > 0) && (
          <div class="errors" role="alert">
            {state.message && <p>{state.message}</p>}
            {shown.length > 0 && (
              <>
                <p>{t('procedures:admin.importErrors')}</p>
                <ul>
                  {shown.map((e, i) => (
                    <li key={`${e.field}-${i}`} data-field={e.field}>
                      <code>{e.field}</code> {locale === 'en' ? e.en : e.vi}
                    </li>
                  ))}
                </ul>
                {more > 0 && <p>{t('procedures:admin.moreErrors', { count: more })}</p>}
              </>
            )}
          </div>
        )}
        <Form page={page} action={`${BASE}/nhap`} enctype="multipart/form-data">
          <div class="field">
            <label for="f-file">{t('procedures:admin.importFile')}</label>
            <input id="f-file" name="file" type="file" accept="application/json,.json" />
          </div>
          <TextArea
            name="json"
            label={t('procedures:admin.importJson')}
            value={state.json}
            rows={10}
            spellcheck={false}
          />
          <button type="submit">{t('procedures:admin.importSubmit')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  app.get(`${BASE}/nhap`, async (req, reply) => {
    if (!(await guard(req, reply))) return reply;
    return importPage(req, reply, {});
  });

  // The upload form is multipart, read by the shared reader (#web/multipart.ts), which checks the
  // form's CSRF token before the file; the parser is registered here only if the app has none.
  app.register(async (scope) => {
    if (!scope.hasContentTypeParser('multipart/form-data')) await scope.register(fastifyMultipart);
    // Nobody reads 12 MB for a visitor who may not import: the CSRF check then refuses the post.
    const readForm = multipartForm({
      files: 1,
      fileBytes: IMPORT_LIMIT,
      fields: 5,
      fieldBytes: IMPORT_LIMIT,
      may: (req) => canEditCatalogue(req.ctx().db, req.actor),
      file: inMemory(IMPORT_LIMIT),
    });
    const readUpload = async (req: FastifyRequest, reply: FastifyReply) => {
      await readForm(req, reply);
      const file = formOf<BufferedFile>(req).files[0]?.value;
      if (file?.tooLarge) throw tooLarge(IMPORT_LIMIT);
      const text = file && fileText(file.data);
      if (text) (req.body as Record<string, unknown>).file = text;
    };
    scope.post(`${BASE}/nhap`, { bodyLimit: IMPORT_LIMIT, preValidation: readUpload }, async (req, reply) => {
      if (!(await guard(req, reply))) return reply;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const text = fileText(body.file) ?? fileText(body.json) ?? '';
      const en = req.locale === 'en';
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        const message = translator(req.locale)('procedures:admin.jsonError', {
          detail: (e as Error).message,
        });
        return importPage(req, reply, { json: text, message }, 400);
      }
      try {
        const r = await importCatalogue(req.ctx(), json);
        const q = new URLSearchParams({
          created: String(r.created.length),
          updated: String(r.updated.length),
          unchanged: String(r.unchanged),
        });
        return reply.redirect(`${BASE}?${q}`, 303);
      } catch (e) {
        if (e instanceof Invalid) {
          return importPage(
            req,
            reply,
            { json: text, errors: e.fields, message: en ? e.detail.en : e.detail.vi },
            400,
          );
        }
        if (e instanceof AppError && e.status === 409) {
          return importPage(req, reply, { json: text, message: en ? e.detail.en : e.detail.vi }, 409);
        }
        throw e;
      }
    });
  });
}
