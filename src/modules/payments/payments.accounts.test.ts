import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getDossierRecord } from '#modules/dossiers/index.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { fileDossier, type OutputSetup, type Staff, setupOutputs, staffOf } from '#test/support/outputs.ts';
import { feeView, paymentsDeps, setPaymentAccount } from './index.ts';
import { resolveAccount } from './payments.accounts.service.ts';
import { decodeVietQr } from './vietqr.ts';

const BASE = '/quan-tri/le-phi/tai-khoan';
const CONFIG = { bin: '970405', number: '8888123456789', name: 'UBND TINH (CAU HINH)' };
const OWN_A = { bin: '970415', number: '1140 0002 2233', name: 'UBND XA MAU SON' };
const OWN_PROVINCE = { bin: '970418', number: '31010000999888', name: 'SO TAI CHINH LANG SON' };

/** The value an input was rendered with. */
function inputValue(html: string, name: string) {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? '';
  return /value="([^"]*)"/.exec(tag)?.[1];
}

describe('each commune collects fees into its own account, else the province’s, else the configured one', () => {
  let t: TestApp;
  let s: OutputSetup;
  let adminA: Staff;
  let adminB: Staff;
  let cookieA: string;
  let cookieB: string;
  let code: string;

  before(async () => {
    t = await createTestApp({
      env: {
        PAYMENT_BANK_BIN: CONFIG.bin,
        PAYMENT_ACCOUNT_NUMBER: CONFIG.number,
        PAYMENT_ACCOUNT_NAME: CONFIG.name,
      },
    });
    s = await setupOutputs(t);
    adminA = await staffOf(t, 'acc_admin_a', 'admin', COMMUNE_A);
    adminB = await staffOf(t, 'acc_admin_b', 'admin', COMMUNE_B);
    cookieA = await t.signIn(adminA.username);
    cookieB = await t.signIn(adminB.username);
    code = await fileDossier(t, s, 'received'); // a dossier of commune A owing 5,000 đồng
  });
  after(() => t.close());
  beforeEach(async () => {
    await t.platform.database.query('delete from payment_accounts');
  });

  /** The VietQR of the dossier's fee page, read back. */
  const qrOf = async (dossier: string) => {
    const d = await getDossierRecord(t.platform.database.db, { code: dossier });
    const v = await feeView(s.desk.ctx, paymentsDeps(t.platform), d);
    const qr = v.qr && decodeVietQr(v.qr.payload);
    return qr && { bin: qr.bin, account: qr.account, amount: qr.amount, name: v.qr?.account.name };
  };

  const post = async (url: string, cookie: string, payload: Record<string, string>) => {
    const f = await t.formToken(url.replace(/\?.*$/, '').replace(/\/xoa$/, ''), cookie);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: f.cookie },
      payload: { _csrf: f.csrf, ...payload },
    });
  };

  const accounts = () =>
    t.platform.database.query<{
      place_id: number;
      bank_bin: string;
      account_number: string;
      account_name: string;
    }>('select place_id, bank_bin, account_number, account_name from payment_accounts order by place_id');

  it('when a commune admin sets the commune’s account on the form, then its dossier’s VietQR pays into it, not the province’s or the configured one', async () => {
    await setPaymentAccount(s.admin.ctx, PROVINCE, OWN_PROVINCE);
    const res = await post(`${BASE}/${COMMUNE_A}`, cookieA, OWN_A);
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `${BASE}?luu=${COMMUNE_A}`);
    assert.deepEqual(await qrOf(code), {
      bin: '970415',
      account: '114000022233', // typed in groups, kept as the bank writes it
      amount: 5000,
      name: 'UBND XA MAU SON',
    });
    const page = await t.app.inject({ url: `/ho-so/${encodeURIComponent(code)}/le-phi?so=4321` });
    assert.match(page.body, /UBND XA MAU SON – số tài khoản 114000022233 \(mã ngân hàng 970415\)/);
    const list = await t.app.inject({ url: `${BASE}?luu=${COMMUNE_A}`, headers: { cookie: cookieA } });
    assert.equal(list.statusCode, 200, list.body);
    assert.match(list.body, /role="status">Đã lưu tài khoản nhận phí của [^<]*Mẫu Sơn/);
    assert.match(list.body, /data-source="own">Tài khoản riêng: UBND XA MAU SON/);
  });

  it('when the commune has no account, then its dossier’s VietQR uses the province’s, then the configured one', async () => {
    await setPaymentAccount(s.admin.ctx, PROVINCE, OWN_PROVINCE);
    assert.deepEqual(await qrOf(code), {
      bin: '970418',
      account: '31010000999888',
      amount: 5000,
      name: 'SO TAI CHINH LANG SON',
    });
    const edit = await t.app.inject({ url: `${BASE}/${COMMUNE_A}`, headers: { cookie: cookieA } });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.match(
      edit.body,
      /data-source="place">Chưa khai báo, dùng tài khoản của [^:]*Lạng Sơn: SO TAI CHINH/,
    );

    const removed = await post(`${BASE}/${PROVINCE}/xoa`, await t.signIn(s.admin.username), {});
    assert.equal(removed.statusCode, 303, removed.body);
    assert.deepEqual(await qrOf(code), {
      bin: '970405',
      account: '8888123456789',
      amount: 5000,
      name: CONFIG.name,
    });
    const again = await t.app.inject({ url: `${BASE}/${COMMUNE_A}`, headers: { cookie: cookieA } });
    assert.match(again.body, /data-source="config">Chưa khai báo, dùng tài khoản chung của hệ thống/);
  });

  it('when nothing is set and nothing configured, then there is no account (the page offers cash)', () => {
    const path = `/${t.places.province.id}/${t.places.a.id}/`;
    assert.equal(resolveAccount([], path, undefined), undefined);
    const row = {
      placeId: t.places.province.id,
      bankBin: '970418',
      accountNumber: '123456',
      accountName: 'X',
      updatedBy: null,
      updatedAt: new Date(),
    };
    assert.deepEqual(resolveAccount([row], path, CONFIG), {
      account: { bin: '970418', number: '123456', name: 'X' },
      placeId: t.places.province.id,
    });
  });

  it('when a commune admin tries to set another commune’s (or the province’s) account, then 403 and nothing changes', async () => {
    await setPaymentAccount(adminA.ctx, COMMUNE_A, OWN_A);
    const before = await accounts();
    for (const target of [COMMUNE_A, PROVINCE]) {
      const f = await t.formToken(`${BASE}/${COMMUNE_B}`, cookieB);
      const res = await t.app.inject({
        method: 'POST',
        url: `${BASE}/${target}`,
        headers: { cookie: f.cookie },
        payload: { _csrf: f.csrf, bin: '970436', number: '0011009999999', name: 'KE GIAN' },
      });
      assert.equal(res.statusCode, 403, `${target}: ${res.body}`);
      const remove = await t.app.inject({
        method: 'POST',
        url: `${BASE}/${target}/xoa`,
        headers: { cookie: f.cookie },
        payload: { _csrf: f.csrf },
      });
      assert.equal(remove.statusCode, 403, `${target}: ${remove.body}`);
      assert.equal(
        (await t.app.inject({ url: `${BASE}/${target}`, headers: { cookie: cookieB } })).statusCode,
        403,
      );
    }
    assert.deepEqual(await accounts(), before);
    const [audit] = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from audit_log where actor_label = 'acc_admin_b' and action like 'payments.%'",
    );
    assert.equal(audit?.n, 0);
    const list = await t.app.inject({ url: BASE, headers: { cookie: cookieB } });
    assert.match(list.body, new RegExp(`data-place="${COMMUNE_B}"`));
    assert.doesNotMatch(
      list.body,
      new RegExp(`data-place="${COMMUNE_A}"`),
      'only their own commune is listed',
    );
    const desk = await t.signIn(s.desk.username);
    assert.equal((await t.app.inject({ url: BASE, headers: { cookie: desk } })).statusCode, 403);
  });

  it('when a province admin opens the list, then the province and its communes are there, and any of them can be set', async () => {
    const cookie = await t.signIn(s.admin.username);
    const list = await t.app.inject({ url: BASE, headers: { cookie } });
    assert.equal(list.statusCode, 200, list.body);
    for (const place of [PROVINCE, COMMUNE_A, COMMUNE_B])
      assert.match(list.body, new RegExp(`data-place="${place}"`));
    const res = await post(`${BASE}/${COMMUNE_B}`, cookie, {
      bin: '970405',
      number: '2000123',
      name: 'UBND XA DONG DANG',
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.deepEqual(
      (await accounts()).map((r) => [r.place_id, r.bank_bin, r.account_number]),
      [[t.places.b.id, '970405', '2000123']],
    );
  });

  it('when the BIN or the account number is wrong, then each field says so in Vietnamese or English and keeps what was typed', async () => {
    const typed = { bin: '97O405', number: '12-AB#9', name: 'UBND XA MAU SON' };
    const vi = await post(`${BASE}/${COMMUNE_A}`, cookieA, typed);
    assert.equal(vi.statusCode, 400, vi.body);
    assert.match(vi.body, /Mã BIN ngân hàng gồm đúng 6 chữ số/);
    assert.match(vi.body, /Số tài khoản gồm 4 đến 19 chữ số hoặc chữ cái/);
    assert.match(vi.body, /id="f-bin"[^>]*aria-invalid="true"/);
    assert.equal(inputValue(vi.body, 'bin'), '97O405');
    assert.equal(inputValue(vi.body, 'number'), '12-AB#9');
    assert.equal(inputValue(vi.body, 'name'), 'UBND XA MAU SON');

    const en = await post(`${BASE}/${COMMUNE_A}?lang=en`, cookieA, { ...typed, name: '' });
    assert.equal(en.statusCode, 400, en.body);
    assert.match(en.body, /The bank BIN is exactly 6 digits/);
    assert.match(en.body, /The account number is 4 to 19 digits or letters/);
    assert.match(en.body, /This field is required\./);
    assert.doesNotMatch(en.body, /Mã BIN ngân hàng gồm/);
    assert.equal(inputValue(en.body, 'bin'), '97O405');
    assert.deepEqual(await accounts(), [], 'nothing was saved');
  });

  it('when an account is set, replaced and removed, then each change is in the audit log with who, where and what it was before', async () => {
    const [mark] = await t.platform.database.query<{ id: number }>(
      'select coalesce(max(id), 0)::int as id from audit_log',
    );
    assert.equal((await post(`${BASE}/${COMMUNE_A}`, cookieA, OWN_A)).statusCode, 303);
    assert.equal(
      (await post(`${BASE}/${COMMUNE_A}`, cookieA, { ...OWN_A, number: '114000099999' })).statusCode,
      303,
    );
    assert.equal((await post(`${BASE}/${COMMUNE_A}/xoa`, cookieA, {})).statusCode, 303);
    const rows = await t.platform.database.query<{
      actor_label: string;
      action: string;
      target_type: string;
      target_id: string;
      place_path: string;
      details: Record<string, unknown>;
    }>(
      "select actor_label, action, target_type, target_id, place_path, details from audit_log where id > $1 and action like 'payments.account.%' order by id",
      [mark?.id ?? 0],
    );
    const a = { bin: '970415', number: '114000022233', name: 'UBND XA MAU SON' };
    const b = { ...a, number: '114000099999' };
    assert.deepEqual(
      rows.map((r) => [r.actor_label, r.action, r.target_type, r.target_id, r.place_path, r.details]),
      [
        [
          'acc_admin_a',
          'payments.account.set',
          'place',
          COMMUNE_A,
          t.places.a.path,
          { before: null, after: a },
        ],
        ['acc_admin_a', 'payments.account.set', 'place', COMMUNE_A, t.places.a.path, { before: a, after: b }],
        ['acc_admin_a', 'payments.account.remove', 'place', COMMUNE_A, t.places.a.path, { before: b }],
      ],
    );
  });
});
