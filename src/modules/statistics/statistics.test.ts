import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { saveProcedure } from '#modules/procedures/index.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { OUTPUT_PROCEDURE, staffOf } from '#test/support/outputs.ts';
import { computeStatistics, statisticsFor } from './index.ts';

/**
 * Hand-computed fixtures. Period: 1–30 November 2026 (Vietnam dates); now: 5 December 2026.
 * Commune A:
 *  #1 online, P1 (verified), received 2/11 10:00, due 5/11 17:00, decided 4/11 10:00 → early, 2.0 days
 *  #2 counter, P1, with a scanned file, received 3/11 09:00, due 6/11 17:00, decided 6/11 10:00 → on time, 3.0417 days
 *  #3 counter, P2, received 10/11 09:00, due 12/11 17:00, decided 13/11 09:00 → late, 3.0 days
 *  #4 post, P2, received 20/11, due 25/11 17:00, still open → overdue now
 *  #5 online, P2, received 28/10 09:00 (before the period), due 3/11 17:00, decided 2/11 15:00 → early, 5.25 days
 *  #6 online, P1, submitted 1/12: outside the period
 *  #8 counter, P2, submitted 15/11, refused: received, never decided, not overdue
 * Commune B: #7 online, P1, received 5/11 09:00, due 8/11 17:00, decided 6/11 10:00 → early
 *
 * A, November: received 5 (counter 3, online 1, post 1); online rate 1/5; transparent (P1) 2/5;
 * digitised (online or scanned) 2/5; decided 4 (early 2, on time 1, late 1) → on time 3/4; average
 * (2 + 3.0417 + 3 + 5.25) / 4 = 3.3229 days; overdue open 1. Fees paid in November: 3, by transfer
 * 2 → 2/3. Ratings in November: 4, 3, 2, 1, 4 → satisfied 3/5.
 * Scores: 18·0.4 = 7.2; 20·0.75 = 15; 12·0.2 = 2.4; 10·2/3 = 6.67; 18·0.6 = 10.8; 22·0.4 = 8.8 → 50.87.
 */

const P1 = { ...OUTPUT_PROCEDURE, code: '9.000766', verified: true };
const P2 = { ...OUTPUT_PROCEDURE, code: '9.000767', verified: false };

describe('statistics of the one-stop shop, against hand-computed fixtures', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof staffOf>>;

  before(async () => {
    t = await createTestApp({ clock: { now: () => new Date('2026-12-05T03:00:00Z') } });
    admin = await staffOf(t, 'st_admin', 'admin', PROVINCE);
    await saveProcedure(admin.ctx, P1);
    await saveProcedure(admin.ctx, P2);
    const db = t.platform.database;
    const vn = (s: string) => `${s}+07:00`;
    const rows: [
      number,
      'a' | 'b',
      1 | 2 | 3,
      string,
      string,
      string | null,
      string | null,
      string | null,
      number,
      boolean,
    ][] = [
      // n, commune, channel, procedure, submitted, received, due, decided, status, refused
      [
        1,
        'a',
        2,
        P1.code,
        '2026-11-02T09:00',
        '2026-11-02T10:00',
        '2026-11-05T17:00',
        '2026-11-04T10:00',
        9,
        false,
      ],
      [
        2,
        'a',
        1,
        P1.code,
        '2026-11-03T08:30',
        '2026-11-03T09:00',
        '2026-11-06T17:00',
        '2026-11-06T10:00',
        9,
        false,
      ],
      [
        3,
        'a',
        1,
        P2.code,
        '2026-11-10T08:30',
        '2026-11-10T09:00',
        '2026-11-12T17:00',
        '2026-11-13T09:00',
        9,
        false,
      ],
      [4, 'a', 3, P2.code, '2026-11-20T08:00', '2026-11-20T09:00', '2026-11-25T17:00', null, 4, false],
      [
        5,
        'a',
        2,
        P2.code,
        '2026-10-28T08:00',
        '2026-10-28T09:00',
        '2026-11-03T17:00',
        '2026-11-02T15:00',
        10,
        false,
      ],
      [6, 'a', 2, P1.code, '2026-12-01T08:00', null, null, null, 1, false],
      [
        7,
        'b',
        2,
        P1.code,
        '2026-11-05T08:00',
        '2026-11-05T09:00',
        '2026-11-08T17:00',
        '2026-11-06T10:00',
        9,
        false,
      ],
      [8, 'a', 1, P2.code, '2026-11-15T08:00', null, null, null, 3, true],
    ];
    const ids = new Map<number, number>();
    for (const [n, c, channel, proc, submitted, received, due, decided, status, refused] of rows) {
      const place = c === 'a' ? t.places.a : t.places.b;
      const [r] = await db.query<{ id: number }>(
        `insert into dossiers (code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
           applicant_phone, form_data, channel, unit_id, unit_path, submitted_at, valid_received_at, due_at, decided_at,
           finished_at, status, step, decision)
         values ($1, 'TEST', $2, '1', 'Thủ tục', 'Người nộp', '0912345678', '{}', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         returning id`,
        [
          `TEST-261101-${String(n).padStart(4, '0')}`,
          proc,
          channel,
          place.id,
          place.path,
          vn(submitted),
          received && vn(received),
          due && vn(due),
          decided && vn(decided),
          refused ? vn(submitted) : null,
          status,
          refused ? 'refused' : decided ? 'decided' : status === 1 ? 'submitted' : 'in_progress',
          decided ? 'approved' : null,
        ],
      );
      ids.set(n, Number(r?.id));
    }
    const file = randomUUID();
    await db.query(
      `insert into files (id, storage_key, original_name, mime_type, size_bytes, sha256) values ($1, $2, 'a.pdf', 'application/pdf', 1, $3)`,
      [file, `test/${file}`, '0'.repeat(64)],
    );
    await db.query(`insert into dossier_files (dossier_id, file_id, document_id) values ($1, $2, 'toKhai')`, [
      ids.get(2),
      file,
    ]);
    const due = (
      n: number,
      status: 'due' | 'paid',
      method: 'cash' | 'transfer' | null,
      paidAt: string | null,
      fee = 'f',
    ) =>
      db.query(
        `insert into payment_dues (dossier_id, dossier_code, unit_path, fee_id, fee_name, moment, amount, status, due_at, paid_at, method)
         values ($1, $2, $3, $4, 'Lệ phí', 'receipt', 5000, $5, $6, $7, $8)`,
        [
          ids.get(n),
          `TEST-${n}`,
          t.places.a.path,
          fee,
          status,
          vn('2026-11-01T09:00'),
          paidAt && vn(paidAt),
          method,
        ],
      );
    await due(1, 'paid', 'transfer', '2026-11-02T11:00');
    await due(2, 'paid', 'transfer', '2026-11-03T11:00');
    await due(3, 'paid', 'cash', '2026-11-10T11:00');
    await due(4, 'due', null, null);
    await due(5, 'paid', 'cash', '2026-12-02T11:00');
    const rating = (n: number, score: number, at: string, path = t.places.a.path) =>
      db.query(
        `insert into dossier_ratings (dossier_id, dossier_code, unit_path, score, source, created_at) values ($1, $2, $3, $4, 'web', $5)`,
        [ids.get(n), `TEST-${n}`, path, score, vn(at)],
      );
    await rating(1, 4, '2026-11-05T10:00');
    await rating(2, 3, '2026-11-07T10:00');
    await rating(3, 2, '2026-11-14T10:00');
    await rating(5, 1, '2026-11-03T10:00');
    await rating(4, 4, '2026-11-21T10:00');
    await rating(7, 1, '2026-11-07T10:00', t.places.b.path);
  });
  after(() => t.close());

  it('when commune A is asked for November, then every figure and score is the hand-computed one', async () => {
    const s = await statisticsFor(admin.ctx, { place: COMMUNE_A, from: '2026-11-01', to: '2026-11-30' });
    const d = s.dossiers;
    assert.deepEqual(
      [
        d.received,
        d.channel1,
        d.channel2,
        d.channel3,
        d.transparent,
        d.digitised,
        d.decided,
        d.early,
        d.onTime,
        d.late,
        d.overdueOpen,
      ],
      [5, 3, 1, 1, 2, 2, 4, 2, 1, 1, 1],
    );
    assert.ok(Math.abs((d.avgDays ?? 0) - 13.2916667 / 4) < 1e-6, String(d.avgDays));
    assert.deepEqual([s.payments.paid, s.payments.paidOnline], [3, 2]);
    assert.deepEqual(s.ratings.byScore, [1, 1, 1, 2]);
    assert.equal(s.rates.online.value, 0.2);
    assert.equal(s.rates.onTime.value, 0.75);
    assert.equal(s.rates.digitisation.value, 0.4);
    assert.equal(s.rates.satisfaction.value, 0.6);
    assert.deepEqual(
      s.groups.map((g) => [g.key, g.score]),
      [
        ['transparency', 7.2],
        ['timeliness', 15],
        ['online', 2.4],
        ['payment', 6.67],
        ['satisfaction', 10.8],
        ['digitisation', 8.8],
      ],
    );
    assert.equal(s.total, 50.87);
    assert.equal(s.maxAvailable, 100);
  });

  it('when the province is asked, then commune B is added', async () => {
    const s = await statisticsFor(admin.ctx, { place: PROVINCE, from: '2026-11-01', to: '2026-11-30' });
    assert.deepEqual(
      [s.dossiers.received, s.dossiers.channel2, s.dossiers.decided, s.dossiers.early],
      [6, 2, 5, 3],
    );
    assert.deepEqual(s.ratings.byScore, [2, 1, 1, 2]);
  });

  it('when a period has nothing, then rates are empty rather than zero, and no group is scored', async () => {
    const s = await statisticsFor(admin.ctx, { place: COMMUNE_A, from: '2025-01-01', to: '2025-01-31' });
    assert.equal(s.rates.onTime.value, null);
    assert.ok(s.groups.every((g) => g.score === null));
    assert.deepEqual([s.total, s.maxAvailable], [0, 0]);
    const partial = computeStatistics({
      dossiers: { ...s.dossiers, received: 4, channel2: 1 },
      payments: s.payments,
      ratings: s.ratings,
    });
    assert.deepEqual([partial.total, partial.maxAvailable], [12 * 0.25 + 0, 12 + 18 + 22]);
  });

  it('when the page and the CSV are asked for, then the charts are SVG drawn on the server and the CSV carries the figures', async () => {
    const cookie = await t.signIn('st_admin');
    const page = await t.app.inject({
      url: `/quan-tri/thong-ke?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<svg[^>]+role="img"/);
    assert.doesNotMatch(page.body, /<script/);
    assert.match(page.body, /data-total="true">50\.87</);
    const csv = await t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /ty_le_dung_han,Tỷ lệ giải quyết trước và đúng hạn \(%\),75\.00,3,4/);
    assert.match(csv.body, /diem_tong,Tổng điểm \(trên 100 điểm có dữ liệu\),50\.87/);
  });

  it("when staff of commune B asks for commune A, then 403; A's own desk sees A", async () => {
    await staffOf(t, 'st_b', 'receptionist', COMMUNE_B);
    const cookie = await t.signIn('st_b');
    const res = await t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie },
    });
    assert.equal(res.statusCode, 403);
    await staffOf(t, 'st_a', 'receptionist', COMMUNE_A);
    const own = await t.app.inject({
      url: `/quan-tri/thong-ke.csv?place=${COMMUNE_A}&from=2026-11-01&to=2026-11-30`,
      headers: { cookie: await t.signIn('st_a') },
    });
    assert.equal(own.statusCode, 200);
  });
});
