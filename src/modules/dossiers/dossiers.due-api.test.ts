import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveProcedure } from '#modules/procedures/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import {
  APPLICANT,
  actApi,
  apiSubmit,
  created,
  setupDossiers,
  TEST_PROCEDURE,
} from './dossiers.test-support.ts';

/**
 * `GET /api/v1/calendar/due` (the calendar module) answers the due time a dossier received at that
 * instant gets here: the same function (`statutoryDue`) on the same province calendar. Each case
 * files and receives a real dossier, then asks the API.
 */
describe('the public due-time API agrees with the dossiers clock', () => {
  let t: TestApp;
  let desk: string;
  let provinceAdmin: string;
  const clock = fixedClock(new Date('2025-12-31T03:00:00Z'));
  let n = 0;

  before(async () => {
    t = await createTestApp({ clock });
    const { adminCtx } = await setupDossiers(t);
    await saveProcedure(adminCtx, { ...TEST_PROCEDURE, code: '9.000003', days: 0 });
    await saveProcedure(adminCtx, { ...TEST_PROCEDURE, code: '9.000004', days: 30, daysUnit: 'calendar' });
    desk = await t.token('desk_a');
    provinceAdmin = await t.signIn('dp_admin');
  });
  after(() => t.close());

  /** A dossier of `procedureCode` received at `local` (Vietnam time): its stored due time and its receipt. */
  const receivedAt = async (local: string, procedureCode = TEST_PROCEDURE.code) => {
    clock.set(new Date(`${local}:00+07:00`));
    n++;
    const code = created(
      await apiSubmit(t, {
        key: `due-api-key-${String(n).padStart(9, '0')}`,
        procedureCode,
        applicant: { ...APPLICANT, phone: `09120004${String(n).padStart(2, '0')}` },
      }),
    ).code;
    const r = await actApi(t, desk, code, { type: 'receive' });
    assert.equal(r.statusCode, 200, r.body);
    return { due: r.json().dueAt as string, received: clock.now().toISOString() };
  };
  const api = async (query: string) => {
    const res = await t.app.inject({ url: `/api/v1/calendar/due?${query}` });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { dueAt: string; dueAtLocal: string };
  };

  it('when received on New Year’s Eve 2025 with 3 days, then both say Wed 7 Jan 2026 17:00 (2 Jan off, 12729/VPCP-KGVX)', async () => {
    const d = await receivedAt('2025-12-31T10:00');
    const a = await api(`province=20&received=${encodeURIComponent('2025-12-31T10:00:00+07:00')}&days=3`);
    assert.equal(d.due, '2026-01-07T10:00:00.000Z');
    assert.equal(a.dueAt, d.due);
    assert.equal(a.dueAtLocal, '2026-01-07T17:00:00+07:00');
  });

  it('when a same-day procedure is received at 15:30, then both apply the cut-off: the next working day, across 30 Apr – 3 May 2026', async () => {
    const d = await receivedAt('2026-04-29T15:30', '9.000003');
    const a = await api(`province=20&received=${encodeURIComponent(d.received)}&days=0`);
    assert.equal(d.due, '2026-05-04T10:00:00.000Z');
    assert.equal(a.dueAt, d.due);
  });

  it('when a procedure counts calendar days (30), then the API with unit=calendar gives the dossier’s due time', async () => {
    const d = await receivedAt('2026-03-02T10:00', '9.000004');
    const a = await api(`province=20&received=${encodeURIComponent(d.received)}&days=30&unit=calendar`);
    assert.equal(d.due, '2026-04-01T10:00:00.000Z');
    assert.equal(a.dueAt, d.due);
  });

  it('when the province declares a day off, then its dossiers and the API for it move alike, and another province’s answer does not', async () => {
    const { csrf, cookie } = await t.formToken('/quan-tri/mot-cua/lich', provinceAdmin);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/quan-tri/mot-cua/lich',
      headers: { cookie, accept: 'text/html' },
      payload: { _csrf: csrf, year: '2026', add: '2026-06-10', remove: '', workingDays: '', note: 'Thử' },
    });
    assert.equal(saved.statusCode, 303, saved.body);
    const d = await receivedAt('2026-06-08T09:00'); // Mon; Wed 10 Jun off in Lạng Sơn
    const received = encodeURIComponent(d.received);
    assert.equal(d.due, '2026-06-12T10:00:00.000Z');
    assert.equal((await api(`province=20&received=${received}&days=3`)).dueAt, d.due);
    assert.equal((await api(`province=04&received=${received}&days=3`)).dueAt, '2026-06-11T10:00:00.000Z');
    assert.equal((await api(`received=${received}&days=3`)).dueAt, '2026-06-11T10:00:00.000Z', 'national');
  });

  it('when the query is wrong, then 400 field by field in both languages; an unknown province 404', async () => {
    const bad = await t.app.inject({ url: '/api/v1/calendar/due?province=2&received=yesterday&days=-1' });
    assert.equal(bad.statusCode, 400);
    const fields = bad
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort();
    assert.deepEqual(fields, ['querystring.days', 'querystring.province', 'querystring.received']);
    assert.ok(bad.json().errors.every((e: { vi: string; en: string }) => e.vi && e.en && e.vi !== e.en));
    const unknown = await t.app.inject({
      url: `/api/v1/calendar/due?province=99&received=${encodeURIComponent('2026-03-02T09:00:00+07:00')}&days=1`,
    });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json().messages.vi, /Không có tỉnh mã 99/);
  });
});
