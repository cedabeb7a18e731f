import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getPlaceByCode } from '#modules/places/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { isWorkingDay, provinceCalendar } from './index.ts';

describe('the province calendar: yearly overrides entered by an admin, read by every module', () => {
  let t: TestApp;
  let admin: string;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));

  before(async () => {
    t = await createTestApp({ clock });
    await t.user('cal_admin', 'admin', PROVINCE);
    await t.user('cal_commune_admin', 'admin', COMMUNE_A);
    await t.user('cal_desk', 'receptionist', COMMUNE_A);
    admin = await t.signIn('cal_admin');
  });
  after(() => t.close());

  const save = async (payload: Record<string, string>) => {
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich', admin);
    return t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, add: '', remove: '', workingDays: '', ...payload },
    });
  };

  it('when nothing is entered, then a commune gets the statutory days off: Tết 2026 off, the Wednesday after it worked', async () => {
    const cal = await provinceCalendar(t.platform.database.db, t.places.a);
    assert.equal(isWorkingDay('2026-02-17', cal), false, 'Tết');
    assert.equal(isWorkingDay('2026-03-04', cal), true);
  });

  it('when the province admin declares a day off, then every place of the province counts it at once, and the change is audited', async () => {
    const db = t.platform.database.db;
    // Cached before the change: the admin's save clears it in this process.
    assert.equal(isWorkingDay('2026-03-04', await provinceCalendar(db, t.places.b)), true);
    const res = await save({
      year: '2026',
      add: '2026-03-04',
      // As people write dates; ISO (above) is taken too.
      workingDays: '07/03/2026',
      note: 'TB thử nghiệm',
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/quan-tri/mot-cua/lich?nam=2026&luu=2026');
    for (const place of [t.places.province, t.places.a, t.places.b]) {
      const cal = await provinceCalendar(db, place);
      assert.equal(isWorkingDay('2026-03-04', cal), false, `${place.code}: the declared day off`);
      assert.equal(isWorkingDay('2026-03-07', cal), true, `${place.code}: the Saturday worked`);
    }
    const audit = await t.platform.database.query<{ target_id: string }>(
      "select target_id from audit_log where action = 'dossiers.calendar.override'",
    );
    assert.deepEqual(
      audit.map((a) => a.target_id),
      ['2026'],
    );
    const page = await t.app.inject({ url: '/quan-tri/mot-cua/lich?nam=2026', headers: { cookie: admin } });
    assert.match(
      page.body,
      /<textarea[^>]*name="add"[^>]*>04\/03\/2026<\/textarea>/,
      'the stored days fill the form, dd/mm/yyyy',
    );
    assert.match(page.body, /value="TB thử nghiệm"/, 'and the stored note');
  });

  it('when the year is saved with nothing in it, then its row goes and the statutory days come back', async () => {
    const res = await save({ year: '2026' });
    assert.equal(res.statusCode, 303, res.body);
    const [row] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from calendar_overrides where year = 2026',
    );
    assert.equal(row?.n, 0);
    assert.equal(
      isWorkingDay('2026-03-04', await provinceCalendar(t.platform.database.db, t.places.a)),
      true,
    );
  });

  it('when the calendar is first read inside a transaction, through it, then it answers (PGlite has one connection) and later reads agree', async () => {
    const db = t.platform.database.db;
    await save({ year: '2027', add: '2027-03-03' });
    const inside = await db.transaction(async (tx) => {
      const cal = await provinceCalendar(db, t.places.a, { via: tx });
      return isWorkingDay('2027-03-03', cal);
    });
    assert.equal(inside, false);
    assert.equal(isWorkingDay('2027-03-03', await provinceCalendar(db, t.places.a)), false);
  });

  it('when a commune admin or a desk official opens the page, then 403: the calendar is the province’s', async () => {
    for (const u of ['cal_commune_admin', 'cal_desk']) {
      const res = await t.app.inject({
        url: '/quan-tri/mot-cua/lich',
        headers: { cookie: await t.signIn(u), accept: 'text/html' },
      });
      assert.equal(res.statusCode, 403, u);
    }
  });

  it('when the page opens, then it shows the year’s computed days off and the links to the other one-stop settings', async () => {
    const res = await t.app.inject({ url: '/quan-tri/mot-cua/lich?nam=2026', headers: { cookie: admin } });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<p id="computed">01\/01\/2026, [^<]*16\/02\/2026, 17\/02\/2026/);
    assert.match(res.body, /href="\/quan-tri\/mot-cua\/tin-nhan"/);
    assert.match(res.body, /href="\/quan-tri\/mot-cua\/ma-don-vi"/);
    assert.match(res.body, /href="\/quan-tri\/mot-cua\/lich\?nam=2027"/);
  });

  it('when a place of another province is asked, then it does not get this province’s overrides: each province keeps its own (issue 12, item 2)', async () => {
    const db = t.platform.database.db;
    const caoBang = await getPlaceByCode(db, '04');
    const ward = await getPlaceByCode(db, '01273');
    for (const place of [caoBang, ward, { path: '/1/99/12345/' }]) {
      assert.equal(isWorkingDay('2027-03-03', await provinceCalendar(db, place)), true, place.path);
    }
    assert.equal(isWorkingDay('2027-03-03', await provinceCalendar(db, t.places.a)), false);
  });

  it('when a country admin edits Cao Bằng’s year, then Cao Bằng counts it and Lạng Sơn does not; a province admin cannot open another province', async () => {
    const db = t.platform.database.db;
    await t.user('cal_country', 'admin', 'VN');
    const country = await t.signIn('cal_country');
    const page = await t.app.inject({
      url: '/quan-tri/mot-cua/lich?nam=2026&tinh=04',
      headers: { cookie: country },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Tỉnh Cao Bằng/);
    assert.match(page.body, /name="province" value="04"/);
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich?tinh=04', country);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: {
        _csrf: csrf,
        year: '2026',
        province: '04',
        add: '2026-03-05',
        remove: '',
        workingDays: '',
        note: 'Lễ hội riêng của tỉnh (thử)',
      },
    });
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/quan-tri/mot-cua/lich?nam=2026&tinh=04&luu=2026');
    assert.equal(
      isWorkingDay('2026-03-05', await provinceCalendar(db, await getPlaceByCode(db, '01273'))),
      false,
    );
    assert.equal(isWorkingDay('2026-03-05', await provinceCalendar(db, t.places.a)), true);
    const denied = await t.app.inject({
      url: '/quan-tri/mot-cua/lich?tinh=04',
      headers: { cookie: admin, accept: 'text/html' },
    });
    assert.equal(denied.statusCode, 403);
    const rows = await t.platform.database.query<{ province_path: string; year: number }>(
      'select province_path, year from calendar_overrides order by province_path, year',
    );
    assert.deepEqual(
      rows.map((r) => [r.province_path, r.year]),
      [
        [(await getPlaceByCode(db, '04')).path, 2026],
        [t.places.province.path, 2027],
      ].sort(),
    );
  });
});
