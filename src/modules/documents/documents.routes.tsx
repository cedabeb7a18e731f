import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getProcedure } from '#modules/procedures/index.ts';
import { Invalid, NotFound } from '#platform/errors.ts';
import { Form } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { type BufferedFile, formOf, inMemory, multipartForm } from '#web/multipart.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import * as q from './documents.queries.ts';
import { registerRegisterRoutes } from './documents.register.tsx';
import {
  accessDossier,
  approveAndSign,
  availablePapers,
  type DocumentsDeps,
  PAPERS,
  type Paper,
  previewResult,
  renderPaper,
  saveResultTemplate,
  signResult,
  templateFor,
  type VerifyOutcome,
  verifyIssued,
  verifyUpload,
} from './documents.service.ts';
import { getDossierRecord, staffMaySee } from './dossier-source.ts';
import { vnDateTime, vnShort } from './pdf/vn-format.ts';
import './documents.messages.ts';

const CodeParams = z.object({ code: z.string().min(1).max(60) });
const PaperParams = CodeParams.extend({ paper: z.enum(PAPERS) });
const ProofQuery = z.object({
  so: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  t: z.string().max(64).optional(),
});

/** A procedure's (or any bilingual) name in the page's language, Vietnamese when there is no English. */
const tr = (page: PageCtx, text: { vi: string; en?: string | undefined }) =>
  page.locale === 'en' && text.en ? text.en : text.vi;

/** A result's plain name: "Giấy khai sinh (bản chính)" → "Giấy khai sinh" (the note in brackets is for staff). */
const resultName = (page: PageCtx, name: { vi: string; en?: string | undefined }) =>
  tr(page, name).replace(/\s*\([^)]*\)\s*$/, '');

/** "09 giờ 05 phút, ngày 23 tháng 11 năm 2026"; in English the figures "09:05 23/11/2026". */
const when = (page: PageCtx, at: Date) => (page.locale === 'en' ? vnShort(at) : vnDateTime(at));

/** The proof a citizen link carries, kept on the links of the page. */
export function proofQuery(p: { so?: string | undefined; t?: string | undefined }) {
  const qs = new URLSearchParams();
  if (p.so) qs.set('so', p.so);
  if (p.t) qs.set('t', p.t);
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** ASCII name plus the UTF-8 one (RFC 6266), so every browser saves it with a sensible name. */
function sendPdf(reply: FastifyReply, bytes: Uint8Array, name: string, inline = false) {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\w.-]+/g, '-');
  return reply
    .header('content-type', 'application/pdf')
    .header(
      'content-disposition',
      `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    )
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(Buffer.from(bytes));
}

const MAX_UPLOAD = 10 * 1024 * 1024;

/** One PDF into memory (documents are small), through the shared reader. */
const readUpload = multipartForm({ files: 1, fileBytes: MAX_UPLOAD, fields: 10, file: inMemory(MAX_UPLOAD) });

/** The PDF sent to the verify page; a file over the limit is refused as before. */
function uploadedPdf(req: FastifyRequest): Buffer | undefined {
  const file = formOf<BufferedFile>(req).files[0]?.value;
  if (file?.tooLarge) {
    throw new Invalid([{ field: 'file', vi: 'Tệp lớn hơn 10 MB.', en: 'The file is larger than 10 MB.' }]);
  }
  return file?.data;
}

const VERDICT_CLASS: Record<VerifyOutcome['verdict'], string> = {
  issued: 'notice ok',
  trusted: 'notice ok',
  'not-issued': 'notice',
  revoked: 'errors',
  invalid: 'errors',
};

function VerifyResult({ page, outcome }: { page: PageCtx; outcome: VerifyOutcome }) {
  const { t } = page;
  const r = outcome.report;
  const s = r.signatures[0];
  const problems = [...(r.problem ? [r.problem] : []), ...r.signatures.flatMap((x) => x.problems)];
  // The attribute keeps its old value for a document issued here ("valid").
  const verdict = outcome.verdict === 'issued' ? 'valid' : outcome.verdict;
  return (
    <section aria-live="polite">
      <p class={VERDICT_CLASS[outcome.verdict]} role="status" data-verdict={verdict}>
        <strong>{t(`documents:verify.verdict.${outcome.verdict}`)}</strong>
      </p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={p.en}>{page.locale === 'en' ? p.en : p.vi}</li>
          ))}
        </ul>
      )}
      <dl>
        <dt>{t('documents:verify.hash')}</dt>
        <dd>
          <code data-sha256>{r.sha256}</code>
        </dd>
        {s?.signer && (
          <>
            <dt>{t('documents:verify.signer')}</dt>
            <dd data-signer>{s.signer.name}</dd>
            <dt>{t('documents:verify.issuerCa')}</dt>
            <dd>
              {s.signer.issuer.replaceAll('\n', ', ')}
              {s.signer.selfSigned && <small class="hint"> {t('documents:verify.selfSigned')}</small>}
            </dd>
            <dt>{t('documents:verify.validity')}</dt>
            <dd>
              {when(page, s.signer.validFrom)} – {when(page, s.signer.validTo)}
            </dd>
          </>
        )}
        {s?.signedAt && (
          <>
            <dt>{t('documents:verify.time')}</dt>
            <dd data-signed-at>{when(page, s.signedAt)}</dd>
          </>
        )}
        {outcome.issued && (
          <>
            <dt>{t('documents:verify.document')}</dt>
            <dd>
              {t('documents:verify.documentLine', {
                number: outcome.issued.number ?? '—',
                code: outcome.issued.dossierCode,
              })}
              <br />
              {outcome.matchesStored ? t('documents:verify.stored') : t('documents:verify.notStored')}
              {outcome.issued.revokedAt && (
                <>
                  <br />
                  {t('documents:verify.revoked')}
                </>
              )}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

export function registerDocumentRoutes(app: FastifyInstance, deps: DocumentsDeps) {
  registerRegisterRoutes(app);
  // ------------------------------------------------------------------------------------------
  // Citizens (signed in, with the tracking proof, or with a link token) and staff: downloads

  app.get(
    '/ho-so/:code/giay-to/:paper.pdf',
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      // A paper not in the list is a page that does not exist.
      const params = PaperParams.safeParse(req.params);
      if (!params.success) throw new NotFound();
      const { code, paper } = params.data;
      const proof = ProofQuery.parse(req.query);
      const d = await accessDossier(req.ctx(), deps, code, { phone4: proof.so, token: proof.t });
      const bytes = await renderPaper(req.ctx(), deps, d, paper);
      return sendPdf(reply, bytes, `${paper}-${d.code}.pdf`);
    },
  );

  app.get('/ho-so/:code/giay-to', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const ctx = req.ctx();
    const d = await accessDossier(ctx, deps, code, { phone4: proof.so, token: proof.t });
    const papers = await availablePapers(ctx, d);
    const others = papers.filter((p): p is Exclude<Paper, 'ket-qua'> => p !== 'ket-qua');
    // A free procedure has no fee section (a fee with an amount, at the counter or online).
    const hasFees = d.procedure.fees.some((f) => f.amount > 0 || (f.onlineAmount ?? 0) > 0);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const qs = proofQuery(proof);
    const base = `/ho-so/${encodeURIComponent(d.code)}`;
    return sendPage(
      reply,
      <Layout page={page} title={t('documents:papers.title', { code: d.code })}>
        <h1>{t('documents:papers.title', { code: d.code })}</h1>
        <p>{tr(page, d.procedure.name)}</p>
        <p>{t('documents:papers.intro')}</p>
        {/* The result first, by its own name; the one-stop forms under it, in plain words. */}
        <section>
          <h2>{t('documents:papers.result')}</h2>
          {papers.includes('ket-qua') ? (
            <p class="card" data-paper="ket-qua">
              <a href={`${base}/giay-to/ket-qua.pdf${qs}`} download>
                <strong>{resultName(page, d.procedure.result.name)}</strong>
              </a>
              <br />
              <small class="muted">{t('documents:papers.resultHint')}</small>
            </p>
          ) : (
            <p>{t('documents:papers.resultNotYet')}</p>
          )}
        </section>
        {others.length > 0 && (
          <section>
            <h2>{t('documents:papers.others')}</h2>
            <ul class="cards">
              {others.map((p) => (
                <li key={p} data-paper={p}>
                  <a href={`${base}/giay-to/${p}.pdf${qs}`} download>
                    {t(`documents:plain.${p}`)}
                  </a>
                  <br />
                  <small class="muted">
                    {t('documents:papers.official', { name: t(`documents:paper.${p}`) })}
                  </small>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p>
          {hasFees && (
            <>
              <a href={`${base}/le-phi${qs}`}>{t('documents:papers.fees')}</a> ·{' '}
            </>
          )}
          <a href={`${base}/danh-gia${qs}`}>{t('documents:papers.rating')}</a> ·{' '}
          <a href={`/tra-cuu?ma=${encodeURIComponent(d.code)}${proof.so ? `&so=${proof.so}` : ''}`}>
            {t('documents:papers.track')}
          </a>
        </p>
      </Layout>,
    );
  });

  // ------------------------------------------------------------------------------------------
  // Staff: the dossier's papers, the result preview and the signature

  const staffPage = async (req: FastifyRequest, reply: FastifyReply, notice?: string, status = 200) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const { code } = CodeParams.parse(req.params);
    const ctx = req.ctx();
    const d = await getDossierRecord(ctx.db, { code });
    if (!staffMaySee(req.actor, d))
      throw new NotFound({ vi: 'Không tìm thấy hồ sơ này.', en: 'No such dossier.' });
    const papers = await availablePapers(ctx, d);
    const result = await q.findCurrent(ctx.db, d.id, 'result');
    const approver = req.actor.grants.some(
      (g) => g.role === 'approver' && d.unitPath.startsWith(g.placePath),
    );
    const page = await pageCtx(req, reply);
    const t = page.t;
    const base = `/ho-so/${encodeURIComponent(d.code)}`;
    const staffBase = `/quan-tri/ho-so/${encodeURIComponent(d.code)}`;
    return sendPage(
      reply,
      <Layout page={page} title={t('documents:staff.title', { code: d.code })}>
        <p>
          <a href={staffBase}>← {t('documents:staff.back')}</a>
        </p>
        <h1>{t('documents:staff.title', { code: d.code })}</h1>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <p>
          {tr(page, d.procedure.name)} · {d.applicant.name}
        </p>
        <ul class="cards">
          {papers.map((p) => (
            <li key={p}>
              <a href={`${base}/giay-to/${p}.pdf`} download>
                {t(`documents:paper.${p}`)}
              </a>
            </li>
          ))}
        </ul>
        <h2>{t('documents:staff.result')}</h2>
        {result ? (
          <p data-signed-result={result.id}>
            {t('documents:staff.signed', {
              number: result.number,
              at: result.signedAt ? when(page, result.signedAt) : '',
              name: result.signerName,
            })}{' '}
            <a href={`/xac-thuc-van-ban?ma=${result.id}`}>{t('documents:staff.verify')}</a>
          </p>
        ) : d.decision !== 'approved' ? (
          <p>{t('documents:staff.notApproved')}</p>
        ) : null}
        {d.step === 'pending_approval' && approver && (
          <p>
            <a href={`${staffBase}/ket-qua/xem-truoc.pdf`}>{t('documents:staff.previewDraft')}</a>
          </p>
        )}
        {d.decision === 'approved' &&
          (approver ? (
            <>
              <p>
                <a href={`${staffBase}/ket-qua/xem-truoc.pdf`}>{t('documents:staff.preview')}</a>
              </p>
              <Form page={page} action={`${staffBase}/ket-qua/ky`}>
                {result && <input type="hidden" name="replace" value="1" />}
                <button type="submit" class={result ? 'secondary' : undefined}>
                  {result ? t('documents:staff.resign') : t('documents:staff.sign')}
                </button>
              </Form>
            </>
          ) : (
            !result && <p>{t('documents:staff.onlyApprover')}</p>
          ))}
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/ho-so/:code/giay-to', async (req, reply) => {
    const notice = (req.query as { ky?: string }).ky
      ? (await pageCtx(req, reply)).t('documents:staff.signedNotice')
      : undefined;
    return staffPage(req, reply, notice);
  });

  app.get('/quan-tri/ho-so/:code/ket-qua/xem-truoc.pdf', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const bytes = await previewResult(req.ctx(), deps, code);
    return sendPdf(reply, bytes, `xem-truoc-ket-qua-${code}.pdf`, true);
  });

  /** The approver's one step from the dossier's page: approve, then sign; back to the dossier. */
  app.post('/quan-tri/ho-so/:code/phe-duyet-ky', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const expected = Number((req.body as { expected?: string } | undefined)?.expected);
    const r = await approveAndSign(req.ctx(), deps, code, {
      expected: Number.isSafeInteger(expected) && expected > 0 ? expected : undefined,
    });
    if (r.failure) {
      // Approved, not signed: the papers page, which has the signing button, says why.
      const page = await pageCtx(req, reply);
      const reason = page.locale === 'en' ? r.failure.en : r.failure.vi;
      return staffPage(req, reply, page.t('dossiers:approve.signFailed', { reason }));
    }
    return reply.redirect(`/quan-tri/ho-so/${encodeURIComponent(r.code)}?ok=approve_sign`, 303);
  });

  app.post('/quan-tri/ho-so/:code/ket-qua/ky', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const replace = (req.body as { replace?: string } | undefined)?.replace === '1';
    const doc = await signResult(req.ctx(), deps, code, { replace });
    return reply.redirect(`/quan-tri/ho-so/${encodeURIComponent(doc.dossierCode)}/giay-to?ky=1`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // Result templates (catalogue admins)

  const TemplateParams = z.object({ procedure: z.string().min(1).max(40) });
  const templatePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { json?: string; error?: Invalid | 'json'; notice?: string },
    status = 200,
  ) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const { procedure } = TemplateParams.parse(req.params);
    const p = await getProcedure(req.ctx().db, procedure);
    const template = await templateFor(req.ctx(), { procedureCode: p.code, procedure: p });
    const page = await pageCtx(req, reply);
    const t = page.t;
    const field = state.error instanceof Invalid ? state.error.fields[0] : undefined;
    const error =
      state.error === 'json'
        ? t('documents:template.badJson')
        : state.error &&
          (page.locale === 'en'
            ? (field?.en ?? state.error.detail.en)
            : (field?.vi ?? state.error.detail.vi));
    return sendPage(
      reply,
      <Layout page={page} title={t('documents:template.title', { code: p.code })}>
        <h1>{t('documents:template.title', { code: p.code })}</h1>
        <p>{tr(page, p.name)}</p>
        <p>{t('documents:template.intro', { ph: '{{…}}' })}</p>
        {state.notice && <p class="notice">{state.notice}</p>}
        <Form
          page={page}
          action={`/quan-tri/mau-ket-qua/${encodeURIComponent(p.code)}`}
          errors={error ? { template: error } : undefined}
        >
          <div class={error ? 'field invalid' : 'field'}>
            <label for="f-template">{t('documents:template.json')}</label>
            <textarea id="f-template" name="template" rows={24}>
              {state.json ?? JSON.stringify(template, null, 2)}
            </textarea>
          </div>
          <button type="submit">{t('documents:template.save')}</button>
        </Form>
      </Layout>,
      status,
    );
  };
  app.get('/quan-tri/mau-ket-qua/:procedure', (req, reply) => templatePage(req, reply, {}));
  app.post('/quan-tri/mau-ket-qua/:procedure', async (req, reply) => {
    const { procedure } = TemplateParams.parse(req.params);
    const json = String((req.body as { template?: string } | undefined)?.template ?? '');
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      return templatePage(req, reply, { json, error: 'json' }, 400);
    }
    try {
      await saveResultTemplate(req.ctx(), procedure, raw);
    } catch (e) {
      if (e instanceof Invalid) return templatePage(req, reply, { json, error: e }, 400);
      throw e;
    }
    return reply.redirect(`/quan-tri/mau-ket-qua/${encodeURIComponent(procedure)}`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // The public verify page

  const verifyPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    outcome?: VerifyOutcome,
    status = 200,
    error?: string,
  ) => {
    const page = await pageCtx(req, reply);
    const t = page.t;
    return sendPage(
      reply,
      <Layout page={page} title={t('documents:verify.title')}>
        <h1>{t('documents:verify.title')}</h1>
        {outcome ? <VerifyResult page={page} outcome={outcome} /> : <p>{t('documents:verify.intro')}</p>}
        {error && (
          <p class="errors" role="alert">
            {error}
          </p>
        )}
        <Form page={page} action="/xac-thuc-van-ban" enctype="multipart/form-data">
          <div class="field">
            <label for="f-file">{outcome ? t('documents:verify.again') : t('documents:verify.file')}</label>
            <input id="f-file" name="file" type="file" accept="application/pdf,.pdf" required />
          </div>
          <button type="submit">{t('documents:verify.submit')}</button>
        </Form>
      </Layout>,
      status,
    );
  };

  app.get(
    '/xac-thuc-van-ban',
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      const ma = (req.query as { ma?: string }).ma;
      if (!ma) return verifyPage(req, reply);
      try {
        return verifyPage(req, reply, await verifyIssued(req.ctx(), deps, ma));
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
        const page = await pageCtx(req, reply);
        return verifyPage(req, reply, undefined, 404, page.t('documents:verify.unknownId'));
      }
    },
  );

  app.post(
    '/xac-thuc-van-ban',
    { preValidation: readUpload, config: { rateLimit: { max: 20, timeWindow: 60_000 } } },
    async (req, reply) => {
      try {
        return verifyPage(
          req,
          reply,
          await verifyUpload(req.ctx(), deps, uploadedPdf(req) ?? new Uint8Array()),
        );
      } catch (e) {
        if (!(e instanceof Invalid)) throw e;
        const page = await pageCtx(req, reply);
        return verifyPage(
          req,
          reply,
          undefined,
          400,
          page.locale === 'en' ? e.fields[0]?.en : e.fields[0]?.vi,
        );
      }
    },
  );
}

export type { Paper };
