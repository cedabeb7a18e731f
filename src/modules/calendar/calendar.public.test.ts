import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';

/** The public calendar: `GET /api/v1/calendar/days` and the page "Lịch làm việc" (no sign-in). */
describe('the public calendar: each day and why, for integrators and people planning a trip', () => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));

  before(async () => {
    t = await createTestApp({ clock });
    await t.user('pub_cal_admin', 'admin', PROVINCE);
  });
  after(() => t.close());

  it('when the first days of 2026 are asked, then each day says whether it is worked and which notice set it', async () => {
    const res = await t.app.inject({
      url: '/api/v1/calendar/days?province=20&from=2026-01-01&to=2026-01-12',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.province, { code: '20', name: 'Tỉnh Lạng Sơn' });
    const day = (d: string) => body.days.find((x: { date: string }) => x.date === d);
    assert.equal(body.days.length, 12);
    assert.deepEqual(day('2026-01-01'), {
      date: '2026-01-01',
      weekday: 4,
      workingDay: false,
      reason: {
        kind: 'holiday',
        holiday: 'new-year',
        name: { vi: 'Tết Dương lịch', en: "New Year's Day" },
        basis: 'notice',
        notice: '45/2019/QH14',
        noticeDate: '2019-11-20',
      },
    });
    // 12729/VPCP-KGVX of 25/12/2025: Friday 2 Jan off, Saturday 10 Jan worked.
    assert.equal(day('2026-01-02').workingDay, false);
    assert.equal(day('2026-01-02').reason.kind, 'swapped_off');
    assert.equal(day('2026-01-02').reason.notice, '12729/VPCP-KGVX');
    assert.equal(day('2026-01-02').reason.swappedWith, '2026-01-10');
    assert.deepEqual(
      [day('2026-01-10').workingDay, day('2026-01-10').reason.kind, day('2026-01-10').reason.notice],
      [true, 'swapped_workday', '12729/VPCP-KGVX'],
    );
    assert.deepEqual(day('2026-01-03').reason, { kind: 'weekend', name: { vi: 'Thứ Bảy', en: 'Saturday' } });
    assert.deepEqual([day('2026-01-05').workingDay, day('2026-01-05').reason], [true, null]);
    assert.deepEqual(body.years[0].basis, 'notice');
    assert.ok(body.years[0].notices.some((n: { number: string }) => n.number === '9441/TB-BNV'));
  });

  it('when 2027 is asked, then the days come from the Labour Code’s rules and say so (no notice yet)', async () => {
    const res = await t.app.inject({ url: '/api/v1/calendar/days?from=2027-02-04&to=2027-02-12' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.province, null);
    assert.deepEqual(body.years, [{ year: 2027, basis: 'default', notices: [] }]);
    const tet = body.days.find((d: { date: string }) => d.date === '2027-02-05');
    assert.deepEqual(
      [tet.workingDay, tet.reason.basis, tet.reason.name.vi],
      [false, 'default', 'Tết Âm lịch'],
    );
    const inLieu = body.days.find((d: { date: string }) => d.date === '2027-02-10');
    assert.deepEqual([inLieu.workingDay, inLieu.reason.kind], [false, 'substitute']);
  });

  it('when the range is backwards, too long or not dates, then 400 names the field in both languages', async () => {
    const backwards = await t.app.inject({ url: '/api/v1/calendar/days?from=2026-02-01&to=2026-01-01' });
    assert.equal(backwards.statusCode, 400);
    assert.equal(backwards.json().errors[0].field, 'querystring.to');
    assert.match(backwards.json().errors[0].vi, /Ngày kết thúc phải sau ngày bắt đầu/);
    const long = await t.app.inject({ url: '/api/v1/calendar/days?from=2026-01-01&to=2027-01-02' });
    assert.equal(long.statusCode, 400);
    assert.match(long.json().errors[0].en, /At most 366 days/);
    const junk = await t.app.inject({ url: '/api/v1/calendar/days?from=hôm-nay&to=2026-13-01' });
    assert.equal(junk.statusCode, 400);
  });

  it('when the OpenAPI document is read, then both calendar endpoints are in it with their query parameters', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    for (const path of ['/api/v1/calendar/days', '/api/v1/calendar/due']) {
      assert.ok(doc.paths[path]?.get, path);
    }
    const names = doc.paths['/api/v1/calendar/due'].get.parameters
      .map((p: { name: string }) => p.name)
      .sort();
    assert.deepEqual(names, ['days', 'province', 'received', 'unit']);
  });

  it('when a person opens “Lịch làm việc”, then the year’s days off are listed in plain Vietnamese with their notice, server-rendered, and linked from home', async () => {
    const home = await t.app.inject({ url: '/' });
    assert.match(home.body, /href="\/lich-lam-viec">Lịch làm việc</);
    const res = await t.app.inject({ url: '/lich-lam-viec?nam=2026&tinh=20' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>Lịch làm việc 2026<\/h1>/);
    assert.match(res.body, /của cơ quan nhà nước ở tỉnh Lạng Sơn\./);
    assert.match(
      res.body,
      /data-date="2026-01-02" data-working="false"><td>Thứ Sáu 02\/01\/2026<\/td><td>Nghỉ<\/td><td>Nghỉ hoán đổi dịp Tết Dương lịch/,
    );
    assert.match(res.body, /<td>12729\/VPCP-KGVX \(25\/12\/2025\)<\/td>/);
    assert.match(
      res.body,
      /data-date="2026-01-10" data-working="true"><td>Thứ Bảy 10\/01\/2026<\/td><td>Làm việc<\/td>/,
    );
    assert.match(
      res.body,
      /data-date="2026-02-16"[^>]*><td>Thứ Hai 16\/02\/2026<\/td><td>Nghỉ<\/td><td>Tết Âm lịch/,
    );
    assert.match(res.body, /Năm nay có 14 ngày nghỉ rơi vào ngày thường/);
    assert.doesNotMatch(res.body, /<script/);
    const next = await t.app.inject({ url: '/lich-lam-viec?nam=2027' });
    assert.match(next.body, /id="no-notice"[^>]*>Năm 2027 chưa có thông báo chính thức/);
    const en = await t.app.inject({ url: '/lich-lam-viec?nam=2026&lang=en' });
    assert.match(en.body, /<h1>Office calendar 2026<\/h1>/);
    assert.match(en.body, /Friday 02\/01\/2026<\/td><td>Closed<\/td><td>Swapped day off \(New Year/);
  });
});
