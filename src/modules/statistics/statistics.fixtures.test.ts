import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { getDossierRecord } from '#modules/dossiers/index.ts';
import { actAsReporter, createReport, feedbackDeps, handleReport } from '#modules/feedback/index.ts';
import { Conflict } from '#platform/errors.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { ctxFor } from '#test/support/outputs.ts';
import {
  computeIndex,
  type Indicator,
  NO_NATIONAL_FIGURES,
  nationalFigures,
  rules766,
  type Statistics,
  statisticsFor,
} from './index.ts';
import { type ProcedureCounts, ZERO_COUNTS } from './statistics.queries.ts';
import { type Office, openOffice, vn } from './statistics.test-support.ts';

/**
 * The Decision 766 fixtures F1–F4 of docs/rules-766-fixtures.md, computed by hand from the
 * portal's formula description (not from this code) and read from data/index-766/fixtures.json.
 * Every dossier, fee, result, rating and complaint is made through the modules' own functions, at
 * the time the fixture gives, then the statistics module counts them.
 */

const FIXTURES = JSON.parse(
  fs.readFileSync(new URL('../../../data/index-766/fixtures.json', import.meta.url), 'utf8'),
) as { fixtures: { id: string; expected: Record<string, Record<string, unknown>>; items?: unknown[] }[] };
const fixture = (prefix: string) => {
  const f = FIXTURES.fixtures.find((x) => x.id.startsWith(prefix));
  if (!f) throw new Error(`no fixture ${prefix}`);
  return f;
};

const indicator = (s: Statistics, key: string): Indicator => {
  const i = s.index.groups.flatMap((g) => g.indicators).find((x) => x.key === key);
  if (!i) throw new Error(`no indicator ${key}`);
  return i;
};
const group = (s: Statistics, key: string) => s.index.groups.find((g) => g.key === key);
const close = (actual: number | null | undefined, expected: number, what: string) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) < 0.005,
    `${what}: ${actual} ≠ ${expected}`,
  );

const MARCH = { place: COMMUNE_A, from: '2026-03-01', to: '2026-03-31' };

describe('F1: timeliness (2.1) and satisfaction in handling dossiers (5.4), dossiers made through the workflow', () => {
  const F1 = fixture('F1');
  let o: Office;
  const codes = new Map<string, string>();
  let secondRequest: unknown;
  /**
   * The fixture's hand-computed figures with T9 moved from late to on time: the one change the
   * one-supplement rule forces on the facts (T9 cannot be asked twice any more).
   */
  const e21 = F1.expected['2.1'] as { numerator: number; denominator: number; late: string[] };
  const e54 = F1.expected['5.4'] as { overdue: string[]; complaintOrDislike: string[] };
  const n = e21.denominator;
  const onTime = e21.numerator + 1;
  const overdue = e54.overdue.filter((id) => id !== 'T9').length;
  const faults = e54.complaintOrDislike.length;

  before(async () => {
    o = await openOffice('2026-02-20T08:00');
    await o.saveProcedures([
      { code: '9.100002', days: 2 },
      { code: '9.100004', days: 4 },
      { code: '9.100005', days: 5 },
      { code: '9.100008', days: 8 },
      { code: '9.100009', days: 9 },
      { code: '9.100019', days: 19 },
    ]);
    const counter = (id: string, days: number, when: string) =>
      o.file({ procedure: `9.1000${String(days).padStart(2, '0')}`, channel: 1, when }).then((c) => {
        codes.set(id, c);
        return c;
      });
    // T1: decided 5/3 16:00, returned, then a dislike ("không hài lòng").
    const t1 = await counter('T1', 4, '2026-03-02T08:00');
    await o.decide(t1, '2026-03-05T16:00');
    await o.giveBack(t1, '2026-03-05T16:30');
    await o.rateIt(t1, '2026-03-05T17:00', 1);
    // T2: decided after its due time.
    const t2 = await counter('T2', 2, '2026-03-02T09:00');
    await o.decide(t2, '2026-03-05T10:00');
    // T3: filed online 3/3, refused by the desk 4/3, and the applicant complains about it.
    const t3 = await o.file({ procedure: '9.100005', channel: 2, when: '2026-03-03T10:00' });
    codes.set('T3', t3);
    await o.step(t3, '2026-03-04T09:00', 'refuse', { note: 'Không thuộc thẩm quyền của xã.' });
    await o.complain(t3, '2026-03-04T10:00');
    // T4: withdrawn by the applicant after its due time.
    const t4 = await counter('T4', 4, '2026-03-09T08:00');
    await o.step(t4, '2026-03-16T09:00', 'withdraw');
    // T5: stopped by the approver.
    const t5 = await counter('T5', 8, '2026-03-10T08:00');
    await o.step(t5, '2026-03-12T15:00', 'stop', { note: 'Người nộp đề nghị dừng.' });
    // T6 and T7: still in progress at the end of March, T6 within term, T7 past it.
    await counter('T6', 9, '2026-03-23T08:00');
    await counter('T7', 19, '2026-03-02T08:00');
    // T8: one supplement asked 18/3 10:00, the applicant not back.
    const t8 = await counter('T8', 4, '2026-03-16T08:00');
    await o.step(t8, '2026-03-16T09:00', 'assign');
    await o.step(t8, '2026-03-18T10:00', 'request_supplement');
    // T9: the fixture asks for a second supplement on 9/3, which would make it late whatever its
    // decision time. The dossiers module refuses a second request after receipt (issue 12 item 5,
    // the same rule); the refusal is asserted below, and T9 stays a dossier with one supplement,
    // decided within its due time: on time.
    const t9 = await counter('T9', 9, '2026-03-02T08:00');
    await o.step(t9, '2026-03-02T09:00', 'assign');
    await o.step(t9, '2026-03-04T10:00', 'request_supplement');
    await o.step(t9, '2026-03-05T09:00', 'supplement_received');
    secondRequest = await o.step(t9, '2026-03-09T10:00', 'request_supplement').catch((e: unknown) => e);
    await o.decide(t9, '2026-03-12T16:00');
    // T10: one supplement of 6 days 0 h, decided 11/3 16:00.
    const t10 = await counter('T10', 4, '2026-03-02T08:00');
    await o.step(t10, '2026-03-02T09:00', 'assign');
    await o.step(t10, '2026-03-03T10:00', 'request_supplement');
    await o.step(t10, '2026-03-09T10:00', 'supplement_received');
    await o.decide(t10, '2026-03-11T16:00');
    o.at('2026-04-15T09:00');
  });
  after(() => o.close());

  it('when the dossiers were received, then their appointments are the fixture’s (the clock counts from the day after receipt)', async () => {
    const due: Record<string, string> = {
      T1: '2026-03-06T17:00',
      T2: '2026-03-04T17:00',
      T4: '2026-03-13T17:00',
      T5: '2026-03-20T17:00',
      T6: '2026-04-03T17:00',
      T7: '2026-03-27T17:00',
      T8: '2026-03-20T17:00',
    };
    for (const [id, at] of Object.entries(due)) {
      const d = await getDossierRecord(o.t.platform.database.db, { code: codes.get(id) ?? '' });
      assert.equal(d.dueAt?.toISOString(), vn(at).toISOString(), id);
    }
  });

  it('when T9 is asked for a second supplement, then the dossiers module refuses it, naming the rule', () => {
    assert.ok(secondRequest instanceof Conflict, String(secondRequest));
    assert.match(secondRequest.detail.vi, /chỉ được yêu cầu bổ sung một lần/);
  });

  it('when March is asked for, then 2.1 is 7/10 = 14 points and 5.4 is 50 % = 3.33 points (the fixture with T9 on time)', async () => {
    const s = await statisticsFor(o.admin.ctx, MARCH);
    const i21 = indicator(s, '2_1');
    assert.deepEqual([i21.numerator, i21.denominator], [onTime, n]);
    assert.deepEqual([onTime, n], [7, 10]);
    close(i21.rate, 0.7, '2.1 rate');
    close(i21.points, 20 * 0.7, '2.1 points');
    assert.equal(i21.threshold, null);
    const i54 = indicator(s, '5_4');
    assert.equal(i54.denominator, n);
    close(i54.detail?.overdueShare, overdue / n, 'overdue share');
    close(i54.detail?.complaintOrDislikeShare, faults / n, 'complaint or dislike share');
    close(i54.rate, 1 - (overdue + faults) / n, '5.4 rate');
    close(i54.rate, 0.5, '5.4 rate');
    close(i54.points, (6 * 0.5) / 0.9, '5.4 points');
    assert.equal(i54.threshold, 0.9);
  });

  it('when T2 is also disliked, then 5.4 subtracts both shares (the reading chosen): 40 % = 2.67; counting dossiers once would give 50 %', async () => {
    assert.equal(rules766.SATISFACTION_FAULTS, 'sum-of-shares');
    const t2 = codes.get('T2') ?? '';
    await o.giveBack(t2, '2026-03-05T11:00');
    await o.rateIt(t2, '2026-03-05T12:00', 1);
    o.at('2026-04-15T09:00');
    const s = await statisticsFor(o.admin.ctx, MARCH);
    // The fixture's variant (sum 30 %, union 40 %) with T9 on time: one overdue fewer in both.
    const variant = (
      F1 as unknown as { variant: { sumReading: { rate: number }; unionReading: { rate: number } } }
    ).variant;
    const i54 = indicator(s, '5_4');
    close(i54.rate, variant.sumReading.rate + 1 / n, '5.4 rate, sum of shares');
    close(i54.rate, 1 - (overdue + faults + 1) / n, '5.4 rate, sum of shares (T2 counted twice)');
    close(i54.points, (6 * 0.4) / 0.9, '5.4 points, sum of shares');
    // The other reading, from the same dossiers: T2, T4, T7 overdue, T1, T2, T3 disliked or
    // complained about: 5 dossiers with any fault, once each.
    close(variant.unionReading.rate + 1 / n, 1 - 5 / n, 'union reading');
    close(indicator(s, '2_1').rate, 0.7, '2.1 unchanged');
  });
});

describe('F2: digitisation (4.1, 4.2, 4.3) and the online share (3.3), dossiers made through the workflow', () => {
  const F2 = fixture('F2');
  let o: Office;

  before(async () => {
    o = await openOffice('2026-02-20T08:00');
    await o.saveProcedures([
      { code: '9.200001', days: 5, result: 'paper' },
      { code: '9.200002', days: 5, result: 'data' },
    ]);
    const rows: [string, boolean, 1 | 2 | 3, boolean, boolean][] = [
      // id, paper, channel, electronic result, components digitised
      ['E1', true, 2, true, true],
      ['E2', true, 2, false, true],
      ['E3', true, 1, true, true],
      ['E4', true, 1, false, false],
      ['E5', true, 3, true, true],
      ['E6', false, 2, false, true],
      ['E7', false, 1, false, true],
      ['E8', false, 1, false, false],
      ['E9', true, 2, true, true],
      ['E10', true, 1, true, false],
    ];
    let day = 2;
    for (const [, paper, channel, electronic, scan] of rows) {
      const d = String(day++).padStart(2, '0');
      const code = await o.file({
        procedure: paper ? '9.200001' : '9.200002',
        channel,
        when: `2026-03-${d}T08:00`,
        scan,
      });
      if (channel === 2) await o.step(code, `2026-03-${d}T08:30`, 'receive');
      await o.decide(code, `2026-03-${d}T15:00`);
      if (electronic) await o.sign(code, `2026-03-${d}T15:30`);
      await o.giveBack(code, `2026-03-${d}T16:00`);
    }
    o.at('2026-04-15T09:00');
  });
  after(() => o.close());

  it('when March is asked for, then 4.1 is 5/7, 4.2 is 6/10 and 3.3 is 3/10 locally, 0 as the portal sees it', async () => {
    const s = await statisticsFor(o.admin.ctx, MARCH);
    const e = F2.expected as Record<string, Record<string, number>>;
    const i41 = indicator(s, '4_1');
    assert.deepEqual([i41.numerator, i41.denominator], [e['4.1']?.numerator, e['4.1']?.denominator]);
    close(i41.points, (6 * 5) / 7, '4.1 points');
    const i42 = indicator(s, '4_2');
    assert.deepEqual([i42.numerator, i42.denominator], [e['4.2']?.numerator, e['4.2']?.denominator]);
    // The reading chosen: the portal's published scores (4 × rate), not the description's 80 %.
    assert.equal(rules766.DIGITISED_SCORING, 'linear');
    close(i42.points, e['4.2']?.pointsObservedPortal ?? Number.NaN, '4.2 points as the portal scores');
    const i33 = indicator(s, '3_3');
    const e33 = e['3.3'] as Record<string, number>;
    assert.deepEqual([i33.numerator, i33.denominator], [e33.numerator, e33.denominator]);
    close(i33.detail?.local, e33.rateLocal ?? Number.NaN, '3.3 local rate');
    close(i33.detail?.syncRate, e33.syncRate ?? Number.NaN, '3.3 sync rate');
    close(i33.rate, e33.ratePortal ?? Number.NaN, '3.3 as the portal sees it');
    close(i33.detail?.direct, e33.shareDirect ?? Number.NaN, 'direct share');
    close(i33.detail?.postal, e33.sharePostal ?? Number.NaN, 'postal share');
    close(i33.detail?.localThresholdShare, e33.normalisedLocal ?? Number.NaN, 'share of the maximum');
    assert.equal(i33.points, null, '3.3 has no published maximum: no points');
    assert.equal(group(s, 'online')?.points, null);
  });

  it('when no dossier can mark a component as reused data yet, then 4.3 is 0/10; with the fixture’s 3 reused it scores 0.75 (threshold 80 %)', async () => {
    const s = await statisticsFor(o.admin.ctx, MARCH);
    const i43 = indicator(s, '4_3');
    assert.deepEqual([i43.numerator, i43.denominator, i43.points], [0, 10, 0]);
    const e43 = (F2.expected as Record<string, Record<string, number>>)['4.3'];
    // The same arithmetic on the fixture's reuse flags (E1, E3, E6), through the same function.
    const x = computeIndex(inputs([counts({ received: 10, reused: e43?.numerator ?? 0 })]));
    const r = x.groups.flatMap((g) => g.indicators).find((i) => i.key === '4_3');
    close(r?.rate, e43?.rate ?? Number.NaN, '4.3 rate');
    close(r?.points, e43?.points ?? Number.NaN, '4.3 points');
  });
});

/** One procedure's counts, zero but for `over` (for the pure function's arithmetic). */
function counts(over: Partial<ProcedureCounts>): ProcedureCounts {
  return { procedureCode: '9.999999', ...ZERO_COUNTS, ...over };
}

function inputs(procedures: ProcedureCounts[]) {
  const none = { numerator: 0, denominator: 0 };
  return {
    procedures,
    catalogue: [],
    feedback: { classified: none, onTime: none, satisfied: none },
    national: NO_NATIONAL_FIGURES,
  };
}

describe('F3: online payment (3.5, 3.5b, 3.6) and transparency (1.3, 1.4), fees paid through the payments module', () => {
  const F3 = fixture('F3');
  let o: Office;

  before(async () => {
    o = await openOffice('2026-02-20T08:00');
    // 20 procedures the commune applies: 5 with fees (F-e costs nothing online), 2 missing their documents.
    await o.saveProcedures([
      { code: '9.300001', days: 5, fee: 5000 },
      { code: '9.300002', days: 5, fee: 8000 },
      { code: '9.300003', days: 5, fee: 10000 },
      { code: '9.300004', days: 5, fee: 20000 },
      { code: '9.300005', days: 5, fee: 10000, onlineFee: 0 },
      ...Array.from({ length: 15 }, (_, i) => ({
        code: `9.3001${String(i).padStart(2, '0')}`,
        days: 5,
        noDocuments: i < 2,
      })),
    ]);
    let n = 0;
    const when = () => {
      n++;
      return `2026-03-${String(2 + (n % 20)).padStart(2, '0')}T${String(8 + (n % 8)).padStart(2, '0')}:00`;
    };
    const counter = (procedure: string, method?: 'cash' | 'transfer' | null) => {
      const w = when();
      return o.file({ procedure, channel: 1, when: w }).then(async (code) => {
        if (method) await o.pay(code, w.replace(':00', ':30'), method);
        return code;
      });
    };
    // F-a: 4 paid online, 1 in cash. F-b: 2 online, 1 unpaid. F-c: 2 cash, 2 unpaid. F-d: 4 cash.
    for (const [proc, plan] of [
      ['9.300001', ['transfer', 'transfer', 'transfer', 'transfer', 'cash']],
      ['9.300002', ['transfer', 'transfer', null]],
      ['9.300003', ['cash', 'cash', null, null]],
      ['9.300004', ['cash', 'cash', 'cash', 'cash']],
    ] as const) {
      for (const method of plan) await counter(proc, method);
    }
    // F-e: 4 filed online, where its fee is 0: every fee line is 0.
    for (let i = 0; i < 4; i++) await o.file({ procedure: '9.300005', channel: 2, when: when() });
    // 5 dossiers of procedures without fees.
    for (let i = 0; i < 5; i++) await counter(`9.3001${String(i + 2).padStart(2, '0')}`);
    o.at('2026-04-15T09:00');
  });
  after(() => o.close());

  it('when March is asked for, then 3.5 is 0, 3.5b 2/5 = 1.00, 3.6 6/16 = 2.25: the group 3.25; 1.4 is 0/25 and 1.3 18/20 = 1.80', async () => {
    const s = await statisticsFor(o.admin.ctx, MARCH);
    const e = F3.expected as Record<string, Record<string, number>>;
    for (const [key, id] of [
      ['3_5', '3.5'],
      ['3_5b', '3.5b'],
      ['3_6', '3.6'],
      ['1_4', '1.4'],
      ['1_3', '1.3'],
    ] as const) {
      const i = indicator(s, key);
      const x = e[id] as Record<string, number>;
      assert.deepEqual([i.numerator, i.denominator], [x.numerator, x.denominator], id);
      close(i.rate, x.rate ?? Number.NaN, `${id} rate`);
      close(i.points, x.points ?? Number.NaN, `${id} points`);
    }
    close(
      group(s, 'payment')?.points,
      (e.paymentGroup as Record<string, number>).points ?? Number.NaN,
      'payment group',
    );
    assert.equal(group(s, 'payment')?.maxAvailable, 10);
    assert.ok(indicator(s, '1_4').notes.includes('sync'));
    assert.equal(s.dossiers.received, 25);
  });

  it('when the national figures are asked for, then every one is 0: sync is off for the commune and no VNeID sign-in exists yet', async () => {
    const n = await nationalFigures(
      { db: o.t.platform.database.db },
      {
        path: o.t.places.a.path,
        from: vn('2026-03-01T00:00'),
        to: vn('2026-04-01T00:00'),
        now: vn('2026-04-15T00:00'),
      },
    );
    assert.deepEqual(Object.values(n), [0, 0, 0, 0, 0]);
  });
});

describe('F4: feedback handled on time (5.2) and satisfaction with its handling (5.3), on the province calendar', () => {
  const F4 = fixture('F4');
  const e = F4.expected as Record<string, Record<string, number>>;
  const items = F4.items as Record<string, string | null>[];
  const APRIL = { place: COMMUNE_A, from: '2026-04-01', to: '2026-04-30' };

  /**
   * The five reports K1–K5 made and handled through the feedback module at the fixture's dates
   * (09:00 each day): K1 refused, K2 asked for more information, K3–K5 accepted, K3 and K5
   * answered and published, then rated (K5: a dislike). The feedback module sets each stage's
   * deadline on the province's calendar when the stage begins.
   */
  async function makeReports(o: Office) {
    const deps = feedbackDeps(o.t.platform);
    const citizen = ctxFor(o.t, { kind: 'anonymous' });
    const staff = (cmd: Parameters<typeof handleReport>[3]) => (id: number) =>
      handleReport(o.handler.ctx, deps, id, cmd);
    for (const k of items) {
      o.at(`${k.submittedAt}T09:00`);
      const { report } = await createReport(
        citizen,
        {
          categoryCode: 'roads',
          placeCode: COMMUNE_A,
          description: `Phản ánh ${k.id}: đường vào bản bị sạt lở.`,
        },
        { channel: 'web' },
      );
      const steps: [string | null | undefined, (id: number) => Promise<unknown>][] = [
        [k.refusedAt, staff({ type: 'refuse', body: 'Nội dung không thuộc phạm vi giải quyết của xã.' })],
        [
          k.moreInfoRequestedAt,
          staff({ type: 'request_info', body: 'Xin cho biết đoạn đường sạt lở ở thôn nào?' }),
        ],
        [k.acceptedAt, staff({ type: 'acknowledge' })],
        [k.answeredAt, staff({ type: 'reply', body: 'Xã đã cử người khắc phục đoạn đường sạt lở.' })],
        [k.publishedAt, staff({ type: 'publish', photos: false })],
      ];
      for (const [day, run] of steps) {
        if (!day) continue;
        o.at(`${day}T09:00`);
        await run(report.id);
      }
      if (k.rating) {
        o.at(`${k.publishedAt}T10:00`);
        await actAsReporter(citizen, report.token, { type: 'rate', rating: k.rating === 'like' ? 5 : 1 });
      }
    }
    o.at('2026-05-10T09:00');
  }

  describe('on the calendar of the official days off (27/4 and 30/4 off)', () => {
    let o: Office;
    before(async () => {
      o = await openOffice('2026-03-31T08:00');
      await makeReports(o);
    });
    after(() => o.close());

    it('when April is asked for, then 5.2 is 4/5 = 4.80 (K2 late, K4 within term) and 5.3 2/3 = 4.00 (K5 disliked)', async () => {
      const s = await statisticsFor(o.admin.ctx, APRIL);
      const i52 = indicator(s, '5_2');
      const i53 = indicator(s, '5_3');
      assert.deepEqual(
        [i52.numerator, i52.denominator, i53.numerator, i53.denominator],
        [e['5.2']?.numerator, e['5.2']?.denominator, e['5.3']?.numerator, e['5.3']?.denominator],
      );
      close(i52.points, e['5.2']?.points ?? NaN, '5.2 points');
      close(i53.points, e['5.3']?.points ?? NaN, '5.3 points');
    });
  });

  describe('when the province works 27/4 and 30/4 (its own override)', () => {
    let o: Office;
    before(async () => {
      o = await openOffice('2026-03-31T08:00');
      const cookie = await o.t.signIn('st_admin');
      const { csrf, cookie: c } = await o.t.formToken('/quan-tri/mot-cua/lich', cookie);
      const saved = await o.t.app.inject({
        method: 'POST',
        url: '/quan-tri/mot-cua/lich',
        headers: { cookie: c, accept: 'text/html' },
        payload: {
          _csrf: csrf,
          year: '2026',
          add: '',
          remove: '2026-04-27\n2026-04-30',
          workingDays: '',
          note: 'Thử nghiệm',
        },
      });
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      await makeReports(o);
    });
    after(() => o.close());

    it('then K4 is late (its 15 working days end 28/4): 5.2 is 3/5 and 5.3 1/3, the calendar matters', async () => {
      const s = await statisticsFor(o.admin.ctx, APRIL);
      const i52 = indicator(s, '5_2');
      const i53 = indicator(s, '5_3');
      assert.deepEqual([i52.numerator, i52.denominator, i53.numerator, i53.denominator], [3, 5, 1, 3]);
    });
  });

  it('when there is no feedback, then 5.2 and 5.3 score 6 each, as the portal’s published scores do', async () => {
    assert.equal(rules766.NO_FEEDBACK_POINTS, 'full');
    const x = computeIndex(inputs([]));
    const s = x.groups.find((g) => g.key === 'satisfaction')?.indicators ?? [];
    assert.deepEqual(
      s.filter((i) => i.key === '5_2' || i.key === '5_3').map((i) => i.points),
      [F4.expected.noFeedback?.points52, F4.expected.noFeedback?.points53],
    );
  });
});
