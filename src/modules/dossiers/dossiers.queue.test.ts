import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '#platform/auth/actor.ts';
import { fixedClock } from '#platform/clock.ts';
import type { Ctx } from '#platform/context.ts';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import * as q from './dossiers.queries.ts';
import { listQueue, queueFilter } from './dossiers.read.ts';
import { QueueQuery } from './dossiers.schemas.ts';
import { APPLICANT, actApi, apiSubmit, created, setupDossiers } from './dossiers.test-support.ts';

type Ids = Awaited<ReturnType<typeof setupDossiers>>['ids'];

describe('the staff queue', () => {
  let t: TestApp;
  let ids: Ids;
  const clock = fixedClock(new Date('2026-03-02T01:00:00Z')); // Mon 08:00
  const tokens: Record<string, string> = {};
  const codes: Record<string, string> = {};

  const ctxOf = (actor: Actor): Ctx => ({
    db: t.platform.database.db,
    sql: t.platform.database,
    actor,
    meta: { ip: '127.0.0.1', userAgent: undefined },
    clock,
    events: t.platform.events,
  });
  const staffActor = (
    userId: number,
    role: 'receptionist' | 'specialist' | 'approver' | 'admin',
    place = t.places.a,
  ): Actor => ({
    kind: 'staff',
    userId,
    username: `u${userId}`,
    displayName: `u${userId}`,
    grants: [{ role, placeId: place.id, placePath: place.path, placeName: place.fullName }],
  });
  const list = async (actor: Actor, query: Record<string, unknown> = {}) =>
    listQueue(ctxOf(actor), QueueQuery.parse(query));
  const codesOf = (rows: { code: string }[]) => rows.map((r) => r.code);

  before(async () => {
    t = await createTestApp({ clock });
    ids = (await setupDossiers(t)).ids;
    for (const u of ['desk_a', 'spec_a', 'lead_a']) tokens[u] = await t.token(u);
    const submit = async (name: string, phone: string, key: string) =>
      created(await apiSubmit(t, { key, applicant: { ...APPLICANT, name, phone } })).code;
    codes.fresh = await submit('Hoàng Thị Mai', '0912345678', 'queue-key-0000000001');
    codes.received = await submit('Nông Văn Bình', '0912000002', 'queue-key-0000000002');
    codes.assigned = await submit('Lường Thị Cúc', '0912000003', 'queue-key-0000000003');
    codes.pending = await submit('Vi Văn Dũng', '0912000004', 'queue-key-0000000004');
    codes.returned = await submit('Triệu Thị Én', '0912000005', 'queue-key-0000000005');
    const act = async (u: string, code: string, body: Record<string, unknown>) => {
      const r = await actApi(t, tokens[u] as string, code, body);
      assert.equal(r.statusCode, 200, r.body);
    };
    for (const c of [codes.received, codes.assigned, codes.pending, codes.returned])
      await act('desk_a', c as string, { type: 'receive' });
    for (const c of [codes.assigned, codes.pending, codes.returned]) {
      await act('desk_a', c as string, { type: 'assign', assigneeId: ids.specialist });
    }
    for (const c of [codes.pending, codes.returned])
      await act('spec_a', c as string, { type: 'submit_for_approval' });
    await act('lead_a', codes.returned as string, { type: 'approve' });
    await act('desk_a', codes.returned as string, { type: 'result_ready' });
    await act('desk_a', codes.returned as string, { type: 'result_returned' });
  });
  after(() => t.close());

  it('when each role opens "my work", then the desk sees what waits on it, the specialist their files, the approver what to sign', async () => {
    const desk = await list(staffActor(ids.desk, 'receptionist'));
    assert.deepEqual(codesOf(desk.rows).sort(), [codes.fresh, codes.received].sort());
    const spec = await list(staffActor(ids.specialist, 'specialist'));
    assert.deepEqual(codesOf(spec.rows), [codes.assigned]);
    const other = await list(staffActor(ids.specialist2, 'specialist'));
    assert.deepEqual(codesOf(other.rows), []);
    const lead = await list(staffActor(ids.approver, 'approver'));
    assert.deepEqual(codesOf(lead.rows), [codes.pending]);
  });

  it('when a step only repeats its status, then the queue and the dossier page say it once (no “Đang xử lý Đang xử lý”)', async () => {
    const cookie = await t.signIn('desk_a');
    const record = async (code: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/quan-tri/ho-so/${encodeURIComponent(code)}`,
        headers: { cookie },
      });
      const line = /<p><span class="tag status-\d+">[\s\S]*?<\/p>/.exec(res.body)?.[0] ?? '';
      return line
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    };
    assert.equal(await record(codes.assigned as string), 'Đang xử lý');
    assert.equal(
      await record(codes.pending as string),
      'Đang xử lý Chờ lãnh đạo ký duyệt',
      'a step that adds something stays',
    );
    assert.equal(await record(codes.returned as string), 'Đã trả kết quả Trước hạn');
    assert.equal(await record(codes.received as string), 'Đã tiếp nhận Đã tiếp nhận, chờ phân công');
    const queue = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/ho-so?view=open',
      headers: { cookie },
    });
    const row = (code: string) =>
      (
        new RegExp(`<tr data-code="${code.replace(/\./g, '\\.')}">([\\s\\S]*?)</tr>`).exec(queue.body)?.[1] ??
        ''
      )
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ');
    assert.equal(
      row(codes.assigned as string).match(/Đang xử lý/g)?.length,
      1,
      row(codes.assigned as string),
    );
    assert.match(row(codes.pending as string), /Đang xử lý Chờ lãnh đạo ký duyệt/);
  });

  it('when filtering open, closed, by status or procedure, then only matching dossiers come back; commune B sees none of A’s', async () => {
    const open = await list(staffActor(ids.desk, 'receptionist'), { view: 'open' });
    assert.equal(open.rows.length, 4);
    const closed = await list(staffActor(ids.desk, 'receptionist'), { view: 'closed' });
    assert.deepEqual(codesOf(closed.rows), [codes.returned]);
    const two = await list(staffActor(ids.desk, 'receptionist'), { view: 'open', status: 2 });
    assert.deepEqual(codesOf(two.rows), [codes.received]);
    const none = await list(staffActor(ids.desk, 'receptionist'), { view: 'open', procedure: '1.000000' });
    assert.equal(none.rows.length, 0);
    const b = await list(staffActor(ids.deskB, 'receptionist', t.places.b), { view: 'open' });
    assert.equal(b.rows.length, 0);
  });

  it('when searching by code prefix, by phone (any format) or by name without diacritics, then the dossier is found', async () => {
    const desk = staffActor(ids.desk, 'receptionist');
    assert.deepEqual(codesOf((await list(desk, { view: 'open', q: codes.received })).rows), [codes.received]);
    assert.deepEqual(codesOf((await list(desk, { view: 'open', q: '+84 912 000 003' })).rows), [
      codes.assigned,
    ]);
    assert.deepEqual(codesOf((await list(desk, { view: 'open', q: 'luong thi cuc' })).rows), [
      codes.assigned,
    ]);
    assert.deepEqual(codesOf((await list(desk, { view: 'open', q: 'Lường' })).rows), [codes.assigned]);
    // Not the start of the name: found anywhere in it, once the prefix search finds nothing.
    assert.deepEqual(codesOf((await list(desk, { view: 'open', q: 'thi cuc' })).rows), [codes.assigned]);
  });

  it('when the due time nears or passes, then the due filters find the running clocks (3 days from Mon 2 Mar: Thu 5 Mar 17:00)', async () => {
    const desk = staffActor(ids.desk, 'receptionist');
    const running = [codes.received, codes.assigned, codes.pending].sort();
    assert.deepEqual(codesOf((await list(desk, { view: 'open', due: 'near' })).rows), []);
    clock.set(new Date('2026-03-05T02:00:00Z')); // Thu 09:00: due within a working day
    assert.deepEqual(codesOf((await list(desk, { view: 'open', due: 'near' })).rows).sort(), running);
    assert.deepEqual(codesOf((await list(desk, { view: 'open', due: 'late' })).rows), []);
    clock.set(new Date('2026-03-06T02:00:00Z')); // Fri 09:00: past due
    assert.deepEqual(codesOf((await list(desk, { view: 'open', due: 'late' })).rows).sort(), running);
    const page = await t.app.inject({
      method: 'GET',
      url: '/quan-tri/ho-so?view=open&due=late',
      headers: { cookie: await t.signIn('desk_a') },
    });
    assert.equal(page.statusCode, 200);
    assert.equal((page.body.match(/class="tag">quá hạn</g) ?? []).length, 3);
    clock.set(new Date('2026-03-02T01:00:00Z'));
  });

  describe('over many rows', () => {
    before(async () => {
      // 30,000 generated dossiers over 300 made-up communes of the province, 1 in 10 still open.
      const db = t.platform.database;
      await db.query(
        `insert into dossiers (code, agency_code, procedure_code, procedure_version, procedure_name, applicant_name,
           applicant_phone, form_data, channel, unit_id, unit_path, submitted_at, due_at, status, step)
         select 'GEN-' || lpad(i::text, 6, '0') || '-0001', 'GEN', '9.000001', '1', 'Sinh dữ liệu',
           'Người số ' || i, '09' || lpad(i::text, 8, '0'), '{}', 2, $1,
           case when i % 300 = 0 then $2 else $3 || (100000 + i % 300) || '/' end,
           now() - (i % 1000) * interval '1 hour', now() + (i % 500) * interval '1 hour',
           case when i % 10 = 0 then 4 else 10 end, case when i % 10 = 0 then 'in_progress' else 'returned' end
         from generate_series(1, 30000) i`,
        [t.places.a.id, t.places.a.path, t.places.province.path],
      );
      await db.query('analyze dossiers');
    });

    const explain = async (
      actor: Actor,
      query: Record<string, unknown>,
      extra: Partial<q.QueueFilter> = {},
    ) => {
      const f = await queueFilter(ctxOf(actor), QueueQuery.parse(query));
      const built = q.queueQuery(t.platform.database.db, { ...f, ...extra }).toSQL();
      const rows = await t.platform.database.query<{ 'QUERY PLAN': string }>(
        `explain ${built.sql}`,
        built.params,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };

    it('when a commune’s desk opens the queue, then the plan walks the unit’s open-dossier index, never the whole table', async () => {
      const plan = await explain(staffActor(ids.desk, 'receptionist'), { view: 'open' });
      assert.match(plan, /dossiers_open_unit_idx/, plan);
      assert.doesNotMatch(plan, /Seq Scan on dossiers/, plan);
    });

    it('when a province official opens the queue, then the plan reads the open dossiers in due order and stops after a page', async () => {
      const plan = await explain(staffActor(ids.provinceAdmin, 'admin', t.places.province), { view: 'open' });
      assert.match(plan, /dossiers_open_idx|dossiers_open_unit_idx/, plan);
      assert.doesNotMatch(plan, /Seq Scan on dossiers/, plan);
    });

    it('when searching by name or phone, then the name-prefix, trigram and phone indexes are used', async () => {
      const admin = staffActor(ids.provinceAdmin, 'admin', t.places.province);
      const byName = await explain(admin, { view: 'closed', q: 'nguoi so 12345' });
      assert.match(byName, /dossiers_name_prefix_idx/, byName);
      const anywhere = await explain(admin, { view: 'closed', q: 'so 12345' }, { nameAnywhere: true });
      assert.match(anywhere, /dossiers_name_idx/, anywhere);
      const byPhone = await explain(staffActor(ids.provinceAdmin, 'admin', t.places.province), {
        view: 'closed',
        q: '0900012345',
      });
      assert.match(byPhone, /dossiers_phone_idx/, byPhone);
    });

    it('when paging through the province’s open dossiers 100 at a time, then every one comes once, in due order', async () => {
      const admin = staffActor(ids.provinceAdmin, 'admin', t.places.province);
      const seen: string[] = [];
      let after: string | undefined;
      let last = 0;
      for (let i = 0; i < 100; i++) {
        const page = await list(admin, { view: 'open', limit: 100, ...(after ? { after } : {}) });
        for (const r of page.rows) {
          assert.ok(r.sortAt.getTime() >= last, 'due order');
          last = r.sortAt.getTime();
        }
        seen.push(...codesOf(page.rows));
        after = page.next;
        if (!after) break;
      }
      const [{ n } = { n: 0 }] = await t.platform.database.query<{ n: number }>(
        'select count(*)::int as n from dossiers where status not in (3, 7, 8, 10)',
      );
      assert.equal(seen.length, n);
      assert.equal(new Set(seen).size, n);
    });
  });
});
