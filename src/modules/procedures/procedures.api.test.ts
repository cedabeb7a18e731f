import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import type { ProcedureDefinition } from './procedures.schemas.ts';
import { CATALOGUE_FILE, ensureCatalogue } from './procedures.service.ts';

const SEED = JSON.parse(fs.readFileSync(CATALOGUE_FILE, 'utf8')) as ProcedureDefinition[];

describe('the procedures API', () => {
  let t: TestApp;
  let token: string;
  before(async () => {
    t = await createTestApp();
    await ensureCatalogue(t.platform.database.db);
    await t.user('province_admin', 'admin', PROVINCE);
    token = await t.token('province_admin');
  });
  after(() => t.close());

  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const put = (code: string, payload: unknown) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/procedures/${code}`,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    });

  it('when searching "dang ky khai sinh", then items carry code, the Vietnamese name, field, days and online level', async () => {
    const res = await get('/api/v1/procedures?q=dang%20ky%20khai%20sinh');
    assert.equal(res.statusCode, 200);
    const { items } = res.json();
    assert.deepEqual(items[0], {
      code: '1.001193',
      name: 'Thủ tục đăng ký khai sinh',
      field: 'Hộ tịch',
      days: 0,
      onlineLevel: 'full',
      verified: false,
    });
    assert.ok(
      items.every((i: object) => Object.keys(i).join() === 'code,name,field,days,onlineLevel,verified'),
    );
  });

  it('when listing without a query or by field, then all 20 or just that field', async () => {
    assert.equal((await get('/api/v1/procedures')).json().items.length, 20);
    const field = (
      await get(`/api/v1/procedures?field=${encodeURIComponent('Chứng thực')}&q=chung+thuc`)
    ).json();
    assert.equal(field.items.length, 4);
    assert.ok(field.items.every((i: { field: string }) => i.field === 'Chứng thực'));
    const long = await get(`/api/v1/procedures?q=${'a'.repeat(101)}`);
    assert.equal(long.statusCode, 400);
  });

  it('when one procedure is asked for, then the full definition comes back as seeded, with its version', async () => {
    for (const seeded of SEED) {
      const res = await get(`/api/v1/procedures/${seeded.code}`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { ...seeded, version: 1 });
    }
  });

  it('when the code is unknown, then 404 problem+json in both languages', async () => {
    const res = await get('/api/v1/procedures/9.999999');
    assert.equal(res.statusCode, 404);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(res.json().messages, {
      vi: 'Không tìm thấy thủ tục mã 9.999999.',
      en: 'No procedure with code 9.999999.',
    });
  });

  it('when an admin PUTs a new code, then 201; the same body again changes nothing; a change makes version 2', async () => {
    const base = SEED.find((p) => p.code === '1.010041') as ProcedureDefinition;
    const absence = {
      ...base,
      code: '1.003677',
      name: { vi: 'Khai báo tạm vắng', en: 'Declaration of temporary absence' },
    };
    const created = await put('1.003677', absence);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().version, 1);
    const same = await put('1.003677', absence);
    assert.equal(same.statusCode, 200);
    assert.equal(same.json().version, 1);
    const changed = await put('1.003677', { ...absence, days: 1 });
    assert.equal(changed.json().version, 2);
    assert.equal((await get('/api/v1/procedures/1.003677')).json().days, 1);
    const audit = await t.platform.database.query<{ action: string }>(
      "select action from audit_log where target_id = '1.003677' order by id",
    );
    assert.deepEqual(
      audit.map((a) => a.action),
      ['procedures.create', 'procedures.update'],
    );
    const search = (await get('/api/v1/procedures?q=tam+vang')).json();
    assert.deepEqual(
      search.items.map((i: { code: string }) => i.code),
      ['1.003677'],
    );
  });

  it('when the body is invalid or its code differs from the URL, then 400 with field errors in both languages', async () => {
    const birth = SEED.find((p) => p.code === '1.001193') as ProcedureDefinition;
    const mismatch = await put('1.001193', { ...birth, code: '1.000656' });
    assert.equal(mismatch.statusCode, 400);
    assert.equal(mismatch.json().errors[0].field, 'body.code');
    const { summary: _s, ...noSummary } = birth;
    const bad = await put('1.001193', {
      ...noSummary,
      workflow: birth.workflow.map((w) => ({ ...w, share: 0.1 })),
      form: [{ name: 'Tên có dấu', label: { vi: 'x' }, type: 'text' }],
    });
    assert.equal(bad.statusCode, 400);
    const errors = Object.fromEntries(
      bad.json().errors.map((e: { field: string; vi: string; en: string }) => [e.field, e]),
    );
    assert.equal(errors['body.summary'].vi, 'Vui lòng nhập thông tin này.');
    assert.equal(errors['body.form.0.name'].en, 'Field id: lower-case letters, digits, underscore.');
    assert.equal((await get('/api/v1/procedures/1.001193')).json().version, 1);
  });

  it('when the OpenAPI document is read, then the procedure endpoints and their schemas are in it', async () => {
    const doc = (await get('/api/openapi.json')).json();
    const paths = doc.paths as Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
    assert.ok(paths['/api/v1/procedures']?.get);
    assert.ok(paths['/api/v1/procedures/{code}']?.get);
    assert.deepEqual(paths['/api/v1/procedures/{code}']?.put?.security, [{ bearer: [] }]);
    assert.deepEqual(paths['/api/v1/procedures/import']?.post?.security, [{ bearer: [] }]);
    assert.deepEqual(paths['/api/v1/procedures/export']?.get?.security, [{ bearer: [] }]);
    const item = JSON.stringify(paths['/api/v1/procedures']?.get);
    for (const key of ['code', 'name', 'field', 'days', 'onlineLevel'])
      assert.ok(item.includes(`"${key}"`), key);
    const putDoc = JSON.stringify(paths['/api/v1/procedures/{code}']?.put);
    for (const key of ['documents', 'form', 'fees', 'workflow', 'legalBasis', 'onlineAmount']) {
      assert.ok(putDoc.includes(`"${key}"`), key);
    }
  });
});
