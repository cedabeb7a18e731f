import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '#test/support/app.ts';
import {
  cmd,
  householdFields,
  kitOf,
  setUpTeams,
  type Teams,
  visitCommand,
} from './fieldkit.test-support.ts';

describe('the kit’s sync protocol', () => {
  let t: TestApp;
  let teams: Teams;
  let member: ReturnType<typeof kitOf>;
  let member2: ReturnType<typeof kitOf>;
  let leader: ReturnType<typeof kitOf>;
  let checklistId = 0;
  const q = <T>(sql: string) => t.platform.database.query<T>(sql);

  before(async () => {
    t = await createTestApp();
    teams = await setUpTeams(t);
    member = kitOf(t, await t.token('member_a1'));
    member2 = kitOf(t, await t.token('member2_a1'));
    leader = kitOf(t, await t.token('leader_a1'));
    const first = await member.pull();
    checklistId = first.checklist?.id ?? 0;
    assert.ok(checklistId, 'the first pull carries the province’s checklist');
  });
  after(() => t.close());

  async function newHousehold(over: Record<string, unknown> = {}) {
    const id = randomUUID();
    const [r] = await member.push([
      cmd('household.create', { id, hamletId: teams.a1.id, fields: householdFields(over) }),
    ]);
    assert.equal(r?.status, 'applied', JSON.stringify(r));
    return { id, version: r?.household?.version ?? 0 };
  }

  it('when a command is delivered three times, then it is applied once and each delivery gets the same answer', async () => {
    const id = randomUUID();
    const create = cmd('household.create', { id, hamletId: teams.a1.id, fields: householdFields() });
    const visit = visitCommand(id, checklistId);
    const first = await member.push([create, visit]);
    const second = await member.push([create, visit]);
    const third = await member.push([visit]);
    assert.deepEqual(
      first.map((r) => r.status),
      ['applied', 'applied'],
    );
    assert.deepEqual(
      second.map((r) => [r.status, r.replayed]),
      [
        ['applied', true],
        ['applied', true],
      ],
    );
    assert.equal(third[0]?.replayed, true);
    assert.deepEqual(second[1]?.household, first[1]?.household, 'the same answer, the same version');
    const [visits] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_visits where household_id = '${id}'`,
    );
    assert.equal(visits?.n, 1);
    const [h] = await q<{ visit_count: number }>(
      `select visit_count from fieldkit_households where id = '${id}'`,
    );
    assert.equal(h?.visit_count, 1);
    const [commands] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_commands where client_id = '${member.clientId}' and command_id in ('${create.id}', '${visit.id}')`,
    );
    assert.equal(commands?.n, 2);
  });

  it('when the same command arrives three times at once, then it is still applied once', async () => {
    const { id } = await newHousehold({ headName: 'Lý Thị Mai' });
    const visit = visitCommand(id, checklistId);
    const answers = await Promise.all([member.push([visit]), member.push([visit]), member.push([visit])]);
    assert.equal(answers.flat().filter((r) => r.status === 'applied').length, 3);
    assert.equal(answers.flat().filter((r) => r.replayed).length, 2);
    const [v] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_visits where household_id = '${id}'`,
    );
    assert.equal(v?.n, 1);
  });

  it('when two members edit one household offline, then the first edit applies, the second is flagged and both values are kept', async () => {
    const { id, version } = await newHousehold({ headName: 'Triệu Văn Sài', phones: ['0912000111'] });
    const base = { phones: ['0912000111'], members: 5 };
    const one = await member.push([
      cmd('household.update', {
        id,
        baseVersion: version,
        base: { phones: base.phones },
        changes: { phones: ['0987000111'] },
      }),
    ]);
    assert.equal(one[0]?.status, 'applied', JSON.stringify(one));
    const two = await member2.push([
      cmd('household.update', {
        id,
        baseVersion: version,
        base,
        changes: { phones: ['0356000222'], members: 6 },
      }),
    ]);
    assert.equal(two[0]?.status, 'conflict', JSON.stringify(two));
    const [h] = await q<{ phones: string[]; members: number; needs_review: boolean; version: number }>(
      `select phones, members, needs_review, version from fieldkit_households where id = '${id}'`,
    );
    assert.deepEqual(h?.phones, ['0987000111'], 'the first value stays in the register');
    assert.equal(h?.members, 6, 'the field nobody else changed is applied');
    assert.equal(h?.needs_review, true, 'flagged for the team leader');
    const [c] = await q<{
      kind: string;
      fields: { field: string; server: unknown; client: unknown }[];
      member_name: string;
    }>(`select kind, fields, member_name from fieldkit_conflicts where household_id = '${id}'`);
    assert.equal(c?.kind, 'edit');
    assert.equal(c?.member_name, 'member2_a1');
    assert.deepEqual(
      c?.fields.map((f) => [f.field, f.server, f.client]),
      [['phones', ['0987000111'], ['0356000222']]],
    );

    // The leader sees it in a pull (flag) and resolves it with the second member's value.
    const seen = await leader.pullAll();
    assert.equal(seen.households.find((x) => x.id === id)?.needsReview, true);
    const [conflict] = await q<{ id: number }>(
      `select id from fieldkit_conflicts where household_id = '${id}'`,
    );
    const cookie = await t.signIn('leader_a1');
    const page = await t.formToken('/to-cong-nghe/xung-dot', cookie);
    const res = await t.app.inject({
      method: 'POST',
      url: `/to-cong-nghe/xung-dot/${conflict?.id}`,
      headers: { cookie: page.cookie },
      payload: { _csrf: page.csrf, resolution: 'client' },
    });
    assert.equal(res.statusCode, 303, res.body);
    const [resolved] = await q<{ phones: string[]; needs_review: boolean }>(
      `select phones, needs_review from fieldkit_households where id = '${id}'`,
    );
    assert.deepEqual(resolved, { phones: ['0356000222'], needs_review: false });
  });

  it('when a household is deleted online and edited offline, then the edit is flagged and the household stays deleted', async () => {
    const { id, version } = await newHousehold({ headName: 'Vi Thị Hoa' });
    const since = (await member.pullAll()).cursor;
    const del = await leader.push([cmd('household.delete', { id, baseVersion: version, reason: 'moved' })]);
    assert.equal(del[0]?.status, 'applied');
    const edit = await member.push([
      cmd('household.update', { id, baseVersion: version, base: { members: 5 }, changes: { members: 7 } }),
      visitCommand(id, checklistId),
    ]);
    assert.deepEqual(
      edit.map((r) => r.status),
      ['conflict', 'conflict'],
    );
    const [h] = await q<{
      deleted_at: string | null;
      head_name: string | null;
      members: number;
      needs_review: boolean;
    }>(`select deleted_at, head_name, members, needs_review from fieldkit_households where id = '${id}'`);
    assert.ok(h?.deleted_at, 'not resurrected');
    assert.equal(h?.head_name, null, 'its personal data erased');
    assert.equal(h?.members, 5);
    assert.equal(h?.needs_review, true);
    const kinds = await q<{ kind: string; client_record: { members?: number } }>(
      `select kind, client_record from fieldkit_conflicts where household_id = '${id}' order by id`,
    );
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['deleted', 'visit-after-delete'],
    );
    assert.equal(kinds[0]?.client_record.members, 7, 'the member’s value is kept for the leader');
    const [v] = await q<{ after_delete: boolean }>(
      `select after_delete from fieldkit_visits where household_id = '${id}'`,
    );
    assert.equal(v?.after_delete, true, 'the visit happened: it is kept, flagged');
    const pulled = await member.pull(since);
    const tomb = pulled.households.find((x) => x.id === id);
    assert.equal(tomb?.deleted, true, 'kits receive the tombstone');
    assert.equal(tomb?.headName, null);
  });

  it('when the leader restores a household deleted online and edited offline, then it comes back with the member’s values and the name the leader gives', async () => {
    const { id, version } = await newHousehold({ headName: 'Lục Văn Páo', members: 4 });
    await leader.push([cmd('household.delete', { id, baseVersion: version, reason: 'moved' })]);
    const [edit] = await member.push([
      cmd('household.update', { id, baseVersion: version, base: { members: 4 }, changes: { members: 6 } }),
    ]);
    assert.equal(edit?.status, 'conflict');
    const [conflict] = await q<{ id: number }>(
      `select id from fieldkit_conflicts where household_id = '${id}' and resolved_at is null`,
    );
    const cookie = await t.signIn('leader_a1');
    const page = await t.formToken('/to-cong-nghe/xung-dot', cookie);
    const restore = (extra: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/to-cong-nghe/xung-dot/${conflict?.id}`,
        headers: { cookie: page.cookie, accept: 'text/html' },
        payload: { _csrf: page.csrf, resolution: 'restored', ...extra },
      });
    // The deletion erased the head's name: restoring asks for it again, and refuses without it.
    const bare = await restore({});
    assert.equal(bare.statusCode, 400, bare.body);
    assert.match(bare.body, /Nhập họ tên chủ hộ/);
    assert.match(bare.body, /Thay đổi cần tổ trưởng xem lại/, 'the conflicts page again, with the form');
    assert.match(bare.body, new RegExp(`id="c${conflict?.id}-headName"[^>]*aria-invalid="true"`));
    const [still] = await q<{ deleted_at: string | null }>(
      `select deleted_at from fieldkit_households where id = '${id}'`,
    );
    assert.ok(still?.deleted_at, 'nothing restored by a refused form');

    const res = await restore({ headName: 'Lục Văn Páo', phones: '0912 000 333' });
    assert.equal(res.statusCode, 303, res.body);
    const [h] = await q<{
      deleted_at: string | null;
      head_name: string | null;
      phones: string[];
      members: number;
      needs_review: boolean;
    }>(
      `select deleted_at, head_name, phones, members, needs_review from fieldkit_households where id = '${id}'`,
    );
    assert.deepEqual(h, {
      deleted_at: null,
      head_name: 'Lục Văn Páo',
      phones: ['0912000333'],
      members: 6,
      needs_review: false,
    });
    const pulled = await member.pullAll();
    assert.equal(pulled.households.find((x) => x.id === id)?.deleted, false, 'kits receive it back');
  });

  it('when a member or another hamlet’s member resolves a conflict, then it is refused and stays open', async () => {
    const { id, version } = await newHousehold({ headName: 'Hoàng Thị Mỷ' });
    await leader.push([cmd('household.delete', { id, baseVersion: version, reason: 'moved' })]);
    await member.push([
      cmd('household.update', { id, baseVersion: version, base: { members: 5 }, changes: { members: 3 } }),
    ]);
    const [conflict] = await q<{ id: number }>(
      `select id from fieldkit_conflicts where household_id = '${id}' and resolved_at is null`,
    );
    for (const who of ['member_a1', 'member_a2']) {
      const cookie = await t.signIn(who);
      const page = await t.formToken('/to-cong-nghe/', cookie);
      const res = await t.app.inject({
        method: 'POST',
        url: `/to-cong-nghe/xung-dot/${conflict?.id}`,
        headers: { cookie: page.cookie },
        payload: { _csrf: page.csrf, resolution: 'kept-deleted' },
      });
      assert.ok([403, 404].includes(res.statusCode), `${who}: ${res.statusCode}`);
    }
    const [open] = await q<{ resolved_at: string | null }>(
      `select resolved_at from fieldkit_conflicts where id = ${conflict?.id}`,
    );
    assert.equal(open?.resolved_at, null);
  });

  it('when a member deletes, then the command is rejected with the reason and nothing changes', async () => {
    const { id, version } = await newHousehold({ headName: 'Nông Văn Dền' });
    const [r] = await member.push([cmd('household.delete', { id, baseVersion: version, reason: 'moved' })]);
    assert.equal(r?.status, 'rejected');
    assert.equal(r?.message?.vi, 'Bạn không có quyền làm việc này.');
    const [h] = await q<{ deleted_at: string | null }>(
      `select deleted_at from fieldkit_households where id = '${id}'`,
    );
    assert.equal(h?.deleted_at, null);
  });

  it('when a command is invalid, then it alone is rejected with field errors in both languages; the rest apply', async () => {
    const id = randomUUID();
    const results = await member.push([
      cmd('household.create', {
        id,
        hamletId: teams.a1.id,
        fields: householdFields({ members: 0, phones: ['123'] }),
      }),
      cmd('household.create', {
        id: randomUUID(),
        hamletId: teams.a1.id,
        fields: householdFields({ headName: 'Hà Văn Sinh' }),
      }),
      { id: randomUUID(), type: 'household.create', protocol: 99, data: {} },
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'applied', 'rejected'],
    );
    const fields = Object.fromEntries((results[0]?.errors ?? []).map((e) => [e.field, e]));
    assert.equal(fields.members?.vi, 'Phải từ 1 trở lên.');
    assert.match(fields['phones.0']?.en ?? '', /mobile number/);
    assert.match(results[2]?.message?.vi ?? '', /không còn được hỗ trợ/);
    const [n] = await q<{ n: number }>(
      `select count(*)::int as n from fieldkit_households where id = '${id}'`,
    );
    assert.equal(n?.n, 0);
  });

  it('when a kit pulls in pages, then it gets every household once and "more" is false only at the end', async () => {
    const kit = kitOf(t, await t.token('member_a2'));
    const made: string[] = [];
    for (let batch = 0; batch < 7; batch++) {
      const commands = Array.from({ length: 100 }, (_, i) => {
        const id = randomUUID();
        made.push(id);
        return cmd('household.create', {
          id,
          hamletId: teams.a2.id,
          fields: householdFields({ headName: `Hộ số ${batch * 100 + i}` }),
        });
      });
      const r = await kit.push(commands);
      assert.ok(r.every((x) => x.status === 'applied'));
    }
    const first = await kit.pull();
    assert.equal(first.households.length, 500);
    assert.equal(first.more, true);
    const all = await kit.pullAll();
    assert.equal(all.pages, 2);
    assert.deepEqual(new Set(all.households.map((h) => h.id)), new Set(made));
    const again = await kit.pull(all.cursor);
    assert.deepEqual(again.households, [], 'nothing new: nothing sent');
    assert.equal(
      again.checklist?.id,
      checklistId,
      'the checklist comes while the kit does not say it has it',
    );
    const known = await kit.pull(all.cursor, checklistId);
    assert.equal(known.checklist, undefined);
  });
});
