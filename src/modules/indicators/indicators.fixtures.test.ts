import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import {
  fillCollector,
  importModel,
  listCollectors,
  type Pivot,
  pivotFor,
  STARTER_MODEL,
  saveEntry,
} from './index.ts';
import {
  collected,
  decideDossier,
  fileDossier,
  type MovableClock,
  setupTree,
  type Tree,
} from './indicators.test-support.ts';

/**
 * Hand-computed fixtures: province 20 with commune A (Mẫu Sơn; hamlets A1 Khuổi Tào, A2 Pò Đứa) and
 * commune B (Đồng Đăng; hamlet B1 Nà Pàn); periods November and December 2026, and Q4 2026.
 *
 * Dossiers (filed at the desk and received at once; decided at 09:00, so days are whole):
 *   a1 A online    3 Nov 09:00 → decided  4 Nov (1 day, on time)
 *   a2 A in person 10 Nov 09:00 → decided 30 Nov (20 days, late: due 13 Nov)
 *   a3 A online     1 Dec 09:00 → decided  2 Dec (1 day, on time)
 *   a4 A in person  7 Dec 09:00 → still open
 *   b1 B in person  5 Nov 09:00 → decided  1 Dec (26 days, late)
 *   b2 B online     8 Dec 09:00 → decided  9 Dec (1 day, on time)
 * received (HS_NHAN)         A: Nov 2, Dec 2   B: Nov 1, Dec 1   total: Nov 3, Dec 3, Q4 6
 * online (HS_NHAN_TRUC_TUYEN) A: 1, 1          B: 0, 1           total: 1, 2, Q4 3
 * decided (HS_GIAI_QUYET)     A: 2, 1          B: 0, 2           total: 2, 3, Q4 5
 * on time                     A: 1, 1          B: 0, 1           total: 1, 2, Q4 3
 * days                        A: 21, 1         B: 0, 27          total: 21, 28, Q4 49
 * TL_HS_TRUC_TUYEN = online/received×100: A 50, 50, Q4 50; B 0, 100, Q4 50; total 33.33, 66.67, Q4 50
 * TL_HS_DUNG_HAN = on time/decided×100:     A 50, 100, Q4 66.67; B —, 50, Q4 50; total 50, 66.67, Q4 60
 * SO_NGAY_GQ_TB = days/decided:             A 10.5, 1, Q4 7.33; B —, 13.5, Q4 13.5; total 10.5, 9.33, Q4 9.8
 *
 * Typed (monthly report BC_THANG_XA):
 *   HGD_TONG (last, by hamlet)       Nov A1 100 A2 60 B1 80 │ Dec A1 102 A2 60 B1 81
 *   HGD_SMARTPHONE (last, by hamlet) Nov A1 70  A2 30 B1 40 │ Dec A1 75  A2 33 B1 48
 *   DAN_TRUONG_THANH (last, by sex)  both months: A nam 300 nữ 280; B nam 200 nữ 210
 *   DAN_VNEID_MUC2 (last, by sex)    Nov A 120/80 B 50/50    │ Dec A 130/90 B 60/70
 *   LUOT_HUONG_DAN_DVC (sum)         Nov A 25 B 10           │ Dec A 35 B 12
 * HGD_TONG       A 160, 162, Q4 (last: Dec) 162; B 80, 81, 81; total 240, 243, 243
 * HGD_SMARTPHONE A 100, 108, 108;               B 40, 48, 48; total 140, 156, 156
 * TL_HGD_SMARTPHONE A 62.5, 66.667, 66.667; B 50, 59.259, 59.259; total 58.333, 64.198, 64.198
 * DAN_VNEID_MUC2 A 200, 220, 220; B 100, 130, 130; total 300, 350, 350
 * TL_VNEID_MUC2 (÷ adults A 580, B 410, total 990) A 34.483, 37.931; B 24.390, 31.707; total 30.303, 35.354
 * TL_NU_VNEID    A 40, 40.909; B 50, 53.846; total 43.333, 45.714
 * LUOT_HUONG_DAN_DVC A 25, 35, Q4 60; B 10, 12, Q4 22; total 35, 47, Q4 82
 * Quarterly report BC_QUY_XA, 2026Q4: TY_LE_PHU_SONG_4G (average) A 50, B 100 → total 75 (no monthly value);
 *   CBCC_TONG A 20 B 25, CBCC_KY_NANG_SO A 15 B 25 → TL_CBCC_KY_NANG_SO A 75, B 100, total 40/45 = 88.889
 * Under commune A the rows are its hamlets: HGD_TONG Nov A1 100, A2 60, total 160.
 */

const MONTHLY = [
  'HS_NHAN',
  'HS_NHAN_TRUC_TUYEN',
  'HS_GIAI_QUYET',
  'HS_GIAI_QUYET_DUNG_HAN',
  'HS_NGAY_GIAI_QUYET',
];
const INDICATORS = [
  'TL_HS_TRUC_TUYEN',
  'TL_HS_DUNG_HAN',
  'SO_NGAY_GQ_TB',
  'TL_HGD_SMARTPHONE',
  'TL_VNEID_MUC2',
  'TL_NU_VNEID',
];
const TYPED = ['HGD_TONG', 'HGD_SMARTPHONE', 'DAN_VNEID_MUC2', 'LUOT_HUONG_DAN_DVC'];

/** Rows as [place code or 'total'] → item → values over the periods, rounded to 3 decimals. */
function table(p: Pivot) {
  const r3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  const out: Record<string, Record<string, (number | null)[]>> = {};
  for (const row of [...p.rows, { ...p.total, place: { code: 'total' } }]) {
    const code = row.place?.code ?? 'total';
    out[code] = Object.fromEntries(p.items.map((item, i) => [item.code, (row.values[i] ?? []).map(r3)]));
  }
  return out;
}

describe('indicators along the place tree, against hand-computed fixtures', () => {
  let t: TestApp;
  let clock: MovableClock;
  let tree: Tree;

  before(async () => {
    clock = fixedClock(new Date('2026-11-01T02:00:00Z'));
    t = await createTestApp({ clock });
    tree = await setupTree(t, 'fx');
    await importModel(tree.province.ctx, STARTER_MODEL);
    const a1 = await fileDossier(t, clock, tree, 'a', 2, '2026-11-03T09:00');
    await decideDossier(t, clock, tree, 'a', a1, '2026-11-04T09:00');
    const b1 = await fileDossier(t, clock, tree, 'b', 1, '2026-11-05T09:00');
    const a2 = await fileDossier(t, clock, tree, 'a', 1, '2026-11-10T09:00');
    await decideDossier(t, clock, tree, 'a', a2, '2026-11-30T09:00');
    const a3 = await fileDossier(t, clock, tree, 'a', 2, '2026-12-01T09:00');
    await decideDossier(t, clock, tree, 'b', b1, '2026-12-01T09:00');
    await decideDossier(t, clock, tree, 'a', a3, '2026-12-02T09:00');
    await fileDossier(t, clock, tree, 'a', 1, '2026-12-07T09:00');
    const b2 = await fileDossier(t, clock, tree, 'b', 2, '2026-12-08T09:00');
    await decideDossier(t, clock, tree, 'b', b2, '2026-12-09T09:00');

    const { a1: A1, a2: A2, b1: B1 } = tree.villages;
    const month = (c: 'a' | 'b', period: string, v: Record<string, string>) =>
      saveEntry(tree.specialist[c].ctx, 'BC_THANG_XA', c === 'a' ? COMMUNE_A : COMMUNE_B, period, v);
    await month('a', '202611', {
      [`v_HGD_TONG__@${A1.code}`]: '100',
      [`v_HGD_TONG__@${A2.code}`]: '60',
      [`v_HGD_SMARTPHONE__@${A1.code}`]: '70',
      [`v_HGD_SMARTPHONE__@${A2.code}`]: '30',
      v_DAN_TRUONG_THANH__nam: '300',
      v_DAN_TRUONG_THANH__nu: '280',
      v_DAN_VNEID_MUC2__nam: '120',
      v_DAN_VNEID_MUC2__nu: '80',
      v_LUOT_HUONG_DAN_DVC: '25',
    });
    await month('a', '202612', {
      [`v_HGD_TONG__@${A1.code}`]: '102',
      [`v_HGD_TONG__@${A2.code}`]: '60',
      [`v_HGD_SMARTPHONE__@${A1.code}`]: '75',
      [`v_HGD_SMARTPHONE__@${A2.code}`]: '33',
      v_DAN_TRUONG_THANH__nam: '300',
      v_DAN_TRUONG_THANH__nu: '280',
      v_DAN_VNEID_MUC2__nam: '130',
      v_DAN_VNEID_MUC2__nu: '90',
      v_LUOT_HUONG_DAN_DVC: '35',
    });
    await month('b', '202611', {
      [`v_HGD_TONG__@${B1.code}`]: '80',
      [`v_HGD_SMARTPHONE__@${B1.code}`]: '40',
      v_DAN_TRUONG_THANH__nam: '200',
      v_DAN_TRUONG_THANH__nu: '210',
      v_DAN_VNEID_MUC2__nam: '50',
      v_DAN_VNEID_MUC2__nu: '50',
      v_LUOT_HUONG_DAN_DVC: '10',
    });
    await month('b', '202612', {
      [`v_HGD_TONG__@${B1.code}`]: '81',
      [`v_HGD_SMARTPHONE__@${B1.code}`]: '48',
      v_DAN_TRUONG_THANH__nam: '200',
      v_DAN_TRUONG_THANH__nu: '210',
      v_DAN_VNEID_MUC2__nam: '60',
      v_DAN_VNEID_MUC2__nu: '70',
      v_LUOT_HUONG_DAN_DVC: '12',
    });
    const quarter = (c: 'a' | 'b', v: Record<string, string>) =>
      saveEntry(tree.specialist[c].ctx, 'BC_QUY_XA', c === 'a' ? COMMUNE_A : COMMUNE_B, '2026Q4', v);
    await quarter('a', { v_TY_LE_PHU_SONG_4G: '50', v_CBCC_TONG: '20', v_CBCC_KY_NANG_SO: '15' });
    await quarter('b', { v_TY_LE_PHU_SONG_4G: '100', v_CBCC_TONG: '25', v_CBCC_KY_NANG_SO: '25' });
    await collected(t);
  });
  after(() => t.close());

  const pivot = (place: string, from: string, to: string, items: string[]) =>
    pivotFor(tree.province.ctx, { place, from, to, items });

  it('when the province reads November and December, then every collected element is the hand count', async () => {
    const p = table(await pivot(PROVINCE, '202611', '202612', MONTHLY));
    assert.deepEqual(p[COMMUNE_A], {
      HS_NHAN: [2, 2],
      HS_NHAN_TRUC_TUYEN: [1, 1],
      HS_GIAI_QUYET: [2, 1],
      HS_GIAI_QUYET_DUNG_HAN: [1, 1],
      HS_NGAY_GIAI_QUYET: [21, 1],
    });
    assert.deepEqual(p[COMMUNE_B], {
      HS_NHAN: [1, 1],
      HS_NHAN_TRUC_TUYEN: [null, 1],
      HS_GIAI_QUYET: [null, 2],
      HS_GIAI_QUYET_DUNG_HAN: [null, 1],
      HS_NGAY_GIAI_QUYET: [null, 27],
    });
    assert.deepEqual(p.total, {
      HS_NHAN: [3, 3],
      HS_NHAN_TRUC_TUYEN: [1, 2],
      HS_GIAI_QUYET: [2, 3],
      HS_GIAI_QUYET_DUNG_HAN: [1, 2],
      HS_NGAY_GIAI_QUYET: [21, 28],
    });
  });

  it('when the province reads the typed elements, then hamlets add up to communes and communes to the province', async () => {
    const p = table(await pivot(PROVINCE, '202611', '202612', TYPED));
    assert.deepEqual(p[COMMUNE_A], {
      HGD_TONG: [160, 162],
      HGD_SMARTPHONE: [100, 108],
      DAN_VNEID_MUC2: [200, 220],
      LUOT_HUONG_DAN_DVC: [25, 35],
    });
    assert.deepEqual(p[COMMUNE_B], {
      HGD_TONG: [80, 81],
      HGD_SMARTPHONE: [40, 48],
      DAN_VNEID_MUC2: [100, 130],
      LUOT_HUONG_DAN_DVC: [10, 12],
    });
    assert.deepEqual(p.total, {
      HGD_TONG: [240, 243],
      HGD_SMARTPHONE: [140, 156],
      DAN_VNEID_MUC2: [300, 350],
      LUOT_HUONG_DAN_DVC: [35, 47],
    });
    const hamlets = table(await pivot(COMMUNE_A, '202611', '202611', ['HGD_TONG']));
    assert.deepEqual(hamlets[tree.villages.a1.code], { HGD_TONG: [100] });
    assert.deepEqual(hamlets[tree.villages.a2.code], { HGD_TONG: [60] });
    assert.deepEqual(hamlets.total, { HGD_TONG: [160] });
  });

  it('when indicators are read by month, then each is numerator ÷ denominator × factor of the sums, row and total', async () => {
    const p = table(await pivot(PROVINCE, '202611', '202612', INDICATORS));
    assert.deepEqual(p[COMMUNE_A], {
      TL_HS_TRUC_TUYEN: [50, 50],
      TL_HS_DUNG_HAN: [50, 100],
      SO_NGAY_GQ_TB: [10.5, 1],
      TL_HGD_SMARTPHONE: [62.5, 66.667],
      TL_VNEID_MUC2: [34.483, 37.931],
      TL_NU_VNEID: [40, 40.909],
    });
    assert.deepEqual(p[COMMUNE_B], {
      TL_HS_TRUC_TUYEN: [0, 100],
      TL_HS_DUNG_HAN: [null, 50],
      SO_NGAY_GQ_TB: [null, 13.5],
      TL_HGD_SMARTPHONE: [50, 59.259],
      TL_VNEID_MUC2: [24.39, 31.707],
      TL_NU_VNEID: [50, 53.846],
    });
    assert.deepEqual(p.total, {
      TL_HS_TRUC_TUYEN: [33.333, 66.667],
      TL_HS_DUNG_HAN: [50, 66.667],
      SO_NGAY_GQ_TB: [10.5, 9.333],
      TL_HGD_SMARTPHONE: [58.333, 64.198],
      TL_VNEID_MUC2: [30.303, 35.354],
      TL_NU_VNEID: [43.333, 45.714],
    });
  });

  it('when the quarter is read, then sums add the months, stocks take December, averages average the communes', async () => {
    const p = table(
      await pivot(PROVINCE, '2026Q4', '2026Q4', [
        'HS_NHAN',
        'HGD_TONG',
        'LUOT_HUONG_DAN_DVC',
        'TL_HS_TRUC_TUYEN',
        'TL_HS_DUNG_HAN',
        'SO_NGAY_GQ_TB',
        'TL_HGD_SMARTPHONE',
        'PHU_SONG_4G',
        'TL_CBCC_KY_NANG_SO',
      ]),
    );
    assert.deepEqual(p[COMMUNE_A], {
      HS_NHAN: [4],
      HGD_TONG: [162],
      LUOT_HUONG_DAN_DVC: [60],
      TL_HS_TRUC_TUYEN: [50],
      TL_HS_DUNG_HAN: [66.667],
      SO_NGAY_GQ_TB: [7.333],
      TL_HGD_SMARTPHONE: [66.667],
      PHU_SONG_4G: [50],
      TL_CBCC_KY_NANG_SO: [75],
    });
    assert.deepEqual(p.total, {
      HS_NHAN: [6],
      HGD_TONG: [243],
      LUOT_HUONG_DAN_DVC: [82],
      TL_HS_TRUC_TUYEN: [50],
      TL_HS_DUNG_HAN: [60],
      SO_NGAY_GQ_TB: [9.8],
      TL_HGD_SMARTPHONE: [64.198],
      PHU_SONG_4G: [75],
      TL_CBCC_KY_NANG_SO: [88.889],
    });
    const monthly = table(await pivot(PROVINCE, '202612', '202612', ['PHU_SONG_4G']));
    assert.deepEqual(monthly.total, { PHU_SONG_4G: [null] }, 'a quarterly value does not appear in a month');
  });

  it('when the collected values are rebuilt from scratch, then they equal what the events kept up to date', async () => {
    const read = () =>
      t.platform.database.query<{ k: string }>(
        `select element || '|' || place_path || '|' || period || '|' || value::text as k
           from indicator_values where source = 'dossiers' order by 1`,
      );
    const incremental = await read();
    assert.ok(incremental.length > 20);
    await t.platform.database.query(`delete from indicator_values where source = 'dossiers'`);
    for (const c of listCollectors()) await fillCollector(t.platform.database, c, clock.now());
    assert.deepEqual(await read(), incremental);
  });
});
