import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, createTestApp, type TestApp } from '#test/support/app.ts';
import { importModel, STARTER_MODEL } from './index.ts';
import { type MovableClock, PROCEDURE, setupTree, type Tree } from './indicators.test-support.ts';

/** A dossier filed and decided through the HTTP API reaches its indicator values within the 5 s budget. */
describe('collected values follow the work, through the dossiers API', () => {
  let t: TestApp;
  let clock: MovableClock;
  let tree: Tree;
  let token: Record<'desk' | 'spec' | 'lead', string>;

  const value = async (element: string, period: string) => {
    const [r] = await t.platform.database.query<{ v: string }>(
      `select value::text as v from indicator_values where element = $1 and period = $2 and place_id = $3`,
      [element, period, t.places.a.id],
    );
    return r ? Number(r.v) : 0;
  };

  /** Milliseconds until `check` holds, polling every 10 ms; fails past 5 s. */
  const until = async (check: () => Promise<boolean>) => {
    const t0 = performance.now();
    while (!(await check())) {
      if (performance.now() - t0 > 5000) assert.fail('the values did not follow within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return performance.now() - t0;
  };

  const action = (who: string, code: string, body: object) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${encodeURIComponent(code)}/actions`,
      headers: { authorization: `Bearer ${who}` },
      payload: body,
    });

  before(async () => {
    clock = fixedClock(new Date('2026-12-10T02:00:00Z'));
    t = await createTestApp({ clock });
    tree = await setupTree(t, 'co');
    await importModel(tree.province.ctx, STARTER_MODEL);
    token = {
      desk: await t.token('co_desk_a'),
      spec: await t.token('co_spec_a'),
      lead: await t.token('co_lead_a'),
    };
  });
  after(() => t.close());

  it('when a dossier is filed and then decided, then its counts change within 5 s of each answer', async (tc) => {
    const fd = new FormData();
    fd.append('procedureCode', PROCEDURE.code);
    fd.append('unitCode', COMMUNE_A);
    fd.append(
      'applicant',
      JSON.stringify({
        name: 'Hoàng Văn Lâm',
        idNumber: '020190000789',
        phone: '0912000222',
        address: 'Mẫu Sơn',
      }),
    );
    fd.append('form', '{}');
    fd.append('channel', '2');
    fd.append('helpedPlaceCode', COMMUNE_A);
    fd.append('receiveNow', 'true');
    const body = new Response(fd);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/dossiers',
      headers: {
        authorization: `Bearer ${token.desk}`,
        'content-type': body.headers.get('content-type') ?? '',
      },
      payload: Buffer.from(await body.arrayBuffer()),
    });
    assert.equal(res.statusCode, 201, res.body);
    const code = res.json().code as string;
    const filed = await until(async () => (await value('HS_NHAN_DANG_MO', '202612')) === 1);
    assert.equal(await value('HS_NHAN_TRUC_TUYEN', '202612'), 1);
    assert.equal(await value('HS_NHAN', '2026W50'), 1, 'the ISO week too');

    clock.set(new Date('2026-12-11T02:00:00Z'));
    assert.equal(
      (await action(token.desk, code, { type: 'assign', assigneeId: tree.specialist.a.id })).statusCode,
      200,
    );
    assert.equal((await action(token.spec, code, { type: 'submit_for_approval' })).statusCode, 200);
    const decided = await action(token.lead, code, { type: 'approve' });
    assert.equal(decided.statusCode, 200, decided.body);
    const ms = await until(async () => (await value('HS_GIAI_QUYET', '202612')) === 1);
    tc.diagnostic(`filed → values: ${filed.toFixed(0)} ms; decided → values: ${ms.toFixed(0)} ms`);
    assert.equal(await value('HS_GIAI_QUYET_DUNG_HAN', '202612'), 1);
    assert.equal(await value('HS_NHAN_DANG_MO', '202612'), 0, 'no longer open: the row is gone');
    assert.ok(ms < 5000);
    const [row] = await t.platform.database.query<{ source: string; entered_by: string | null }>(
      `select source, entered_by from indicator_values where element = 'HS_GIAI_QUYET' and period = '202612'`,
    );
    assert.deepEqual(row, { source: 'dossiers', entered_by: null }, 'each value says where it came from');
  });
});
