import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessDossier, type DocumentsDeps, proofQuery, vnDateTime } from '#modules/documents/index.ts';
import { Invalid } from '#platform/errors.ts';
import { Form } from '#web/form.tsx';
import { Layout } from '#web/layout.tsx';
import { pageCtx, sendPage } from '#web/render.tsx';
import { MOMENT_VI } from './fees.ts';
import { amountInFigures } from './money.ts';
import {
  confirmPayment,
  feeView,
  type ImportResult,
  importStatement,
  listOpenDues,
  type PaymentsDeps,
  receiptPdf,
} from './payments.service.ts';
import { paymentPurpose } from './vietqr.ts';

const CodeParams = z.object({ code: z.string().min(1).max(60) });
const ProofQuery = z.object({
  so: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  t: z.string().max(64).optional(),
});

const OUTCOME_VI = {
  matched: 'Đã khớp, ghi nhận đã nộp',
  no_code: 'Không thấy mã hồ sơ trong nội dung',
  no_due: 'Hồ sơ không còn khoản phải nộp',
  amount_mismatch: 'Số tiền không khớp khoản phải nộp',
  duplicate: 'Giao dịch đã nhập trước đây',
} as const;

const uploads = new WeakMap<FastifyRequest, { name: string; text: string }>();

/** The statement CSV into memory (statements are small), the CSRF field into req.body. */
async function readCsv(req: FastifyRequest) {
  if (!req.isMultipart()) return;
  const fields: Record<string, string> = {};
  for await (const part of req.parts({ limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 5 } })) {
    if (part.type === 'file') {
      const buf = await part.toBuffer();
      if (part.file.truncated)
        throw new Invalid([{ field: 'file', vi: 'Tệp lớn hơn 5 MB.', en: 'The file is larger than 5 MB.' }]);
      if (part.filename) uploads.set(req, { name: part.filename, text: buf.toString('utf8') });
    } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  req.body = fields;
}

export function registerPaymentPages(app: FastifyInstance, deps: PaymentsDeps, docs: DocumentsDeps) {
  // ------------------------------------------------------------------------------------------
  // A dossier's fees: the citizen pays (figures, words, VietQR); the desk confirms

  const feesPage = async (req: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
    const { code } = CodeParams.parse(req.params);
    const proof = ProofQuery.parse(req.query);
    const ctx = req.ctx();
    const d = await accessDossier(ctx, docs, code, { phone4: proof.so, token: proof.t });
    const v = await feeView(ctx, deps, d);
    const page = await pageCtx(req, reply);
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
      <Layout page={page} title={`Phí, lệ phí – ${d.code}`}>
        <h1>Phí, lệ phí của hồ sơ {d.code}</h1>
        <p>{d.procedure.name.vi}</p>
        {error && (
          <p class="errors" role="alert">
            {error}
          </p>
        )}
        {v.dues.length === 0 ? (
          <p data-fees="none">Hồ sơ này hiện không phải nộp phí, lệ phí.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Khoản</th>
                <th>Nộp</th>
                <th>Số tiền</th>
                <th>Tình trạng</th>
              </tr>
            </thead>
            <tbody>
              {v.dues.map((x) => (
                <tr key={x.id} data-due={x.id} data-status={x.status}>
                  <td>
                    {x.feeName}
                    {x.quantity > 1 ? ` × ${x.quantity}` : ''}
                  </td>
                  <td>{MOMENT_VI[x.moment]}</td>
                  <td>{amountInFigures(x.amount)}</td>
                  <td>
                    {x.status === 'paid'
                      ? `Đã nộp${x.paidAt ? ` (${vnDateTime(x.paidAt)})` : ''}`
                      : x.status === 'waived'
                        ? 'Được miễn'
                        : 'Chưa nộp'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {v.unpaid > 0 && (
          <section>
            <h2>Cần nộp</h2>
            <p class="amount">
              <strong data-amount={v.unpaid}>{v.figures}</strong>
              <br />
              Bằng chữ: <em data-words>{v.words}</em>
            </p>
            {v.qr ? (
              <>
                <p>Quét mã VietQR bằng ứng dụng ngân hàng để chuyển khoản đúng số tiền và nội dung:</p>
                {/* Drawn on the server: an inline SVG, no script, no extra request. */}
                <div class="qr" style="max-width:260px" dangerouslySetInnerHTML={{ __html: v.qr.svg }} />
                <dl>
                  <dt>Tài khoản nhận</dt>
                  <dd>
                    {v.qr.account.name} – số tài khoản {v.qr.account.number} (mã ngân hàng {v.qr.account.bin})
                  </dd>
                  <dt>Nội dung chuyển khoản</dt>
                  <dd>
                    <code>{paymentPurpose(d.code)}</code>
                  </dd>
                </dl>
                <p>
                  Sau khi tiền về tài khoản, cán bộ đối chiếu sao kê và ghi nhận; trang này sẽ hiện “Đã nộp”.
                </p>
              </>
            ) : (
              <p>Nộp tiền mặt tại Bộ phận một cửa khi đến làm thủ tục hoặc nhận kết quả.</p>
            )}
          </section>
        )}
        {v.paid > 0 && (
          <p>
            <a href={`${base}/le-phi/bien-lai.pdf${qs}`} download>
              Tải biên lai thu phí, lệ phí (PDF)
            </a>
          </p>
        )}
        {desk && open.length > 0 && (
          <Form page={page} action={`/quan-tri/ho-so/${encodeURIComponent(d.code)}/le-phi`}>
            <h2>Ghi nhận đã thu</h2>
            {open.map((x) => (
              <div class="field" key={x.id}>
                <label>
                  <input type="checkbox" name="dueIds" value={String(x.id)} checked /> {x.feeName} –{' '}
                  {amountInFigures(x.amount)}
                </label>
              </div>
            ))}
            <div class="field">
              <label for="f-method">Hình thức</label>
              <select id="f-method" name="method">
                <option value="cash">Tiền mặt</option>
                <option value="transfer">Chuyển khoản (đã kiểm tra)</option>
              </select>
            </div>
            <div class="field">
              <label for="f-reference">Số biên lai hoặc mã giao dịch</label>
              <input id="f-reference" name="reference" type="text" maxlength={60} />
            </div>
            <button type="submit">Xác nhận đã thu</button>
          </Form>
        )}
        <p>
          <a href={`${base}/giay-to${qs}`}>Giấy tờ của hồ sơ</a> ·{' '}
          <a href={`${base}/danh-gia${qs}`}>Đánh giá</a>
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
      await confirmPayment(req.ctx(), code, input);
    } catch (e) {
      if (e instanceof Invalid) return feesPage(req, reply, e.fields[0]?.vi, 400);
      throw e;
    }
    return reply.redirect(`/ho-so/${encodeURIComponent(code)}/le-phi`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // The desk's list of open fees and the bank statement import

  const deskPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    state: { result?: ImportResult; error?: string } = {},
    status = 200,
  ) => {
    if (req.actor.kind !== 'staff')
      return reply.redirect(`/dang-nhap?next=${encodeURIComponent(req.url)}`, 303);
    const open = await listOpenDues(req.ctx());
    const page = await pageCtx(req, reply);
    return sendPage(
      reply,
      <Layout page={page} title="Phí, lệ phí chờ nộp">
        <h1>Phí, lệ phí chờ nộp</h1>
        {state.error && (
          <p class="errors" role="alert">
            {state.error}
          </p>
        )}
        {state.result && (
          <section>
            <h2>
              Kết quả đối chiếu sao kê: {state.result.matched}/{state.result.lines.length} giao dịch khớp
            </h2>
            <table>
              <thead>
                <tr>
                  <th>Dòng</th>
                  <th>Số tiền</th>
                  <th>Nội dung</th>
                  <th>Hồ sơ</th>
                  <th>Kết quả</th>
                </tr>
              </thead>
              <tbody>
                {state.result.lines.map((l) => (
                  <tr key={l.lineNo} data-outcome={l.outcome}>
                    <td>{l.lineNo}</td>
                    <td>{amountInFigures(l.amount)}</td>
                    <td>{l.description}</td>
                    <td>{l.dossierCode ?? ''}</td>
                    <td>{OUTCOME_VI[l.outcome]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
        <h2>Nhập sao kê ngân hàng (CSV)</h2>
        <p>
          Tệp CSV tải từ ngân hàng, có các cột Ngày, Số tiền (ghi có), Nội dung và Số tham chiếu. Giao dịch
          được khớp theo mã hồ sơ trong nội dung chuyển khoản.
        </p>
        <Form page={page} action="/quan-tri/le-phi/sao-ke" enctype="multipart/form-data">
          <div class="field">
            <label for="f-file">Tệp sao kê</label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
          </div>
          <button type="submit">Đối chiếu</button>
        </Form>
        <h2>Chưa nộp ({open.length})</h2>
        <ul class="cards">
          {open.map((x) => (
            <li key={x.id}>
              <a href={`/ho-so/${encodeURIComponent(x.dossierCode)}/le-phi`}>{x.dossierCode}</a> – {x.feeName}
              : {amountInFigures(x.amount)} ({MOMENT_VI[x.moment]}, từ {vnDateTime(x.dueAt)})
            </li>
          ))}
        </ul>
      </Layout>,
      status,
    );
  };

  app.get('/quan-tri/le-phi', (req, reply) => deskPage(req, reply));
  app.post('/quan-tri/le-phi/sao-ke', { preValidation: readCsv }, async (req, reply) => {
    const file = uploads.get(req);
    try {
      if (!file)
        throw new Invalid([{ field: 'file', vi: 'Chọn tệp sao kê.', en: 'Choose the statement file.' }]);
      const result = await importStatement(req.ctx(), file.name, file.text);
      return deskPage(req, reply, { result });
    } catch (e) {
      if (e instanceof Invalid) return deskPage(req, reply, { error: e.fields[0]?.vi ?? e.detail.vi }, 400);
      throw e;
    }
  });
}
