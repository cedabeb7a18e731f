import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addVillage } from '#modules/places/index.ts';
import { fixedClock } from '#platform/clock.ts';
import { COMMUNE_A, COMMUNE_B, createTestApp, type TestApp } from '#test/support/app.ts';
import { actApi, apiSubmit, created, outbox, setupDossiers } from './dossiers.test-support.ts';

type Ids = Awaited<ReturnType<typeof setupDossiers>>['ids'];

describe('who may take each workflow action', () => {
  let t: TestApp;
  let ids: Ids;
  const tokens: Record<string, string> = {};
  // Monday 2 March 2026, 08:00 in Vietnam.
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z'));
  let seq = 0;

  before(async () => {
    t = await createTestApp({ clock });
    const s = await setupDossiers(t);
    ids = s.ids;
    const village = await addVillage(s.adminCtx, COMMUNE_A, { name: 'Khuổi Tào', type: 'thôn' });
    await t.user('team_village', 'receptionist', village.code);
    for (const u of [
      'desk_a',
      'spec_a',
      'spec_a2',
      'lead_a',
      'admin_a',
      'desk_b',
      'spec_b',
      'lead_b',
      'team_village',
    ]) {
      tokens[u] = await t.token(u);
    }
  });
  after(() => t.close());

  const tok = (u: string) => tokens[u] as string;
  const newDossier = async () =>
    created(await apiSubmit(t, { key: `perm-${++seq}-${'x'.repeat(16)}`, applicant: undefined })).code;
  const step = async (code: string, user: string, body: Record<string, unknown>) => {
    const res = await actApi(t, tok(user), code, body);
    assert.equal(res.statusCode, 200, `${user} ${JSON.stringify(body)}: ${res.body}`);
    return res.json();
  };
  /** A dossier brought to a step by the right people. */
  const at = async (target: string) => {
    const code = await newDossier();
    if (target === 'submitted') return code;
    await step(code, 'desk_a', { type: 'receive' });
    if (target === 'received') return code;
    await step(code, 'desk_a', { type: 'assign', assigneeId: ids.specialist });
    if (target === 'in_progress') return code;
    if (target === 'supplement') {
      await step(code, 'spec_a', {
        type: 'request_supplement',
        documents: ['giayChungSinh'],
        note: 'Ảnh mờ',
      });
      return code;
    }
    await step(code, 'spec_a', { type: 'submit_for_approval' });
    if (target === 'pending_approval') return code;
    await step(code, 'lead_a', { type: 'approve' });
    if (target === 'decided') return code;
    await step(code, 'desk_a', { type: 'result_ready' });
    return code;
  };

  const everyone = [
    'desk_a',
    'spec_a',
    'spec_a2',
    'lead_a',
    'admin_a',
    'desk_b',
    'spec_b',
    'lead_b',
    'team_village',
  ];
  const cases: { action: Record<string, unknown>; from: string; allowed: string[] }[] = [
    { action: { type: 'receive' }, from: 'submitted', allowed: ['desk_a'] },
    { action: { type: 'refuse', note: 'Không thuộc thẩm quyền' }, from: 'submitted', allowed: ['desk_a'] },
    { action: { type: 'assign', assigneeId: 0 }, from: 'received', allowed: ['desk_a', 'lead_a'] },
    { action: { type: 'forward', unitCode: COMMUNE_B }, from: 'received', allowed: ['desk_a', 'lead_a'] },
    {
      action: { type: 'request_supplement', documents: ['toKhai'], note: 'Thiếu chữ ký' },
      from: 'in_progress',
      allowed: ['spec_a'],
    },
    { action: { type: 'supplement_received' }, from: 'supplement', allowed: ['desk_a'] },
    { action: { type: 'submit_for_approval' }, from: 'in_progress', allowed: ['spec_a'] },
    { action: { type: 'approve' }, from: 'pending_approval', allowed: ['lead_a'] },
    { action: { type: 'reject', note: 'Không đủ điều kiện' }, from: 'pending_approval', allowed: ['lead_a'] },
    { action: { type: 'result_ready' }, from: 'decided', allowed: ['desk_a', 'spec_a', 'spec_a2'] },
    { action: { type: 'result_returned' }, from: 'result_ready', allowed: ['desk_a'] },
    { action: { type: 'withdraw' }, from: 'received', allowed: ['desk_a'] },
    {
      action: { type: 'stop', note: 'Người yêu cầu không còn cư trú' },
      from: 'in_progress',
      allowed: ['lead_a'],
    },
  ];

  for (const c of cases) {
    it(`when ${String(c.action.type)} is tried at ${c.from} by each official, then only ${c.allowed.join(', ')} may; the others get 403`, async () => {
      const code = await at(c.from);
      const action = c.action.type === 'assign' ? { ...c.action, assigneeId: ids.specialist } : c.action;
      for (const user of everyone.filter((u) => !c.allowed.includes(u))) {
        const res = await actApi(t, tok(user), code, action);
        assert.equal(res.statusCode, 403, `${user} must not ${String(c.action.type)}: ${res.body}`);
      }
      const res = await actApi(t, tok(c.allowed[0] as string), code, action);
      assert.equal(res.statusCode, 200, res.body);
    });
  }

  it('when an action does not fit the step (approve a dossier never submitted for approval), then 409, even for the right role', async () => {
    const code = await at('received');
    const res = await actApi(t, tok('lead_a'), code, { type: 'approve' });
    assert.equal(res.statusCode, 409);
    assert.match(res.json().messages.vi, /không thể thực hiện/);
  });

  it('when no token is sent, then 401; without a reason for refusing, 400 naming the field', async () => {
    const code = await at('submitted');
    const anon = await t.app.inject({
      method: 'POST',
      url: `/api/v1/dossiers/${code}/actions`,
      payload: { type: 'receive' },
    });
    assert.equal(anon.statusCode, 401);
    const res = await actApi(t, tok('desk_a'), code, { type: 'refuse' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].field, 'body.note');
  });

  it('when the specialist is not the one assigned, then they cannot submit it for approval; the assignee can', async () => {
    const code = await at('in_progress');
    assert.equal((await actApi(t, tok('spec_a2'), code, { type: 'submit_for_approval' })).statusCode, 403);
    assert.equal((await actApi(t, tok('spec_a'), code, { type: 'submit_for_approval' })).statusCode, 200);
  });

  it('when assigning to someone who is not a specialist of the unit, then 400', async () => {
    const code = await at('received');
    const res = await actApi(t, tok('desk_a'), code, { type: 'assign', assigneeId: ids.specialistB });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().errors[0].field, 'assigneeId');
  });

  it('when another commune’s official opens, lists or acts on the dossier, then 403 everywhere', async () => {
    const code = await at('received');
    const actions = await t.app.inject({
      method: 'GET',
      url: `/api/v1/dossiers/${code}/actions`,
      headers: { authorization: `Bearer ${tok('desk_b')}` },
    });
    assert.equal(actions.statusCode, 403);
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/v1/dossiers/${code}/actions`,
      headers: { authorization: `Bearer ${tok('desk_a')}` },
    });
    assert.equal(own.statusCode, 200);
    assert.deepEqual(
      own.json().items.map((a: { type: string; statusCode: number }) => [a.type, a.statusCode]),
      [
        ['submit', 1],
        ['receive', 2],
      ],
    );
    const cookie = await t.signIn('desk_b');
    const page = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/ho-so/${code}`,
      headers: { cookie, accept: 'text/html' },
    });
    assert.equal(page.statusCode, 403);
    const { csrf, cookie: c2 } = await t.formToken('/quan-tri/ho-so', cookie);
    const forged = await t.app.inject({
      method: 'POST',
      url: `/quan-tri/ho-so/${code}/thao-tac`,
      headers: { cookie: c2, accept: 'text/html' },
      payload: { _csrf: csrf, type: 'assign', assigneeId: String(ids.specialistB) },
    });
    assert.equal(forged.statusCode, 403);
    const queue = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/ho-so?view=open',
      headers: { cookie },
    });
    assert.doesNotMatch(queue.body, new RegExp(code.replace(/\./g, '\\.')));
  });

  it('when commune A forwards the dossier to commune B, then it keeps its code, B’s desk sees and acts on it, and A no longer can', async () => {
    const code = await at('in_progress');
    const r = await step(code, 'desk_a', {
      type: 'forward',
      unitCode: COMMUNE_B,
      note: 'Nơi cư trú ở Đồng Đăng',
    });
    assert.equal(r.code, code);
    assert.equal(r.statusCode, 4);
    assert.equal(
      (await actApi(t, tok('desk_a'), code, { type: 'assign', assigneeId: ids.specialist })).statusCode,
      403,
    );
    const res = await step(code, 'desk_b', { type: 'assign', assigneeId: ids.specialistB });
    assert.deepEqual(res.available, ['assign', 'forward', 'withdraw']);
    const cookie = await t.signIn('desk_b');
    const queue = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/ho-so?view=open',
      headers: { cookie },
    });
    assert.match(queue.body, new RegExp(code.replace(/\./g, '\\.')));
  });

  it('when a community-team member (a desk grant at a village) tries to receive a commune dossier, then 403: they help file, the commune receives', async () => {
    const code = await at('submitted');
    assert.equal((await actApi(t, tok('team_village'), code, { type: 'receive' })).statusCode, 403);
  });

  it('when the page was opened before someone else acted, then the stale form is refused with 409 and nothing is recorded twice', async () => {
    const code = await at('submitted');
    const cookie = await t.signIn('desk_a');
    const { csrf, cookie: c } = await t.formToken(`/quan-tri/ho-so/${code}`, cookie);
    const page = await t.app.inject({
      method: 'GET',
      url: `/quan-tri/ho-so/${code}`,
      headers: { cookie: c },
    });
    const expected = /name="expected" value="(\d+)"/.exec(page.body)?.[1];
    assert.ok(expected);
    const post = () =>
      t.app.inject({
        method: 'POST',
        url: `/quan-tri/ho-so/${code}/thao-tac`,
        headers: { cookie: c, accept: 'text/html' },
        payload: { _csrf: csrf, type: 'receive', expected },
      });
    const first = await post();
    assert.equal(first.statusCode, 303);
    const second = await post();
    assert.equal(second.statusCode, 409);
    assert.match(second.body, /không thể thực hiện|vừa được người khác cập nhật/);
    const rows = await t.platform.database.query<{ n: number }>(
      "select count(*)::int as n from dossier_actions a join dossiers d on d.id = a.dossier_id where d.code = $1 and a.type = 'receive'",
      [code],
    );
    assert.equal(rows[0]?.n, 1);
  });

  it('when the whole journey runs, then the clock starts at receipt, pauses for the supplement, and one SMS goes out per status change and when the result is ready', async () => {
    const phone = '0912000777';
    const code = created(
      await apiSubmit(t, {
        key: 'journey-key-0000000001',
        applicant: {
          name: 'Lý Thị Hoa',
          idNumber: '020190000999',
          phone,
          address: 'Bản Nà Pàn, xã Mẫu Sơn',
        },
      }),
    ).code;
    clock.set(new Date('2026-03-02T02:00:00Z')); // Mon 09:00
    const received = await step(code, 'desk_a', { type: 'receive' });
    assert.equal(received.dueAt, '2026-03-05T10:00:00.000Z', '3 working days: Thu 5 Mar 17:00');
    await step(code, 'desk_a', { type: 'assign', assigneeId: ids.specialist });
    clock.set(new Date('2026-03-03T02:00:00Z')); // Tue 09:00
    const asked = await step(code, 'spec_a', {
      type: 'request_supplement',
      documents: ['giayChungSinh'],
      note: 'Ảnh giấy chứng sinh bị mờ',
    });
    assert.equal(asked.statusCode, 5);
    clock.set(new Date('2026-03-05T02:00:00Z')); // Thu 09:00: paused two working days
    const resumed = await step(code, 'desk_a', { type: 'supplement_received' });
    assert.equal(resumed.statusCode, 4);
    assert.equal(
      resumed.dueAt,
      '2026-03-09T10:00:00.000Z',
      'the pause (2 days) is not counted: Mon 9 Mar 17:00',
    );
    await step(code, 'spec_a', { type: 'submit_for_approval' });
    await step(code, 'lead_a', { type: 'approve' });
    await step(code, 'desk_a', { type: 'result_ready' });
    const done = await step(code, 'desk_a', { type: 'result_returned' });
    assert.equal(done.statusCode, 10);
    assert.deepEqual(done.available, []);

    const sms = await outbox(t, phone);
    assert.deepEqual(
      sms.map((m) => m.template),
      [
        'dossiers.submitted',
        'dossiers.received',
        'dossiers.in_progress',
        'dossiers.supplement_requested',
        'dossiers.in_progress',
        'dossiers.approved',
        // The result is ready (status 9 still): the message the approval promised (issue 14 item 6).
        'dossiers.result_ready',
        'dossiers.returned',
      ],
    );
    assert.match(sms[1]?.body ?? '', /hẹn trả kết quả 17:00 05\/03\/2026/);
    assert.match(sms[3]?.body ?? '', /cần bổ sung: Ảnh giấy chứng sinh bị mờ/);
    const [row] = await t.platform.database.query<{ status: number; step: string; decision: string }>(
      'select status, step, decision from dossiers where code = $1',
      [code],
    );
    assert.deepEqual(row, { status: 10, step: 'returned', decision: 'approved' });
  });

  it('when someone tries to change or delete the action log, then the database refuses', async () => {
    const db = t.platform.database;
    await assert.rejects(() => db.query("update dossier_actions set note = 'sửa'"), /append-only/);
    await assert.rejects(() => db.query('delete from dossier_actions'), /append-only/);
  });
});
