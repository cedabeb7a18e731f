import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getProcedure } from '#modules/procedures/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { actApi, MADONVI, PROCEDURE, type SyncTest, setupSync, submitOnline } from './dvcqg.test-support.ts';

/**
 * What an admin sees and does: the queue with its failures and dead letters and a resend, the
 * metrics, the mappings, the catalogue import with its differences, the monthly reconciliation.
 * Every action goes through the pages' own forms (CSRF and all), against the mock portal.
 */
const METRICS_TOKEN = 'metrics-token-for-dvcqg-tests-0123456789';

describe('the sync admin pages', () => {
  const clock = fixedClock(new Date('2026-03-02T01:30:00Z'));
  let s: SyncTest;
  let admin: string;
  let n = 0;
  let statusTestCode = '';

  before(async () => {
    s = await setupSync(clock, { env: { DVCQG_MAX_ATTEMPTS: '2', METRICS_TOKEN } });
    admin = await s.t.signIn('dv_admin');
  });
  after(() => s.close());

  const get = (url: string, cookie = admin) => s.t.app.inject({ method: 'GET', url, headers: { cookie } });
  const post = async (page: string, url: string, fields: Record<string, string> = {}) => {
    const { csrf, cookie } = await s.t.formToken(page, admin);
    return s.t.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
  };

  it('when a dossier is refused until it is dead, then the queue shows the portal’s answer, and a resend delivers it', async () => {
    const code = await submitOnline(s.t, n++);
    s.portal.faults.add({
      kind: 'error-code',
      service: 'DongBoHoSoMC',
      maHoSo: code,
      errorCode: -1,
      untilCleared: true,
    });
    await s.drain();
    clock.advance(10 * 60_000);
    await s.drain();
    const page = await get('/quan-tri/dvcqg');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-dead="1"/);
    assert.match(page.body, new RegExp(`data-code="${code}" data-state="dead"`));
    assert.match(page.body, /data-failure="dead"/);
    assert.match(page.body, /data-failure="refused"/);
    assert.equal((page.body.match(/data-depth="(\d+)"/) ?? [])[1], '1', 'one change waits');

    // /metrics says the same.
    const metrics = await s.t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.match(metrics.body, /^xaso_dvcqg_outbox_depth 1$/m);
    assert.match(metrics.body, /^xaso_dvcqg_dead_letters 1$/m);
    assert.match(metrics.body, /^xaso_dvcqg_oldest_undelivered_seconds 600$/m);
    assert.match(metrics.body, /^xaso_dvcqg_deliveries_total\{outcome="refused"\} 1$/m);
    assert.match(metrics.body, /^xaso_dvcqg_deliveries_total\{outcome="dead"\} 1$/m);

    s.portal.faults.clear();
    const [row] = await s.t.platform.database.query<{ dossier_id: number }>(
      'select dossier_id from dvcqg_dossiers where code = $1',
      [code],
    );
    const resent = await post('/quan-tri/dvcqg', `/quan-tri/dvcqg/gui-lai/${row?.dossier_id}`);
    assert.equal(resent.statusCode, 303, resent.body);
    const r = await s.drain();
    assert.equal(r.delivered, 1);
    assert.equal(s.portal.state.dossier(code)?.current.TrangThaiHoSo, '1');
    const after = await get('/quan-tri/dvcqg');
    assert.match(after.body, /data-dead="0"/);
    assert.match(after.body, /data-depth="0"/);
    assert.match(after.body, /data-last-success="2026-03-02T01:40:00.000Z"/);
    const m2 = await s.t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.match(m2.body, /^xaso_dvcqg_deliveries_total\{outcome="delivered"\} 1$/m);
  });

  it('when a commune admin or a desk opens the pages, then only what their grant covers is allowed', async () => {
    const desk = await s.t.signIn('desk_a');
    assert.equal((await get('/quan-tri/dvcqg', desk)).statusCode, 403);
    const communeAdmin = await s.t.signIn('admin_a');
    const places = await get('/quan-tri/dvcqg/don-vi', communeAdmin);
    assert.equal(places.statusCode, 200);
    assert.match(places.body, new RegExp(`data-place="${COMMUNE_A}" data-enabled="yes"`));
    assert.doesNotMatch(places.body, /data-place="20"/, 'the province is not theirs to set');
    // The mappings are the catalogue admins’ (province level).
    const statuses = await get('/quan-tri/dvcqg/trang-thai', communeAdmin);
    assert.equal(statuses.statusCode, 200, 'readable');
    assert.equal((await get('/quan-tri/dvcqg/trang-thai')).statusCode, 200);
  });

  it('when the status map is read, then it holds DOMAIN.md’s defaults, and a change is sent from then on', async () => {
    const page = await get('/quan-tri/dvcqg/trang-thai');
    for (const [step, local, national] of [
      ['submitted', 1, 1],
      ['received', 2, 2],
      ['supplement_requested', 5, 5],
      ['returned', 10, 10],
    ]) {
      assert.match(
        page.body,
        new RegExp(`data-step="${step}"\\s+data-local="${local}"\\s+data-national="${national}"`),
      );
    }
    // A province that reports "fee due" as plain "received" (the mock checks the dates each code needs).
    const saved = await post('/quan-tri/dvcqg/trang-thai', '/quan-tri/dvcqg/trang-thai', {
      step: 'received',
      localStatus: '6',
      national: '2',
    });
    assert.equal(saved.statusCode, 303, saved.body);
    const code = await submitOnline(s.t, n++);
    await actApi(s.t, await s.t.token('desk_a'), code, { type: 'receive' });
    const r = await s.drain();
    assert.equal(r.failed + r.dead, 0);
    assert.equal(s.portal.state.dossier(code)?.current.TrangThaiHoSo, '2');
    assert.deepEqual(
      s.portal.state.dossier(code)?.progress.map((p) => p.entry.TrangThai),
      ['1', '2', '2'],
      'submitted, received, fee due sent as received',
    );
    statusTestCode = code;
    const back = await post('/quan-tri/dvcqg/trang-thai', '/quan-tri/dvcqg/trang-thai', {
      step: 'received',
      localStatus: '6',
      national: '6',
    });
    assert.equal(back.statusCode, 303);
  });

  it('when the catalogue is imported, then each difference waits for a decision, and accepting one changes the local record', async () => {
    const imported = await post('/quan-tri/dvcqg/danh-muc', '/quan-tri/dvcqg/danh-muc/nhap');
    assert.equal(imported.statusCode, 303, imported.body);
    const page = await get('/quan-tri/dvcqg/danh-muc');
    const aspects = [
      ...page.body.matchAll(/data-diff="(\d+)" data-procedure="([^"]+)" data-aspect="([^"]+)"/g),
    ];
    const mine = aspects.filter((m) => m[2] === PROCEDURE.code);
    const days = mine.find((m) => m[3] === 'days');
    const legal = mine.find((m) => m[3] === 'legal_basis');
    assert.ok(days, `a difference in days: ${mine.map((m) => m[3])}`);
    assert.ok(legal, 'a difference in legal basis');

    const accepted = await post('/quan-tri/dvcqg/danh-muc', `/quan-tri/dvcqg/danh-muc/${days[1]}/chap-nhan`);
    assert.equal(accepted.statusCode, 303, accepted.body);
    assert.equal(
      (await getProcedure(s.t.platform.database.db, PROCEDURE.code)).days,
      1,
      'the national 1 day',
    );
    const rejected = await post('/quan-tri/dvcqg/danh-muc', `/quan-tri/dvcqg/danh-muc/${legal[1]}/tu-choi`);
    assert.equal(rejected.statusCode, 303, rejected.body);
    assert.deepEqual(
      (await getProcedure(s.t.platform.database.db, PROCEDURE.code)).legalBasis,
      PROCEDURE.legalBasis,
    );
    // Imported again, the rejected difference is not proposed again; nothing new differs in days.
    await post('/quan-tri/dvcqg/danh-muc', '/quan-tri/dvcqg/danh-muc/nhap');
    const again = await get('/quan-tri/dvcqg/danh-muc');
    assert.doesNotMatch(
      again.body,
      new RegExp(`data-procedure="${PROCEDURE.code}" data-aspect="(days|legal_basis)"`),
    );
  });

  it('when the procedure mapping is opened, then the national names closest to a local one are suggested', async () => {
    const page = await get('/quan-tri/dvcqg/thu-tuc');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`data-procedure="${PROCEDURE.code}" data-mapped="1.001193"`));
    // "Đăng ký khai sinh (thử nghiệm đồng bộ)" is nearest to the national "Đăng ký khai sinh".
    const li = page.body.slice(page.body.indexOf(`data-procedure="${PROCEDURE.code}"`));
    const first = /data-suggestion="([^"]+)"/.exec(li)?.[1];
    assert.equal(first, '1.001193');
  });

  it('when last month is reconciled, then counts here and at the portal are side by side, with the dossiers that differ', async () => {
    // One dossier never reached the portal: sync was held back by a fault.
    const lost = await submitOnline(s.t, n++);
    s.portal.faults.add({ kind: 'http-500', maHoSo: lost, untilCleared: true });
    await s.drain();
    s.portal.faults.clear();
    clock.advance(31 * 24 * 3600_000);
    const done = await post('/quan-tri/dvcqg/doi-soat', '/quan-tri/dvcqg/doi-soat', {
      place: COMMUNE_A,
      month: '2026-03',
    });
    assert.equal(done.statusCode, 303, done.body);
    const page = await get(String(done.headers.location));
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /data-status="1">(?:(?!<\/tr>)[\s\S])*data-here="2"(?:(?!<\/tr>)[\s\S])*data-portal="1"/,
    );
    assert.match(
      page.body,
      /data-status="6">(?:(?!<\/tr>)[\s\S])*data-here="1"(?:(?!<\/tr>)[\s\S])*data-portal="0"/,
    );
    assert.match(page.body, new RegExp(`data-difference="${statusTestCode}" data-reason="status_differs"`));
    assert.match(page.body, new RegExp(`data-difference="${lost}" data-reason="pending"`));
    assert.equal(s.portal.state.callsTo('TraCuuHoSo').at(-1)?.madonvi, MADONVI);
    const bad = await post('/quan-tri/dvcqg/doi-soat', '/quan-tri/dvcqg/doi-soat', {
      place: COMMUNE_A,
      month: '2026-13',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /tháng|Tháng/);
  });
});
