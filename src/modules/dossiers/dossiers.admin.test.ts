import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stripDiacritics } from '#modules/notifications/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import { APPLICANT, actApi, apiSubmit, created, outbox, setupDossiers } from './dossiers.test-support.ts';

describe('one-stop settings: SMS templates, the yearly calendar, agency codes', () => {
  let t: TestApp;
  let admin: string;
  let desk: string;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z')); // Mon 2 Mar 2026 08:00

  before(async () => {
    t = await createTestApp({ clock });
    await setupDossiers(t);
    admin = await t.signIn('dp_admin');
    desk = await t.token('desk_a');
  });
  after(() => t.close());

  const post = async (url: string, cookie: string, payload: Record<string, string>) => {
    const { csrf, cookie: c } = await t.formToken('/quan-tri/mot-cua/tin-nhan', cookie);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: c, accept: 'text/html' },
      payload: { _csrf: csrf, ...payload },
    });
  };

  it('when a province admin opens the templates, then each shows its SMS segment count with and without diacritics', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/mot-cua/tin-nhan',
      headers: { cookie: admin },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /id="tpl-received" data-segments="2"/);
    assert.match(res.body, /2 phần SMS, \d+ ký tự \(UCS-2\)/);
    assert.match(res.body, /1 phần SMS, \d+ ký tự \(GSM-7\)/);
  });

  it('when a commune admin or a desk official opens them, then 403: the texts are the province’s', async () => {
    for (const u of ['admin_a', 'desk_a']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/quan-tri/mot-cua/tin-nhan',
        headers: { cookie: await t.signIn(u), accept: 'text/html' },
      });
      assert.equal(res.statusCode, 403, u);
    }
  });

  it('when the admin shortens the "received" text and ticks no-diacritics, then the next receipt SMS uses it, in GSM-7 within one segment', async () => {
    const res = await post('/quan-tri/mot-cua/tin-nhan/received', admin, {
      body: 'Hồ sơ {ma_ho_so} đã tiếp nhận, hẹn trả {ngay_hen}.',
      plain: 'on',
    });
    assert.equal(res.statusCode, 303, res.body);
    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/mot-cua/tin-nhan',
      headers: { cookie: admin },
    });
    assert.match(page.body, /id="tpl-received" data-segments="1"/);
    const code = created(await apiSubmit(t, { key: 'admin-test-key-000001' })).code;
    assert.equal((await actApi(t, desk, code, { type: 'receive' })).statusCode, 200);
    const last = (await outbox(t, APPLICANT.phone)).at(-1);
    assert.equal(last?.body, stripDiacritics(`Hồ sơ ${code} đã tiếp nhận, hẹn trả 17:00 05/03/2026.`));
    assert.equal(last?.body, `Ho so ${code} da tiep nhan, hen tra 17:00 05/03/2026.`);
    const audit = await t.platform.database.query<{ action: string }>(
      "select action from audit_log where action = 'dossiers.sms-template.save'",
    );
    assert.equal(audit.length, 1);
  });

  it('when the "submitted" text names the code twice and the tracking link, without diacritics, then a new dossier’s SMS has its code in all three places', async () => {
    const res = await post('/quan-tri/mot-cua/tin-nhan/submitted', admin, {
      body: 'Đã gửi {ma_ho_so}. Mã {ma_ho_so}, xem {tra_cuu}',
      plain: 'on',
    });
    assert.equal(res.statusCode, 303, res.body);
    const code = created(await apiSubmit(t, { key: 'admin-test-key-000003' })).code;
    const [sms] = await t.platform.database.query<{ body: string; dedupe_key: string }>(
      "select n.body, n.dedupe_key from notifications n where n.template = 'dossiers.submitted' order by n.id desc limit 1",
    );
    assert.equal(
      sms?.body,
      `Da gui ${code}. Ma ${code}, xem ${t.platform.config.PUBLIC_URL}/tra-cuu?ma=${code}`,
    );
    const [submit] = await t.platform.database.query<{ id: string }>(
      "select a.id::text from dossier_actions a join dossiers d on d.id = a.dossier_id where d.code = $1 and a.type = 'submit'",
      [code],
    );
    assert.equal(sms?.dedupe_key, `dossier-action:${submit?.id}:sms`);
  });

  it('when a template is emptied, then the form says so and nothing changes', async () => {
    const res = await post('/quan-tri/mot-cua/tin-nhan/refused', admin, { body: '' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /Vui lòng nhập thông tin này/);
  });

  it('when the admin declares Wednesday 4 March 2026 a day off, then a dossier received on Monday with 3 days is due Friday, not Thursday', async () => {
    const before = created(await apiSubmit(t, { key: 'admin-test-key-000002' })).code;
    const r1 = await actApi(t, desk, before, { type: 'receive' });
    assert.equal(r1.json().dueAt, '2026-03-05T10:00:00.000Z');

    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/mot-cua/lich?nam=2026',
      headers: { cookie: admin },
    });
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /16\/02\/2026, 17\/02\/2026, 18\/02\/2026, 19\/02\/2026, 20\/02\/2026/,
      'Tết 2026 as computed',
    );
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich', admin);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: {
        _csrf: csrf,
        year: '2026',
        add: '2026-03-04',
        remove: '',
        workingDays: '',
        note: 'Thử nghiệm',
      },
    });
    assert.equal(saved.statusCode, 303, saved.body);

    const after = created(await apiSubmit(t, { key: 'admin-test-key-000003' })).code;
    const r2 = await actApi(t, desk, after, { type: 'receive' });
    assert.equal(r2.json().dueAt, '2026-03-06T10:00:00.000Z');
  });

  it('when an override names a weekday as a worked weekend day, then it is refused with the reason', async () => {
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich', admin);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, year: '2026', add: '', remove: '', workingDays: '2026-03-04' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /is not a Saturday or Sunday/);
  });

  it('when a commune admin sets the agency code, then the next dossiers carry it', async () => {
    const commune = await t.signIn('admin_a');
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/ma-don-vi', commune);
    const res = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/ma-don-vi',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, placeCode: COMMUNE_A, agencyCode: 'h20.06.541' },
    });
    assert.equal(res.statusCode, 303, res.body);
    const code = created(await apiSubmit(t, { key: 'admin-test-key-000004' })).code;
    assert.match(code, /^H20\.06\.541-260302-0001$/);
  });
});
