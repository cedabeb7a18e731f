import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { Forbidden, Invalid } from '#platform/errors.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import { entryForm, importModel, pivotFor, STARTER_MODEL, saveEntry, saveModelObject } from './index.ts';
import { setupTree, type Tree } from './indicators.test-support.ts';
import { readNumber } from './reports.service.ts';

describe('typing a report: validation, comments, due day, and a change of disaggregation', () => {
  let t: TestApp;
  let tree: Tree;

  before(async () => {
    t = await createTestApp({ clock: fixedClock(new Date('2026-12-07T02:00:00Z')) });
    tree = await setupTree(t, 'en');
    await importModel(tree.province.ctx, STARTER_MODEL);
  });
  after(() => t.close());

  it('when numbers are typed the Vietnamese way, then they are read right', () => {
    assert.equal(readNumber('1.234', 'integer'), 1234);
    assert.equal(readNumber('1 234', 'integer'), 1234);
    assert.equal(readNumber('12,5', 'number'), 12.5);
    assert.equal(readNumber('12.5', 'percent'), 12.5);
    assert.equal(readNumber('12,5', 'integer'), undefined);
    assert.equal(readNumber('1.5', 'integer'), undefined);
    assert.equal(readNumber('abc', 'number'), undefined);
  });

  it('when values are wrong, then each field gets its own bilingual error and nothing is saved', async () => {
    const a1 = tree.villages.a1.code;
    await assert.rejects(
      saveEntry(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', {
        [`v_HGD_TONG__@${a1}`]: '12,5',
        v_DAN_VNEID_MUC2__nu: '-3',
        v_LUOT_HUONG_DAN_DVC: '40',
      }),
      (e: unknown) => {
        assert.ok(e instanceof Invalid);
        assert.deepEqual(
          e.fields.map((f) => f.field),
          [`v_HGD_TONG__@${a1}`, 'v_DAN_VNEID_MUC2__nu'],
        );
        assert.match(e.fields[0]?.vi ?? '', /Tổng số hộ gia đình – Thôn Khuổi Tào: phải là một số nguyên/);
        assert.match(e.fields[1]?.en ?? '', /must be 0 or more/);
        return true;
      },
    );
    await assert.rejects(
      saveEntry(tree.specialist.a.ctx, 'BC_QUY_XA', COMMUNE_A, '2026Q4', { v_TY_LE_PHU_SONG_4G: '120' }),
      (e: unknown) => e instanceof Invalid && /must be 100 or less/.test(e.fields[0]?.en ?? ''),
    );
    await assert.rejects(
      saveEntry(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '2026Q4', {}),
      (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'period',
    );
    const rows = await t.platform.database.query(`select 1 from indicator_values`);
    assert.equal(rows.length, 0);
  });

  it('when staff of another commune types for A, then 403', async () => {
    await assert.rejects(
      saveEntry(tree.specialist.b.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', { v_LUOT_HUONG_DAN_DVC: '1' }),
      Forbidden,
    );
    await assert.rejects(entryForm(tree.desk.b.ctx, 'BC_THANG_XA', COMMUNE_A, '202611'), Forbidden);
  });

  it('when a report is typed with a comment, then the form shows the values, who typed them, the comment and the due day', async () => {
    await saveEntry(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', {
      v_LUOT_HUONG_DAN_DVC: '25',
      c_LUOT_HUONG_DAN_DVC: 'Theo sổ của tổ công nghệ số thôn Khuổi Tào',
      v_DAN_CHU_KY_SO: '1.050',
    });
    const form = await entryForm(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611');
    assert.equal(form.due, '2026-12-05');
    assert.equal(form.late, true, 'due 5 December, not sent by the 7th');
    const luot = form.items.find((i) => i.element.code === 'LUOT_HUONG_DAN_DVC');
    assert.equal(luot?.cells[0]?.value, 25);
    assert.equal(luot?.cells[0]?.enteredBy, 'en_spec_a');
    assert.equal(luot?.comment, 'Theo sổ của tổ công nghệ số thôn Khuổi Tào');
    assert.equal(form.items.find((i) => i.element.code === 'DAN_CHU_KY_SO')?.cells[0]?.value, 1050);
    assert.equal(form.items.find((i) => i.element.code === 'HS_NHAN')?.collected, true);
    assert.deepEqual(
      form.items.find((i) => i.element.code === 'HGD_TONG')?.cells.map((c) => c.label?.vi),
      ['Thôn Khuổi Tào', 'Thôn Pò Đứa'],
    );
    // A blank field removes the value it held.
    await saveEntry(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', {
      v_LUOT_HUONG_DAN_DVC: '25',
    });
    const after = await entryForm(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611');
    assert.equal(after.items.find((i) => i.element.code === 'DAN_CHU_KY_SO')?.cells[0]?.value, null);
  });

  it('when an element gains a disaggregation by sex, then October (entered without it) stays readable, and totals span both', async () => {
    await saveEntry(tree.specialist.b.ctx, 'BC_THANG_XA', COMMUNE_B, '202610', {
      v_LUOT_HUONG_DAN_DVC: '40',
    });
    const el = STARTER_MODEL.elements.find((e) => e.code === 'LUOT_HUONG_DAN_DVC');
    const r = await saveModelObject(tree.province.ctx, 'element', { ...el, disaggregation: 'sex' }, 1);
    assert.equal(r.version, 2);
    await saveEntry(tree.specialist.b.ctx, 'BC_THANG_XA', COMMUNE_B, '202611', {
      v_LUOT_HUONG_DAN_DVC__nam: '12',
      v_LUOT_HUONG_DAN_DVC__nu: '18',
    });
    const p = await pivotFor(tree.province.ctx, {
      place: COMMUNE_B,
      from: '202610',
      to: '202611',
      items: ['LUOT_HUONG_DAN_DVC'],
    });
    assert.deepEqual(p.total.values[0], [40, 30]);
    const q4 = await pivotFor(tree.province.ctx, {
      place: COMMUNE_B,
      from: '2026Q4',
      to: '2026Q4',
      items: ['LUOT_HUONG_DAN_DVC'],
    });
    assert.deepEqual(q4.total.values[0], [70], 'one total across the versions');
    const october = await entryForm(tree.specialist.b.ctx, 'BC_THANG_XA', COMMUNE_B, '202610');
    const item = october.items.find((i) => i.element.code === 'LUOT_HUONG_DAN_DVC');
    assert.deepEqual(item?.older, [{ label: '—', value: 40, version: 1 }], 'shown as typed, under version 1');
    assert.deepEqual(
      item?.cells.map((c) => [c.name, c.value]),
      [
        ['v_LUOT_HUONG_DAN_DVC__nam', null],
        ['v_LUOT_HUONG_DAN_DVC__nu', null],
      ],
    );
    const rows = await t.platform.database.query<{ period: string; option: string; v: number; d: string }>(
      `select period, option, element_version as v, disaggregation as d from indicator_values
        where element = 'LUOT_HUONG_DAN_DVC' and place_id = $1 order by period, option`,
      [t.places.b.id],
    );
    assert.deepEqual(
      rows.map((x) => [x.period, x.option, x.v, x.d]),
      [
        ['202610', '', 1, 'none'],
        ['202611', 'nam', 2, 'sex'],
        ['202611', 'nu', 2, 'sex'],
      ],
    );
  });
});
