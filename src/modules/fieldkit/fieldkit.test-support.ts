import { randomUUID } from 'node:crypto';
import { addVillageUnchecked, type Place } from '#modules/places/index.ts';
import type { TestApp } from '#test/support/app.ts';
import { LEADER, MEMBER } from './fieldkit.access.ts';
import type { CommandResult, PullResponse } from './fieldkit.schemas.ts';

export interface Teams {
  a1: Place;
  a2: Place;
  b1: Place;
}

/**
 * Hamlets A1 and A2 in commune A, B1 in commune B, and their people: two members and the leader of
 * A1, a member of A2, a member of B1, the admin of A.
 */
export async function setUpTeams(t: TestApp): Promise<Teams> {
  const db = t.platform.database.db;
  const a1 = await addVillageUnchecked(db, t.places.a, { type: 'thôn', name: 'Khuổi Tào' });
  const a2 = await addVillageUnchecked(db, t.places.a, { type: 'bản', name: 'Nà Pàn' });
  const b1 = await addVillageUnchecked(db, t.places.b, { type: 'thôn', name: 'Pò Mỏ' });
  await t.user('member_a1', MEMBER, a1.code);
  await t.user('member2_a1', MEMBER, a1.code);
  await t.user('leader_a1', LEADER, a1.code);
  await t.user('member_a2', MEMBER, a2.code);
  await t.user('member_b1', MEMBER, b1.code);
  await t.user('admin_a', 'admin', t.places.a.code);
  return { a1, a2, b1 };
}

export const householdFields = (over: Record<string, unknown> = {}) => ({
  headName: 'Hoàng Văn Páo',
  members: 5,
  phones: ['0912345678'],
  address: 'Đầu thôn, cạnh cầu treo',
  consent: true,
  ...over,
});

export const cmd = (type: string, data: Record<string, unknown>, id: string = randomUUID()) => ({
  id,
  type,
  protocol: 1,
  at: '2026-12-04T08:00:00+07:00',
  data,
});

export const visitCommand = (
  householdId: string,
  checklistId: number,
  answers: Record<string, unknown> = {},
) =>
  cmd('visit.record', {
    id: randomUUID(),
    householdId,
    meta: {
      startedAt: '2026-12-04T08:00:00+07:00',
      endedAt: '2026-12-04T08:20:00+07:00',
      lat: 21.85,
      lng: 106.99,
      accuracy: 25,
      checklistId,
    },
    answers: {
      smartphone: true,
      vneid_adults: 2,
      cashless: false,
      public_service_account: true,
      skills: ['vneid'],
      services: [],
      notes: 'Hướng dẫn kích hoạt VNeID cho hai vợ chồng.',
      ...answers,
    },
  });

/** A kit as the API sees it: its token, its own client id. */
export function kitOf(t: TestApp, token: string, clientId: string = randomUUID()) {
  return {
    clientId,
    async push(commands: unknown[]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/fieldkit/push',
        headers: { authorization: `Bearer ${token}` },
        payload: { clientId, appVersion: 'test-1', commands },
      });
      if (res.statusCode !== 200) throw new Error(`push answered ${res.statusCode}: ${res.body}`);
      return res.json().results as CommandResult[];
    },
    async pullRaw(since?: string, checklist?: number) {
      const qs = new URLSearchParams();
      if (since) qs.set('since', since);
      if (checklist) qs.set('checklist', String(checklist));
      return t.app.inject({
        method: 'GET',
        url: `/api/v1/fieldkit/pull?${qs}`,
        headers: { authorization: `Bearer ${token}` },
      });
    },
    async pull(since?: string, checklist?: number) {
      const res = await this.pullRaw(since, checklist);
      if (res.statusCode !== 200) throw new Error(`pull answered ${res.statusCode}: ${res.body}`);
      return res.json() as PullResponse;
    },
    /** Every page until `more` is false, as the kit does. */
    async pullAll(since?: string) {
      let cursor = since;
      const households: PullResponse['households'] = [];
      let last: PullResponse;
      let pages = 0;
      do {
        last = await this.pull(cursor);
        households.push(...last.households);
        cursor = last.cursor;
        pages++;
      } while (last.more);
      return { ...last, households, pages };
    },
  };
}
