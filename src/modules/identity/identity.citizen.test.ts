import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import { OTP_PER_IP } from './auth.service.ts';

describe('citizen sign-in with phone and one-time code', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  const requestCode = async (phone: string, ip = '203.0.113.1') => {
    const { csrf, cookie } = await t.formToken('/cong-dan/dang-nhap');
    return t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      remoteAddress: ip,
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, phone },
    });
  };
  const lastCode = async (phone: string) => {
    const [n] = await t.platform.database.query<{ body: string; channel: string }>(
      'select body, channel from notifications where recipient = $1 order by id desc limit 1',
      [phone],
    );
    assert.equal(n?.channel, 'sms');
    return /(\d{6})/.exec(n?.body ?? '')?.[1] ?? '';
  };
  const verify = async (phone: string, code: string) => {
    const { csrf, cookie } = await t.formToken(`/cong-dan/xac-thuc?phone=${phone}`);
    return t.app.inject({
      method: 'POST',
      url: '/cong-dan/xac-thuc',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, phone, code },
    });
  };

  it('when a phone asks for a code, then one SMS with diacritics and within one segment is queued in the outbox', async () => {
    const res = await requestCode('+84 912 000 001');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/cong-dan/xac-thuc?phone=0912000001');
    const [n] = await t.platform.database.query<{ body: string; status: string }>(
      "select body, status from notifications where recipient = '0912000001'",
    );
    assert.equal(n?.status, 'queued');
    assert.match(n?.body ?? '', /^Mã đăng nhập Xã Số: \d{6}, hết hạn sau 5 phút/);
    assert.ok((n?.body.length ?? 99) <= 70, 'one UCS-2 segment');
    const [otp] = await t.platform.database.query<{ code_hash: string }>(
      "select code_hash from otp_codes where phone = '0912000001'",
    );
    assert.ok(otp && !otp.code_hash.includes(await lastCode('0912000001')), 'only a hash is stored');
  });

  it('when the right code is entered, then the citizen is signed in and sees their page', async () => {
    const code = await lastCode('0912000001');
    const res = await verify('0912000001', code);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/cong-dan');
    const home = await t.app.inject({ method: 'GET', url: '/cong-dan', headers: { cookie: cookiesOf(res) } });
    assert.match(home.body, /0912000001/);
    const again = await verify('0912000001', code);
    assert.equal(again.statusCode, 400, 'a code works once');
  });

  it('when a wrong code is tried five times, then even the right code no longer works', async () => {
    await requestCode('0912000002');
    const code = await lastCode('0912000002');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await verify('0912000002', wrong);
      assert.equal(r.statusCode, 400);
      assert.match(r.body, /Mã không đúng hoặc đã hết hạn/);
    }
    assert.equal((await verify('0912000002', code)).statusCode, 400);
  });

  it('when the code has expired, then it is refused', async () => {
    await requestCode('0912000003', '203.0.113.3');
    const code = await lastCode('0912000003');
    await t.platform.database.query(
      "update otp_codes set expires_at = now() - interval '1 second' where phone = '0912000003'",
    );
    assert.equal((await verify('0912000003', code)).statusCode, 400);
  });

  it('when one phone asks a fourth time within 15 minutes, then it is told to wait', async () => {
    for (let i = 0; i < 3; i++)
      assert.equal((await requestCode('0912000004', `198.51.100.${i}`)).statusCode, 303);
    const res = await requestCode('0912000004', '198.51.100.9');
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Đã gửi mã quá nhiều lần/);
  });

  it('when one address asks for many phones, then it is limited too', async () => {
    const statuses = [];
    for (let i = 0; i <= OTP_PER_IP.max; i++) {
      statuses.push((await requestCode(`0913${String(i).padStart(6, '0')}`, '192.0.2.77')).statusCode);
    }
    assert.deepEqual(statuses.slice(0, OTP_PER_IP.max), Array(OTP_PER_IP.max).fill(303));
    assert.equal(statuses[OTP_PER_IP.max], 429);
  });

  it('when the phone number is not a Vietnamese mobile number, then the form says so in Vietnamese', async () => {
    const res = await requestCode('12345');
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Số điện thoại di động không hợp lệ/);
    assert.match(res.body, /value="12345"/);
  });

  it('when English is chosen, then the same error is in English', async () => {
    const { csrf, cookie } = await t.formToken('/cong-dan/dang-nhap?lang=en');
    const res = await t.app.inject({
      method: 'POST',
      url: '/cong-dan/dang-nhap',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, phone: '12' },
    });
    assert.match(res.body, /Not a valid Vietnamese mobile number/);
    assert.match(res.body, /<html lang="en"/);
  });
});
