import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { act } from '#modules/dossiers/index.ts';
import { COMMUNE_A, COMMUNE_B, PROVINCE } from '#test/support/app.ts';
import { staffOf } from '#test/support/outputs.ts';
import { type Indicator, type Statistics, statisticsFor } from './index.ts';
import { type Office, openOffice } from './statistics.test-support.ts';

/**
 * Hand-computed fixtures, every dossier made through the dossiers module's functions at the time
 * given (the app's clock). Period: 1–30 November 2026 (Vietnam dates); now: 5 December 2026.
 * P1 takes 3 working days, P3 2, P4 4 (due at 17:00 of the last one, counted from the day after
 * receipt). Commune A:
 *  #1 online, P1, filed 2/11 09:00, received 10:00, due 5/11 17:00, decided 4/11 10:00 → early, 2.0 days
 *  #2 counter, P1, with a scanned file, filed 3/11 08:30, received 09:00, due 6/11 17:00, decided 6/11 10:00 → on time, 3.0417 days
 *  #3 counter, P3, filed 10/11 08:30, received 09:00, due 12/11 17:00, decided 13/11 09:00 → late, 3.0 days
 *  #4 post, P1, filed and received 20/11 09:00, due 25/11 (26/11 if 24/11 is a day off), still open → overdue now
 *  #5 online, P4, filed 28/10 08:00 (before the period), received 09:00, due 3/11 17:00, decided 2/11 15:00 → early, 5.25 days
 *  #6 online, P1, filed 1/12: outside the period
 *  #8 counter, P3, filed 15/11 08:00, refused by the desk: received, never decided, not overdue
 * Commune B: #7 online, P1, filed 5/11 08:00, received 09:00, due 10/11 17:00, decided 6/11 10:00 → early
 *
 * A, November, general figures: received 5 (counter 3, online 1, post 1); decided 4 (early 2, on
 * time 1, late 1) → 3/4; average (2 + 3.0417 + 3 + 5.25) / 4 = 3.3229 days; overdue now 1.
 *
 * A, November, the index (docs/rules.md § Statistics): received and handled in the period
 * {#1, #2, #3, #4, #5, #8} = 6, late {#3, #4} → 2.1 = 4/6 → 20 × 4/6 = 13.3333. No rating nor
 * complaint: 5.4 = 1 − 2/6 = 66.67 % → 6 × 0.6667 ÷ 0.9 = 4.4444; no feedback: 5.2 = 5.3 = 6 →
 * satisfaction 16.4444. The three procedures list their documents: 1.3 = 3/3 → 2; nothing synced:
 * 1.4 = 0/5 → 0; transparency 2 of 8. No fee anywhere: the payment group has no data. Decided
 * with a result {#1, #2, #3}, none signed electronically: 4.1 = 0/3, 4.2 = 0/3; 4.3, 4.4, 4.5b
 * 0/5, 4.5a 0/3: digitisation 0 of 20. Online service: rates only. Total 2 + 13.3333 + 16.4444 + 0
 * = 31.78 of 8 + 20 + 18 + 20 = 66.
 */

describe('statistics of the one-stop shop, against hand-computed fixtures', () => {
  let o: Office;

  before(async () => {
    o = await openOffice('2026-10-20T08:00');
    await o.saveProcedures([
      { code: '9.000766', days: 3 },
      { code: '9.000767', days: 2 },
      { code: '9.000768', days: 4 },
    ]);
    const [P1, P3, P4] = ['9.000766', '9.000767', '9.000768'];
    const online = async (procedure: string, filed: string, received: string, unitCode?: string) => {
      const code = await o.file({ procedure, channel: 2, when: filed, ...(unitCode ? { unitCode } : {}) });
      if (!unitCode) await o.step(code, received, 'receive');
      return code;
    };
    const d1 = await online(P1, '2026-11-02T09:00', '2026-11-02T10:00');
    await o.decide(d1, '2026-11-04T10:00');
    const d2 = await o.file({
      procedure: P1,
      channel: 1,
      when: '2026-11-03T08:30',
      scan: true,
      receiveNow: false,
    });
    await o.step(d2, '2026-11-03T09:00', 'receive');
    await o.decide(d2, '2026-11-06T10:00');
    const d3 = await o.file({ procedure: P3, channel: 1, when: '2026-11-10T08:30', receiveNow: false });
    await o.step(d3, '2026-11-10T09:00', 'receive');
    await o.decide(d3, '2026-11-13T09:00');
    const d4 = await o.file({ procedure: P1, channel: 3, when: '2026-11-20T09:00' });
    await o.step(d4, '2026-11-20T10:00', 'assign');
    const d5 = await online(P4, '2026-10-28T08:00', '2026-10-28T09:00');
    await o.decide(d5, '2026-11-02T15:00');
    await o.file({ procedure: P1, channel: 2, when: '2026-12-01T08:00' });
    const d8 = await o.file({ procedure: P3, channel: 1, when: '2026-11-15T08:00', receiveNow: false });
    await o.step(d8, '2026-11-15T08:30', 'refuse', { note: 'Hồ sơ không thuộc thẩm quyền của xã.' });
    // Commune B, by its own staff.
    const d7 = await online(P1, '2026-11-05T08:00', '', COMMUNE_B);
    const deskB = await staffOf(o.t, 'st_desk_b', 'receptionist', COMMUNE_B);
    const specB = await staffOf(o.t, 'st_spec_b', 'specialist', COMMUNE_B);
    const leadB = await staffOf(o.t, 'st_lead_b', 'approver', COMMUNE_B);
    o.at('2026-11-05T09:00');
    await act(deskB.ctx, o.deps, d7, { type: 'receive' });
    o.at('2026-11-06T10:00');
    await act(deskB.ctx, o.deps, d7, { type: 'assign', assigneeId: specB.id });
    await act(specB.ctx, o.deps, d7, { type: 'submit_for_approval' });
    await act(leadB.ctx, o.deps, d7, { type: 'approve' });
    o.at('2026-12-05T10:00');
  });
  after(() => o.close());

  const indicator = (s: Statistics, key: string): Indicator | undefined =>
    s.index.groups.flatMap((g) => g.indicators).find((i) => i.key === key);

  it('when commune A is asked for November, then every general figure is the hand-computed one', async () => {
    const s = await statisticsFor(o.admin.ctx, { place: COMMUNE_A, from: '2026-11-01', to: '2026-11-30' });
    const d = s.dossiers;
    assert.deepEqual(
      [d.received, d.channel1, d.channel2, d.channel3, d.decided, d.early, d.onTime, d.late, d.overdueOpen],
      [5, 3, 1, 1, 4, 2, 1, 1, 1],
    );
    assert.ok(Math.abs((d.avgDays ?? 0) - 13.2916667 / 4) < 1e-6, String(d.avgDays));
    assert.equal(s.decidedOnTime.value, 0.75);
  });

  it('when commune A is asked for November, then the index is the hand-computed one: 31.78 of 66', async () => {
    const s = await statisticsFor(o.admin.ctx, { place: COMMUNE_A, from: '2026-11-01', to: '2026-11-30' });
    const i21 = indicator(s, '2_1');
    assert.deepEqual([i21?.numerator, i21?.denominator], [4, 6]);
    const points = Object.fromEntries(
      s.index.groups.map((g) => [g.key, g.points === null ? null : Math.round(g.points * 1e4) / 1e4]),
    );
    assert.deepEqual(points, {
      transparency: 2,
      timeliness: 13.3333,
      online: null,
      payment: null,
      satisfaction: 16.4444,
      digitisation: 0,
    });
    assert.equal(s.index.total.toFixed(2), '31.78');
    assert.equal(s.index.maxAvailable, 66);
  });

  it('when the province is asked, then commune B is added', async () => {
    const s = await statisticsFor(o.admin.ctx, { place: PROVINCE, from: '2026-11-01', to: '2026-11-30' });
    assert.deepEqual(
      [s.dossiers.received, s.dossiers.channel2, s.dossiers.decided, s.dossiers.early],
      [6, 2, 5, 3],
    );
  });

  it('when a period has no dossier, then dossier rates are empty rather than zero; only the portal’s rules for empty periods score', async () => {
    const s = await statisticsFor(o.admin.ctx, { place: COMMUNE_A, from: '2025-01-01', to: '2025-01-31' });
    assert.equal(s.decidedOnTime.value, null);
    for (const key of ['2_1', '3_3', '3_6', '4_1', '4_2', '4_3', '1_4'])
      assert.equal(indicator(s, key)?.rate, null, key);
    const byKey = Object.fromEntries(s.index.groups.map((g) => [g.key, g.points]));
    assert.equal(byKey.timeliness, null);
    assert.equal(byKey.payment, null);
    // No feedback: 5.2 and 5.3 full; no dossier: 5.4 zero (as the portal's published scores do).
    assert.deepEqual(
      ['5_2', '5_3', '5_4'].map((k) => indicator(s, k)?.points),
      [6, 6, 0],
    );
  });

  it('when the page and the CSV are asked for, then the charts are SVG drawn on the server and the CSV carries every sub-indicator', async () => {
    const cookie = await o.t.signIn('st_admin');
    const page = await o.t.app.inject({
      url: `/quan-tri/thong-ke?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg[^>]+role="img"/);
    assert.doesNotMatch(page.body, /<script/);
    assert.match(page.body, /data-total="true">31\.78</);
    const csv = await o.t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const lines = csv.body.split('\r\n');
    assert.equal(
      lines[0],
      '\uFEFFchi_tieu,ten,gia_tri,tu_so,mau_so,cong_thuc,nguong,diem,diem_toi_da,ghi_chu',
    );
    assert.match(csv.body, /\r\nty_le_dung_han,Tỷ lệ giải quyết trước và đúng hạn \(%\),75\.00,3,4,/);
    assert.match(
      csv.body,
      /\r\nchi_so_2_1,"2\.1 Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn \(%\)",66\.67,4,6,"Hồ sơ đã và đang xử lý trong hạn[^"]*",,13\.33,20,\r\n/,
    );
    assert.match(csv.body, /\r\nchi_so_5_4,"5\.4 [^"]*",66\.67,4,6,"[^"]*",90\.00,4\.44,6,/);
    assert.match(csv.body, /\r\ndiem_tong,Tổng điểm \(trên 66 điểm có dữ liệu\),31\.78,/);
    for (const line of lines.filter(Boolean)) assert.equal(parseCsvLine(line).length, 10, line);
  });

  it("when staff of commune B asks for commune A, then 403; A's own desk sees A", async () => {
    await staffOf(o.t, 'st_b', 'receptionist', COMMUNE_B);
    const cookie = await o.t.signIn('st_b');
    const res = await o.t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(res.statusCode, 403);
    const own = await o.t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie: await o.t.signIn('st_desk') },
    });
    assert.equal(own.statusCode, 200);
  });
});

/** A CSV line's cells (RFC 4180 quoting), to check every row has every column. */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}
