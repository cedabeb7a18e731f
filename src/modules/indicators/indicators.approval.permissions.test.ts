import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { Conflict, Forbidden, Invalid } from '#platform/errors.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { staffOf } from '#test/support/outputs.ts';
import {
  entryForm,
  importModel,
  pivotFor,
  reporting,
  STARTER_MODEL,
  saveEntry,
  stepReport,
} from './index.ts';
import {
  collected,
  fileDossier,
  type MovableClock,
  setupTree,
  type Tree,
} from './indicators.test-support.ts';

/**
 * Approval of commune A's November 2026 report (BC_THANG_XA, due 5 December): the commune sends
 * it, cannot approve itself, cannot change it once sent or approved; the province returns it with
 * a comment, approves it (values freeze, in the database itself), reopens it with a reason; every
 * step is in the audit log.
 */
describe('approval of a commune report: who may do what', () => {
  let t: TestApp;
  let clock: MovableClock;
  let tree: Tree;
  const step = (who: { ctx: Parameters<typeof stepReport>[0] }, action: string, comment?: string) =>
    stepReport(who.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', { action, ...(comment ? { comment } : {}) });
  const type = (who: { ctx: Parameters<typeof saveEntry>[0] }, luot: string) =>
    saveEntry(who.ctx, 'BC_THANG_XA', COMMUNE_A, '202611', { v_LUOT_HUONG_DAN_DVC: luot });

  before(async () => {
    clock = fixedClock(new Date('2026-11-02T02:00:00Z'));
    t = await createTestApp({ clock });
    tree = await setupTree(t, 'ap');
    await importModel(tree.province.ctx, STARTER_MODEL);
    await fileDossier(t, clock, tree, 'a', 2, '2026-11-03T09:00');
    await collected(t);
    clock.set(new Date('2026-12-03T02:00:00Z'));
    await type(tree.specialist.a, '25');
  });
  after(() => t.close());

  it('when a commune approver or admin tries to approve its own report, then 403; sending is theirs', async () => {
    await assert.rejects(
      step(tree.specialist.a, 'submit'),
      Forbidden,
      'a specialist types but does not send',
    );
    await step(tree.approver.a, 'submit');
    await assert.rejects(step(tree.approver.a, 'approve'), Forbidden);
    const communeAdmin = await staffOf(t, 'ap_admin_a', 'admin', COMMUNE_A);
    await assert.rejects(step(communeAdmin, 'approve'), Forbidden);
    await assert.rejects(step(tree.approver.b, 'approve'), Forbidden, 'a neighbour commune is not above A');
  });

  it('when a report is sent, then the commune cannot change it until the province returns it with a comment', async () => {
    await assert.rejects(type(tree.specialist.a, '26'), Conflict);
    await assert.rejects(
      step(tree.province, 'return'),
      (e: unknown) =>
        e instanceof Invalid && e.fields[0]?.field === 'comment' && /reason/.test(e.fields[0].en),
      'a return without a comment is refused',
    );
    await step(tree.provinceApprover, 'return', 'Số lượt hướng dẫn chưa khớp sổ theo dõi.');
    const form = await entryForm(tree.specialist.a.ctx, 'BC_THANG_XA', COMMUNE_A, '202611');
    assert.equal(form.state.status, 'returned');
    assert.equal(form.state.lastComment, 'Số lượt hướng dẫn chưa khớp sổ theo dõi.');
    await type(tree.specialist.a, '27');
    await step(tree.approver.a, 'submit');
  });

  it('when the province approves, then the values freeze: the commune, the province and the database itself refuse changes', async () => {
    await step(tree.province, 'approve');
    await assert.rejects(type(tree.specialist.a, '30'), Conflict);
    await assert.rejects(type(tree.province, '30'), Conflict, 'the province too must reopen first');
    await assert.rejects(
      t.platform.database.query(
        `update indicator_values set value = 99 where element = 'LUOT_HUONG_DAN_DVC' and period = '202611'`,
      ),
      /approved and frozen/,
    );
    await assert.rejects(
      t.platform.database.query(`delete from indicator_values where period = '202611' and frozen`),
      /approved and frozen/,
    );
    const frozen = await t.platform.database.query<{ element: string; value: string }>(
      `select element, value::text as value from indicator_values where frozen and period = '202611' order by element`,
    );
    assert.deepEqual(
      frozen.map((f) => [f.element, f.value]),
      [
        ['HS_GIAI_QUYET', '0'],
        ['HS_GIAI_QUYET_DUNG_HAN', '0'],
        ['HS_NHAN', '1'],
        ['HS_NHAN_TRUC_TUYEN', '1'],
        ['LUOT_HUONG_DAN_DVC', '27'],
      ],
      'collected figures with nothing counted are frozen as 0 so a later count cannot slip in',
    );
  });

  it('when a November dossier is filed after approval, then the approved November figure does not move; reopening brings it in', async () => {
    await fileDossier(t, clock, tree, 'a', 1, '2026-11-20T09:00');
    await collected(t);
    const read = async () =>
      (
        await pivotFor(tree.province.ctx, {
          place: COMMUNE_A,
          from: '202611',
          to: '202611',
          items: ['HS_NHAN'],
        })
      ).total.values[0]?.[0];
    assert.equal(await read(), 1);
    await assert.rejects(step(tree.approver.a, 'reopen', 'Cần sửa'), Forbidden);
    await step(tree.province, 'reopen', 'Bổ sung hồ sơ nộp muộn ngày 20/11.');
    assert.equal(await read(), 2);
    await type(tree.specialist.a, '31');
  });

  it('when the steps are done, then each is in the audit log under commune A, with who and why', async () => {
    const rows = await t.platform.database.query<{
      action: string;
      actor_label: string;
      details: { comment?: string };
    }>(
      `select action, actor_label, details from audit_log
        where action like 'indicators.report.%' and target_id = 'BC_THANG_XA/${COMMUNE_A}/202611'
          and place_path = $1 order by id`,
      [t.places.a.path],
    );
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor_label]),
      [
        ['indicators.report.submit', 'ap_lead_a'],
        ['indicators.report.return', 'ap_prov_lead'],
        ['indicators.report.submit', 'ap_lead_a'],
        ['indicators.report.approve', 'ap_prov_admin'],
        ['indicators.report.reopen', 'ap_prov_admin'],
      ],
    );
    assert.equal(rows[4]?.details.comment, 'Bổ sung hồ sơ nộp muộn ngày 20/11.');
    const saves = await t.platform.database.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'indicators.values.save'`,
    );
    assert.equal(saves[0]?.n, 3);
    await assert.rejects(
      t.platform.database.query(`delete from indicator_approvals`),
      /append-only/,
      'the approval log refuses deletion',
    );
  });

  it('when the province reads reporting for November, then completeness and timeliness count A (sent 3 Dec, due 5 Dec) and not B', async () => {
    const r = await reporting(tree.province.ctx, 'BC_THANG_XA', PROVINCE, '202611');
    assert.equal(r.due, '2026-12-05');
    assert.deepEqual(
      r.rows.map((x) => [x.place.code, x.state.status, x.onTime]).sort(),
      [
        [COMMUNE_A, 'open', true],
        [COMMUNE_B, 'open', false],
        ['06529', 'open', false],
      ].sort(),
    );
    assert.deepEqual([r.expected, r.reported, r.onTime], [3, 1, 1]);
    assert.equal(r.completeness, 1 / 3);
    await assert.rejects(reporting(tree.approver.b.ctx, 'BC_THANG_XA', PROVINCE, '202611'), Forbidden);
    const own = await reporting(tree.approver.b.ctx, 'BC_THANG_XA', COMMUNE_B, '202611');
    assert.deepEqual([own.expected, own.reported], [1, 0]);
  });
});
