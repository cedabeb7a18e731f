import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import type { ProcedureDefinition } from './procedures.schemas.ts';
import { ensureCatalogue, getProcedure } from './procedures.service.ts';

function decode(s: string) {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** What a browser would send for the form posting to `action`: inputs, ticked boxes, textareas, selects. */
function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  const attr = (attrs: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(attrs)?.[1];
  for (const [, attrs = ''] of form.matchAll(/<input([^>]*)>/g)) {
    const name = attr(attrs, 'name');
    if (!name) continue;
    const type = attr(attrs, 'type');
    if ((type === 'checkbox' || type === 'radio') && !/\schecked/.test(attrs)) continue;
    if (type === 'file') continue;
    out[name] = decode(attr(attrs, 'value') ?? '');
  }
  for (const [, attrs = '', body = ''] of form.matchAll(/<textarea([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(attrs, 'name');
    if (name) out[name] = decode(body);
  }
  for (const [, attrs = '', body = ''] of form.matchAll(/<select([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(attrs, 'name');
    const options = [...body.matchAll(/<option([^>]*)>/g)].map((m) => m[1] ?? '');
    const chosen = options.find((o) => /\sselected/.test(o)) ?? options[0] ?? '';
    if (name) out[name] = decode(attr(chosen, 'value') ?? '');
  }
  return out;
}

/** A multipart body with one file and some fields, as a browser sends the import form. */
function multipart(fields: Record<string, string>, file: { name: string; content: string }) {
  const boundary = '----xaso-test-boundary';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/json\r\n\r\n${file.content}\r\n`,
  );
  return {
    payload: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

describe('administering the procedure catalogue', () => {
  let t: TestApp;
  let cookie: string;
  const BIRTH = '1.001193';
  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
    await t.user('province_admin', 'admin', PROVINCE);
    cookie = await t.signIn('province_admin');
  });
  after(() => t.close());

  const db = () => t.platform.database.db;
  const page = (url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
  const post = (url: string, payload: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html' }, payload });
  const editForm = async (code: string) =>
    formFields((await page(`/quan-tri/thu-tuc/${code}`)).body, `/quan-tri/thu-tuc/${code}`);
  const exportText = async () => (await page('/quan-tri/thu-tuc/xuat')).body;

  it('when the admin list is opened, then every procedure shows as not checked, with export and import', async () => {
    const res = await page('/quan-tri/thu-tuc');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /20 trên 20 thủ tục chưa được kiểm tra/);
    assert.equal([...res.body.matchAll(/<tr data-code=/g)].length, 20);
    assert.match(res.body, /href="\/quan-tri\/thu-tuc\/xuat"/);
    assert.match(res.body, /href="\/quan-tri\/thu-tuc\/nhap"/);
  });

  it('when the admin edits days and fees through the form, then they are saved as version 2 and audited', async () => {
    const fields = await editForm(BIRTH);
    assert.equal(fields.nameVi, 'Thủ tục đăng ký khai sinh');
    assert.equal(fields.version, '1');
    assert.equal(fields.verified, undefined, 'the verified box starts unticked');
    const fees = JSON.parse(fields.fees ?? '[]') as ProcedureDefinition['fees'];
    fees.push({
      id: 'copy',
      name: { vi: 'Bản sao Giấy khai sinh' },
      amount: 8000,
      per: 'copy',
      dueAt: 'receipt',
    });
    const res = await post(`/quan-tri/thu-tuc/${BIRTH}`, {
      ...fields,
      days: '1',
      fees: JSON.stringify(fees),
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `/quan-tri/thu-tuc?luu=${BIRTH}`);
    const p = await getProcedure(db(), BIRTH);
    assert.equal(p.days, 1);
    assert.equal(p.version, 2);
    assert.deepEqual(
      p.fees.map((f) => f.amount),
      [0, 8000],
    );
    assert.equal(
      p.name.vi,
      'Thủ tục đăng ký khai sinh',
      'untouched fields survive the round trip through the form',
    );
    const audit = await t.platform.database.query<{ action: string; details: { changed: string[] } }>(
      "select action, details from audit_log where action like 'procedures.%' order by id",
    );
    assert.deepEqual(audit, [
      { action: 'procedures.update', details: { version: 2, verified: false, changed: ['days', 'fees'] } },
    ]);
    const publicPage = await page(`/thu-tuc/${BIRTH}`);
    assert.match(publicPage.body, /1 ngày làm việc/);
    assert.match(publicPage.body, /8\.000 đồng mỗi bản/);
  });

  it('when a JSON box is broken, then the form comes back with the error beside it and everything typed, and nothing changes', async () => {
    const fields = await editForm(BIRTH);
    const broken = '[{"id": "registration", "amount": 0,';
    const res = await post(`/quan-tri/thu-tuc/${BIRTH}`, { ...fields, nameVi: 'Tên đã sửa', fees: broken });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /<strong id="f-fees-err" class="err">Không đọc được JSON/);
    const again = formFields(res.body, `/quan-tri/thu-tuc/${BIRTH}`);
    assert.equal(again.fees, broken);
    assert.equal(again.nameVi, 'Tên đã sửa');
    assert.equal(again.documents, fields.documents);
    assert.equal((await getProcedure(db(), BIRTH)).version, 2);
  });

  it('when an item inside a list or the days are invalid, then each box names the item and the rule; then the step shares are checked', async () => {
    const fields = await editForm(BIRTH);
    const documents = JSON.parse(fields.documents ?? '[]');
    documents[1].name.vi = '';
    const res = await post(`/quan-tri/thu-tuc/${BIRTH}`, {
      ...fields,
      days: 'ba',
      documents: JSON.stringify(documents),
    });
    assert.equal(res.statusCode, 400);
    assert.match(
      res.body,
      /id="f-documents-err" class="err">Mục 2 › name\.vi: Vui lòng nhập thông tin này\./,
    );
    assert.match(res.body, /id="f-days-err" class="err">Nhập một con số, ví dụ 3, hoặc 0,5 cho nửa ngày\./);
    assert.equal(formFields(res.body, `/quan-tri/thu-tuc/${BIRTH}`).days, 'ba');

    // Rules across a whole list are checked once its items are well-formed.
    const workflow = JSON.parse(fields.workflow ?? '[]');
    workflow[0].share = 0.5;
    const shares = await post(`/quan-tri/thu-tuc/${BIRTH}`, {
      ...fields,
      workflow: JSON.stringify(workflow),
    });
    assert.equal(shares.statusCode, 400);
    assert.match(
      shares.body,
      /id="f-workflow-err" class="err">Tổng tỷ lệ thời gian các bước phải bằng 1 \(đang là 1\.2\)/,
    );
    const english = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/thu-tuc/${BIRTH}?lang=en`,
      headers: { cookie, accept: 'text/html' },
      payload: { ...fields, workflow: JSON.stringify(workflow) },
    });
    assert.match(english.body, /id="f-workflow-err" class="err">Step shares must add up to 1/);
    assert.equal((await getProcedure(db(), BIRTH)).version, 2);
  });

  it('when someone saved in between, then the older form is refused with 409 and what was typed is kept', async () => {
    const stale = await editForm(BIRTH);
    const fresh = await editForm(BIRTH);
    assert.equal((await post(`/quan-tri/thu-tuc/${BIRTH}`, { ...fresh, days: '0' })).statusCode, 303);
    const res = await post(`/quan-tri/thu-tuc/${BIRTH}`, {
      ...stale,
      summaryVi: 'Tóm tắt của người chậm chân',
    });
    assert.equal(res.statusCode, 409);
    assert.match(res.body, /vừa được người khác sửa/);
    assert.equal(formFields(res.body, `/quan-tri/thu-tuc/${BIRTH}`).summaryVi, 'Tóm tắt của người chậm chân');
    assert.equal((await getProcedure(db(), BIRTH)).days, 0);
  });

  it('when the admin marks a procedure checked, then the list and the public page show it; saving an edit unticked un-checks it', async () => {
    const { csrf } = await t.formToken('/quan-tri/thu-tuc', cookie);
    const res = await post(`/quan-tri/thu-tuc/${BIRTH}/kiem-tra`, { _csrf: csrf, verified: 'true' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/quan-tri/thu-tuc?verified=${BIRTH}`);
    const p = await getProcedure(db(), BIRTH);
    assert.equal(p.verified, true);
    assert.equal(p.verifiedBy, 'province_admin');
    const list = await page('/quan-tri/thu-tuc');
    assert.match(list.body, /19 trên 20 thủ tục chưa được kiểm tra/);
    assert.match(list.body, new RegExp(`data-code="${BIRTH}"[\\s\\S]*?Đã kiểm tra</span>`));
    assert.doesNotMatch((await page(`/thu-tuc/${BIRTH}`)).body, /chưa được cán bộ đối chiếu/);

    const fields = await editForm(BIRTH);
    assert.equal((await post(`/quan-tri/thu-tuc/${BIRTH}`, { ...fields, verified: 'on' })).statusCode, 303);
    assert.equal((await getProcedure(db(), BIRTH)).verified, true, 'ticked: stays checked');
    const again = await editForm(BIRTH);
    assert.equal((await post(`/quan-tri/thu-tuc/${BIRTH}`, again)).statusCode, 303);
    assert.equal((await getProcedure(db(), BIRTH)).verified, false, 'unticked: checked no more');
    const actions = await t.platform.database.query<{ action: string }>(
      "select action from audit_log where action like 'procedures.%' order by id",
    );
    assert.deepEqual(
      actions.map((a) => a.action),
      ['procedures.update', 'procedures.update', 'procedures.verify', 'procedures.update'],
    );
  });

  it('when the admin adds a procedure, then it appears publicly; adding the same code again is refused', async () => {
    const fields = formFields((await page('/quan-tri/thu-tuc/moi')).body, '/quan-tri/thu-tuc/moi');
    const values = {
      ...fields,
      code: '1.003677',
      nameVi: 'Khai báo tạm vắng',
      nameEn: 'Declaration of temporary absence',
      field: 'Đăng ký, quản lý cư trú',
      summaryVi: 'Báo với Công an xã khi bạn đi khỏi nơi cư trú một thời gian dài.',
      resultVi: 'Thông tin tạm vắng được cập nhật vào Cơ sở dữ liệu về cư trú',
      days: '0,5',
      onlineLevel: 'full',
    };
    const res = await post('/quan-tri/thu-tuc/moi', values);
    assert.equal(res.statusCode, 303, res.body);
    const p = await getProcedure(db(), '1.003677');
    assert.equal(p.days, 0.5);
    assert.equal(p.workflow.length, 3);
    assert.equal(p.verified, false);
    assert.match((await page('/thu-tuc/1.003677')).body, /Nửa ngày làm việc/);
    const dup = await post('/quan-tri/thu-tuc/moi', values);
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /Đã có thủ tục mã 1\.003677/);
  });

  it('when the catalogue is exported and imported back, by page and by file upload, then the JSON is identical', async () => {
    const res = await page('/quan-tri/thu-tuc/xuat');
    assert.equal(res.statusCode, 200);
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="thu-tuc-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const before = res.body;
    assert.equal(JSON.parse(before).length, 21);
    const { csrf } = await t.formToken('/quan-tri/thu-tuc/nhap', cookie);
    const pasted = await post('/quan-tri/thu-tuc/nhap', { _csrf: csrf, json: before });
    assert.equal(pasted.statusCode, 303, pasted.body);
    assert.equal(pasted.headers.location, '/quan-tri/thu-tuc?created=0&updated=0&unchanged=21');
    assert.equal(await exportText(), before);

    const changed = JSON.parse(before) as ProcedureDefinition[];
    const target = changed.find((p) => p.code === '1.004873');
    assert.ok(target);
    target.days = 5;
    const body = multipart({ _csrf: csrf }, { name: 'thu-tuc.json', content: JSON.stringify(changed) });
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/thu-tuc/nhap',
      headers: { cookie, accept: 'text/html', 'content-type': body.contentType },
      payload: body.payload,
    });
    assert.equal(uploaded.statusCode, 303, uploaded.body);
    assert.equal(uploaded.headers.location, '/quan-tri/thu-tuc?created=0&updated=1&unchanged=20');
    assert.equal(await exportText(), `${JSON.stringify(changed, null, 2)}\n`);

    // Into an empty installation: the same file comes out again, byte for byte.
    const other = await createTestApp();
    try {
      await other.user('other_admin', 'admin', PROVINCE);
      const otherCookie = await other.signIn('other_admin');
      const token = await other.formToken('/quan-tri/thu-tuc/nhap', otherCookie);
      const imported = await other.app.inject({
        method: 'POST',
        url: '/quan-tri/thu-tuc/nhap',
        headers: { cookie: token.cookie },
        payload: { _csrf: token.csrf, json: await exportText() },
      });
      assert.equal(imported.headers.location, '/quan-tri/thu-tuc?created=21&updated=0&unchanged=0');
      const otherExport = await other.app.inject({
        url: '/quan-tri/thu-tuc/xuat',
        headers: { cookie: otherCookie },
      });
      assert.equal(otherExport.body, await exportText());
    } finally {
      await other.close();
    }
  });

  it('when one record of an import is bad, then nothing changes and the page names the record and the field', async () => {
    const before = await exportText();
    const records = JSON.parse(before) as ProcedureDefinition[];
    const bad = records[3];
    assert.ok(bad && records[0]);
    (bad.fees as unknown[]).unshift({ id: 'x', name: { vi: 'Phí âm' }, amount: -5 });
    records[0].days = 9; // a valid change that must not be applied either
    const { csrf } = await t.formToken('/quan-tri/thu-tuc/nhap', cookie);
    const res = await post('/quan-tri/thu-tuc/nhap', { _csrf: csrf, json: JSON.stringify(records) });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /1 thủ tục có lỗi; chưa nhập thủ tục nào/);
    assert.match(
      res.body,
      new RegExp(
        `data-field="3\\.fees\\.0\\.amount"><code>3\\.fees\\.0\\.amount</code> Thủ tục thứ 4 \\(${bad.code.replace(/\./g, '\\.')}\\): Phải từ 0 trở lên\\.`,
      ),
    );
    assert.match(res.body, /<textarea id="f-json"[^>]*>\[\{/, 'the pasted JSON is kept for fixing');
    assert.equal(await exportText(), before);

    const dup = JSON.parse(before) as ProcedureDefinition[];
    dup[1] = { ...(dup[1] as ProcedureDefinition), code: (dup[0] as ProcedureDefinition).code };
    const dupRes = await post('/quan-tri/thu-tuc/nhap', { _csrf: csrf, json: JSON.stringify(dup) });
    assert.equal(dupRes.statusCode, 400);
    assert.match(
      dupRes.body,
      /data-field="1\.code"><code>1\.code<\/code> Thủ tục thứ 2 \([^)]+\): mã này đã có ở thủ tục thứ 1\./,
    );

    const notJson = await post('/quan-tri/thu-tuc/nhap', { _csrf: csrf, json: '{"không phải": "danh sách"' });
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.body, /Không đọc được JSON/);
    assert.equal(await exportText(), before);
  });

  it('when the API exports and imports (bearer), then the round trip is identical and a bad record names body index and field', async () => {
    const token = await t.token('province_admin');
    const auth = { authorization: `Bearer ${token}` };
    const exported = await t.app.inject({ method: 'GET', url: '/api/v1/procedures/export', headers: auth });
    assert.equal(exported.statusCode, 200);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/api/v1/procedures/import',
      headers: auth,
      payload: exported.json(),
    });
    assert.equal(imported.statusCode, 200, imported.body);
    assert.deepEqual(imported.json(), { created: [], updated: [], unchanged: 21 });
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/procedures/export', headers: auth });
    assert.equal(again.body, exported.body);

    const records = exported.json() as ProcedureDefinition[];
    (records[3] as ProcedureDefinition).fees.unshift({
      id: 'x',
      name: { vi: 'Phí âm' },
      amount: -5,
      per: 'dossier',
      dueAt: 'receipt',
    });
    (records[0] as ProcedureDefinition).days = 9;
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/procedures/import',
      headers: auth,
      payload: records,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    const errors = bad.json().errors as { field: string; vi: string; en: string }[];
    assert.deepEqual(
      errors.map((e) => e.field),
      ['body.3.fees.0.amount'],
    );
    assert.ok(errors[0]?.vi && errors[0].en);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/procedures/export', headers: auth });
    assert.equal(after.body, exported.body);
  });
});
