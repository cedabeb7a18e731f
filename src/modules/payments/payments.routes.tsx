import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  accessDossier,
  type DocumentsDeps,
  proofQuery,
  vnDateTime,
  vnShort,
} from '#modules/documents/index.ts';
import { scopeOf } from '#platform/auth/actor.ts';
import { type AppError, Invalid } from '#platform/errors.ts';
import { Form } from '#web/form.tsx';
import { Layout, type PageCtx } from '#web/layout.tsx';
import { type BufferedFile, formOf, inMemory, multipartForm } from '#web/multipart.ts';
import { pageCtx, sendPage } from '#web/render.tsx';
import { amountInFigures, amountInWords } from './money.ts';
import { receiptPdf } from './payments.receipts.ts';
import {
  confirmPayment,
  feeView,
  type ImportResult,
  importStatement,
  listOpenDues,
  type PaymentsDeps,
} from './payments.service.ts';
import { paymentPurpose } from './vietqr.ts';
import './payments.messages.ts';

const CodeParams = z.object({ code: z.string().min(1).max(60) });
const ProofQuery = z.object({
  so: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  t: z.string().max(64).optional(),
});

type Text = { vi: string; en?: string | undefined };
const tr = (page: PageCtx, text: Text | undefined, fallback: string) =>
  text ? (page.locale === 'en' && text.en ? text.en : text.vi) : fallback;
/** The long Vietnamese form ("09 giờ 05 phút, ngày …"), or figures in English. */
const at = (page: PageCtx, d: Date) => (page.locale === 'en' ? vnShort(d) : vnDateTime(d));
/** An error's text in the page's language. */
const errorText = (page: PageCtx, e: AppError) => {
  const f = e instanceof Invalid ? e.fields[0] : undefined;
  const text = f ?? e.detail;
  return page.locale === 'en' ? text.en : text.vi;
};

const STATEMENT_BYTES = 5 * 1024 * 1024;

/** The statement CSV into memory (statements are small), through the shared reader. */
const readCsv = multipartForm({
  files: 1,
  fileBytes: STATEMENT_BYTES,
  fields: 5,
  file: inMemory(STATEMENT_BYTES),
});

function statementOf(req: FastifyRequest) {
  const file = formOf<BufferedFile>(req).files[0]?.value;
  if (file?.tooLarge)
    throw new Invalid([{ field: 'file', vi: 'Tệp lớn hơn 5 MB.', en: 'The file is larger than 5 MB.' }]);
  return file && { name: file.filename, text: file.data.toString('utf8') };
}

export function registerPaymentPages(app: FastifyInstance, deps: PaymentsDeps, docs: DocumentsDeps) {
  // ------------------------------------------------------------------------------------------
  // A dossier's fees: the citizen pays (figures, words, VietQR); the desk confirms

  const feesPage = async (req: FastifyRequest, reply: FastifyReply, failure?: Invalid, status = 200) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const ctx = req.ctx();
    const d = await accessDossier(ctx, docs, code, { phone4: proof.so, token: proof.t });
    const v = await feeView(ctx, deps, d);
    const page = await pageCtx(req, reply);
    const t = page.t;
    const loc = page.locale;
    const error = failure && errorText(page, failure);
    const feeName = (x: (typeof v.dues)[number]) =>
      tr(page, d.procedure.fees.find((f) => f.id === x.feeId)?.name, x.feeName);
    const desk =
      req.actor.kind === 'staff' &&
      req.actor.grants.some(
        (g) => (g.role === 'receptionist' || g.role === 'admin') && d.unitPath.startsWith(g.placePath),
      );
    const base = `/ho-so/${encodeURIComponent(d.code)}`;
    const qs = proofQuery(proof);
    const open = v.dues.filter((x) => x.status === 'due');
    return sendPage(
      reply,
      <Layout page={page} title={t('payments:fees.title', { code: d.code })}>
        <h1>{t('payments:fees.heading', { code: d.code })}</h1>
        <p>{tr(page, d.procedure.name, '')}</p>
        {error && (
          <p class="errors" role="alert">
            {error}
          </p>
        )}
        {v.dues.length === 0 ? (
          <p data-fees="none">{t('payments:fees.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{t('payments:fees.item')}</th>
                <th>{t('payments:fees.when')}</th>
                <th>{t('payments:fees.amount')}</th>
                <th>{t('payments:fees.state')}</th>
              </tr>
            </thead>
            <tbody>
              {v.dues.map((x) => (
                <tr key={x.id} data-due={x.id} data-status={x.status}>
                  <td>
                    {feeName(x)}
                    {x.quantity > 1 ? ` × ${x.quantity}` : ''}
                  </td>
                  <td>{t(`payments:moment.${x.moment}`)}</td>
                  <td>{amountInFigures(x.amount, loc)}</td>
                  <td>
                    {x.status === 'paid'
                      ? x.paidAt
                        ? t('payments:fees.paidAt', { at: at(page, x.paidAt) })
                        : t('payments:fees.paid')
                      : x.status === 'waived'
                        ? t('payments:fees.waived')
                        : t('payments:fees.due')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {v.unpaid > 0 && (
          <section>
            <h2>{t('payments:fees.toPay')}</h2>
            <p class="amount">
              <strong data-amount={v.unpaid}>{amountInFigures(v.unpaid, loc)}</strong>
              <br />
              {t('payments:fees.inWords')} <em data-words>{amountInWords(v.unpaid, loc)}</em>
            </p>
            {v.qr ? (
              <>
                <p>{t('payments:fees.scan')}</p>
                {/* Drawn on the server: an inline SVG, no script, no extra request. */}
                <div class="qr" dangerouslySetInnerHTML={{ __html: v.qr.svg }} />
                <dl>
                  <dt>{t('payments:fees.account')}</dt>
                  <dd>
                    {t('payments:fees.accountLine', {
                      name: v.qr.account.name,
                      number: v.qr.account.number,
                      bin: v.qr.account.bin,
                    })}
                  </dd>
                  <dt>{t('payments:fees.purpose')}</dt>
                  <dd>
                    <code>{paymentPurpose(d.code)}</code>
                  </dd>
                </dl>
                <p>{t('payments:fees.afterTransfer')}</p>
              </>
            ) : (
              <p>{t('payments:fees.cash')}</p>
            )}
          </section>
        )}
        {v.paid > 0 && (
          <p>
            <a href={`${base}/le-phi/bien-lai.pdf${qs}`} download>
              {t('payments:fees.receipt')}
            </a>
          </p>
        )}
        {desk && open.length > 0 && (
          <Form page={page} action={`/quan-tri/ho-so/${encodeURIComponent(d.code)}/le-phi`}>
            <h2>{t('payments:fees.confirmTitle')}</h2>
            {open.map((x) => (
              <div class="field" key={x.id}>
                <label>
                  <input type="checkbox" name="dueIds" value={String(x.id)} checked /> {feeName(x)} –{' '}
                  {amountInFigures(x.amount, loc)}
                </label>
              </div>
            ))}
            <div class="field">
              <label for="f-method">{t('payments:fees.method')}</label>
              <select id="f-method" name="method">
                <option value="cash">{t('payments:fees.cashMethod')}</option>
                <option value="transfer">{t('payments:fees.transferMethod')}</option>
              </select>
            </div>
            <div class="field">
              <label for="f-reference">{t('payments:fees.reference')}</label>
              <input id="f-reference" name="reference" type="text" maxlength={60} />
            </div>
            <button type="submit">{t('payments:fees.confirm')}</button>
          </Form>
        )}
        <p>
          <a href={`${base}/giay-to${qs}`}>{t('payments:fees.papers')}</a> ·{' '}
          <a href={`${base}/danh-gia${qs}`}>{t('payments:fees.rating')}</a>
        </p>
      </Layout>,
      status,
    );
  };

  app.get('/ho-so/:code/le-phi', (req, reply) => feesPage(req, reply));

  app.get('/ho-so/:code/le-phi/bien-lai.pdf', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const d = await accessDossier(req.ctx(), docs, code, { phone4: proof.so, token: proof.t });
    const bytes = await receiptPdf(req.ctx(), d);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="bien-lai-${d.code.replace(/[^\w.-]/g, '-')}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(bytes));
  });

  const Confirm = z.object({
    dueIds: z.preprocess(
      (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]),
      z.array(z.coerce.number().int().positive()).max(50),
    ),
    method: z.enum(['cash', 'transfer']).default('cash'),
    reference: z.string().trim().max(60).optional(),
  });

  app.post('/quan-tri/ho-so/:code/le-phi', async (req, reply) => {
    const { code } = CodeParams.parse(req.params);
    const input = Confirm.parse(req.body ?? {});
    try {
      await confirmPayment(req.ctx(), deps, code, input);
    } catch (e) {
      if (e instanceof Invalid) return feesPage(req, reply, e, 400);
      throw e;
    }
    return reply.redirect(`/ho-so/${encodeURIComponent(code)}/le-phi`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // The desk's list of open fees and the bank statement import

  const deskPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { result?: ImportResult; error?: Invalid } = {},
    status = 200,
  ) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const open = await listOpenDues(req.ctx());
    const page = await pageCtx(req, reply);
    const t = page.t;
    const loc = page.locale;
    return sendPage(
      reply,
      <Layout page={page} title={t('payments:desk.title')}>
        <h1>{t('payments:desk.title')}</h1>
        {scopeOf(req.actor, 'admin').length > 0 && (
          <p>
            <a href="/quan-tri/le-phi/tai-khoan">{t('payments:accounts.link')}</a>
          </p>
        )}
        {state.error && (
          <p class="errors" role="alert">
            {errorText(page, state.error)}
          </p>
        )}
        {state.result && (
          <section>
            <h2>
              {t('payments:desk.result', {
                matched: state.result.matched,
                total: state.result.lines.length,
              })}
            </h2>
            <table>
              <thead>
                <tr>
                  <th>{t('payments:desk.line')}</th>
                  <th>{t('payments:desk.amount')}</th>
                  <th>{t('payments:desk.description')}</th>
                  <th>{t('payments:desk.dossier')}</th>
                  <th>{t('payments:desk.outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {state.result.lines.map((l) => (
                  <tr key={l.lineNo} data-outcome={l.outcome}>
                    <td>{l.lineNo}</td>
                    <td>{amountInFigures(l.amount, loc)}</td>
                    <td>{l.description}</td>
                    <td>{l.dossierCode ?? ''}</td>
                    <td>{t(`payments:outcome.${l.outcome}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <h2>{t('payments:desk.importTitle')}</h2>
        <p>{t('payments:desk.importIntro')}</p>
        <Form page={page} action="/quan-tri/le-phi/sao-ke" enctype="multipart/form-data">
          <div class="field">
            <label for="f-file">{t('payments:desk.file')}</label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
          </div>
          <button type="submit">{t('payments:desk.match')}</button>
        </Form>
        <h2>{t('payments:desk.open', { count: open.length })}</h2>
        <ul class="cards">
          {open.map((x) => (
            <li key={x.id}>
              <a href={`/ho-so/${encodeURIComponent(x.dossierCode)}/le-phi`}>{x.dossierCode}</a> –{' '}
              {t('payments:desk.openLine', {
                // The fee's name as written when it fell due (Vietnamese): the list spans procedures.
                fee: x.feeName,
                amount: amountInFigures(x.amount, loc),
                moment: t(`payments:moment.${x.moment}`),
                since: at(page, x.dueAt),
              })}
            </li>
          ))}
        </ul>
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/le-phi', (req, reply) => deskPage(req, reply));
  app.post('/quan-tri/le-phi/sao-ke', { preValidation: readCsv }, async (req, reply) => {
    try {
      const file = statementOf(req);
      if (!file)
        throw new Invalid([{ field: 'file', vi: 'Chọn tệp sao kê.', en: 'Choose the statement file.' }]);
      const result = await importStatement(req.ctx(), deps, file.name, file.text);
      return deskPage(req, reply, { result });
    } catch (e) {
      if (e instanceof Invalid) return deskPage(req, reply, { error: e }, 400);
      throw e;
    }
  });
}
