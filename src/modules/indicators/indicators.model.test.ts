import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Conflict, Forbidden, Invalid } from '#platform/errors.ts';
import { COMMUNE_A, createTestApp, PROVINCE, type TestApp } from '#test/support/app.ts';
import { type Staff, staffOf } from '#test/support/outputs.ts';
import {
  ensureStarterModel,
  exportModel,
  exportModelJson,
  importModel,
  loadModel,
  STARTER_MODEL,
} from './index.ts';
import { saveModelObject } from './model.service.ts';

describe('the indicator model: elements, indicators, data sets', () => {
  let t: TestApp;
  let province: Staff;
  let commune: Staff;

  before(async () => {
    t = await createTestApp();
    province = await staffOf(t, 'm_prov', 'admin', PROVINCE);
    commune = await staffOf(t, 'm_comm', 'admin', COMMUNE_A);
  });
  after(() => t.close());

  it('when a province admin saves an element, then it gets version 1; an identical save writes nothing; a change is version 2', async () => {
    const def = { code: 'HGD_TEST', name: { vi: 'Hộ thử', en: 'Test households' }, aggregation: 'last' };
    const a = await saveModelObject(province.ctx, 'element', def);
    assert.deepEqual([a.version, a.created, a.changed], [1, true, true]);
    const b = await saveModelObject(province.ctx, 'element', def);
    assert.deepEqual([b.version, b.changed], [1, false]);
    const c = await saveModelObject(province.ctx, 'element', { ...def, disaggregation: 'sex' }, 1);
    assert.deepEqual([c.version, c.changed], [2, true]);
    await assert.rejects(saveModelObject(province.ctx, 'element', { ...def, max: 10 }, 1), Conflict);
    const history = await t.platform.database.query<{ version: number; d: string }>(
      `select version, definition->>'disaggregation' as d from indicator_model_history where code = 'HGD_TEST' order by version`,
    );
    assert.deepEqual(
      history.map((h) => [h.version, h.d]),
      [
        [1, 'none'],
        [2, 'sex'],
      ],
    );
  });

  it('when a commune admin or a receptionist tries to change the model, then it is refused', async () => {
    await assert.rejects(
      saveModelObject(commune.ctx, 'element', { code: 'X_COMMUNE', name: { vi: 'X' } }),
      Forbidden,
    );
    const desk = await staffOf(t, 'm_desk', 'receptionist', PROVINCE);
    await assert.rejects(
      saveModelObject(desk.ctx, 'element', { code: 'X_DESK', name: { vi: 'X' } }),
      Forbidden,
    );
  });

  it('when an indicator names a missing element or option, or an expression is not one, then each is a bilingual field error', async () => {
    const bad = async (input: object, field: RegExp, en: RegExp) => {
      await assert.rejects(saveModelObject(province.ctx, 'indicator', input), (e: unknown) => {
        assert.ok(e instanceof Invalid);
        assert.ok(
          e.fields.some((f) => field.test(f.field) && en.test(f.en) && f.vi.length > 0),
          JSON.stringify(e.fields),
        );
        return true;
      });
    };
    await bad({ code: 'I1', name: { vi: 'I' }, numerator: 'NOPE' }, /numerator/, /no data element NOPE/);
    await bad({ code: 'I2', name: { vi: 'I' }, numerator: 'HGD_TEST.xyz' }, /numerator/, /no option "xyz"/);
    await bad({ code: 'I3', name: { vi: 'I' }, numerator: 'HGD_TEST +' }, /numerator/, /ends too early/);
    await bad({ code: 'HS_NHAN', name: { vi: 'I' }, numerator: '1' }, /code/, /already a data element/);
    await assert.rejects(
      saveModelObject(province.ctx, 'element', { code: 'HS_NHAN', name: { vi: 'Sửa tay' } }),
      (e: unknown) => e instanceof Invalid && /filled by/.test(e.fields[0]?.en ?? ''),
    );
    await assert.rejects(
      saveModelObject(province.ctx, 'element', {
        code: 'AVG_SEX',
        name: { vi: 'x' },
        aggregation: 'average',
        disaggregation: 'sex',
      }),
      (e: unknown) => e instanceof Invalid && e.fields[0]?.field === 'disaggregation',
    );
  });

  it('when an element would be reported for two period types, then the second data set is refused', async () => {
    await saveModelObject(province.ctx, 'data_set', {
      code: 'DS_M',
      name: { vi: 'Tháng' },
      periodType: 'month',
      elements: ['HGD_TEST', 'HS_NHAN'],
    });
    await assert.rejects(
      saveModelObject(province.ctx, 'data_set', {
        code: 'DS_Q',
        name: { vi: 'Quý' },
        periodType: 'quarter',
        elements: ['HGD_TEST'],
      }),
      (e: unknown) => e instanceof Invalid && /another period type/.test(e.fields[0]?.en ?? ''),
    );
  });

  it('when a collected element is put in a quarterly data set, then it is refused (collectors count months and weeks)', async () => {
    await assert.rejects(
      saveModelObject(province.ctx, 'data_set', {
        code: 'DS_Q_HS',
        name: { vi: 'Quý' },
        periodType: 'quarter',
        elements: ['HS_GIAI_QUYET'],
      }),
      (e: unknown) => e instanceof Invalid && /monthly or weekly data set/.test(e.fields[0]?.en ?? ''),
    );
  });

  it('when the model is exported and imported back, then the file is byte-identical and nothing changes', async () => {
    const r = await importModel(province.ctx, STARTER_MODEL);
    assert.ok(r.created > 20, JSON.stringify(r));
    const first = await exportModelJson(t.platform.database.db);
    const again = await importModel(province.ctx, JSON.parse(first));
    assert.deepEqual(again, {
      created: 0,
      updated: 0,
      unchanged:
        JSON.parse(first).elements.length +
        JSON.parse(first).indicators.length +
        JSON.parse(first).dataSets.length,
    });
    assert.equal(await exportModelJson(t.platform.database.db), first);
    assert.ok(first.endsWith('\n'));
    const exported = JSON.parse(first) as { elements: { code: string }[] };
    assert.ok(
      exported.elements.every((e) => !e.code.startsWith('HS_')),
      'collected elements are declared in code, not exported',
    );
    const model = await loadModel(t.platform.database.db);
    assert.equal(model.elements.get('HS_NHAN')?.source, 'dossiers');
    assert.equal(model.indicators.get('TL_HS_TRUC_TUYEN')?.published, true);
    assert.equal(
      (await ensureStarterModel(t.platform.database.db)).loaded,
      false,
      'a model exists: nothing loaded',
    );
    const audit = await t.platform.database.query<{ action: string }>(
      `select action from audit_log where action like 'indicators.%' order by id`,
    );
    assert.ok(audit.some((a) => a.action === 'indicators.model.import'));
    assert.ok(audit.some((a) => a.action === 'indicators.element.save'));
  });

  it('when an import has a bad object, then every error names its list, index and code, and nothing is written', async () => {
    const before = await exportModel(t.platform.database.db);
    const file = {
      ...STARTER_MODEL,
      elements: [
        ...STARTER_MODEL.elements,
        { code: 'bad code', name: { vi: 'x' } },
        { code: 'OK_ONE', name: { vi: 'Mới' } },
      ],
      indicators: [{ code: 'I_NEW', name: { vi: 'x' }, numerator: 'MISSING_ONE' }],
    };
    await assert.rejects(importModel(province.ctx, file), (e: unknown) => {
      assert.ok(e instanceof Invalid);
      assert.ok(e.fields.some((f) => f.field.startsWith('elements.13.code') && /elements\[13\]/.test(f.en)));
      return true;
    });
    const fixed = { ...file, elements: [...STARTER_MODEL.elements, { code: 'OK_ONE', name: { vi: 'Mới' } }] };
    await assert.rejects(
      importModel(province.ctx, fixed),
      (e: unknown) => e instanceof Invalid && /no data element MISSING_ONE/.test(e.fields[0]?.en ?? ''),
    );
    assert.deepEqual(await exportModel(t.platform.database.db), before, 'nothing was written');
  });
});
