/**
 * The field kit's sync across a server crash: a kit sends 100 visits in one push; while the server
 * is applying them it is killed (SIGKILL, no goodbye); the kit gets no answer, so it sends the same
 * push again to the restarted server. Every visit must exist exactly once, the ones applied before
 * the crash answered as replays, the rest applied now; nothing half-applied (a claim without its
 * change, or a change without its answer) may survive the crash.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DEMO_PASSWORD, type RunningServer, startServer } from '#test/browser/support.ts';
import { createTestDatabase, serverUrl } from '#test/support/db.ts';

const HAMLET_CODE = '06541.01';
const VISITS = 100;

describe('field kit sync across a server crash', {
  skip: serverUrl ? undefined : 'needs a PostgreSQL server',
}, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: RunningServer | undefined;
  let sql: pg.Client;

  before(async () => {
    database = await createTestDatabase();
    // synchronous_commit back on (the throwaway cluster turns durability off for speed).
    await database.query(
      `alter database ${new URL(database.url ?? '').pathname.slice(1)} set synchronous_commit = on`,
    );
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });
  after(async () => {
    await server?.stop();
    await sql?.end();
    await database?.close();
  });

  const start = () => startServer({ env: { DATABASE_URL: database.url ?? '', JOBS: 'false' } });

  async function call<T>(path: string, token: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${server?.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as T };
  }

  it('when the server dies in the middle of a push and the kit sends it again, then every visit is applied exactly once', async () => {
    server = await start();
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'thanhvien', password: DEMO_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const hamletId = (
      (await (await fetch(`${server.url}/api/v1/places/${HAMLET_CODE}`)).json()) as { id: number }
    ).id;
    const clientId = randomUUID();
    const households = Array.from({ length: 10 }, () => randomUUID());
    const created = await call<{ results: { status: string }[] }>('/api/v1/fieldkit/push', token, {
      clientId,
      appVersion: 'crash-test',
      commands: households.map((id, i) => ({
        id: randomUUID(),
        type: 'household.create',
        protocol: 1,
        data: {
          id,
          hamletId,
          fields: { headName: `Hộ thử ${i}`, members: 4, address: `Xóm ${i}`, consent: true },
        },
      })),
    });
    assert.ok(created.json.results.every((r) => r.status === 'applied'));
    const pull = await call<{ checklist: { id: number } }>('/api/v1/fieldkit/pull', token);
    const commands = Array.from({ length: VISITS }, (_, i) => ({
      id: randomUUID(),
      type: 'visit.record',
      protocol: 1,
      data: {
        id: randomUUID(),
        householdId: households[i % households.length],
        meta: {
          startedAt: '2026-12-04T08:00:00+07:00',
          endedAt: '2026-12-04T08:15:00+07:00',
          checklistId: pull.json.checklist.id,
        },
        answers: { smartphone: true, vneid_adults: 1, cashless: false, public_service_account: true },
      },
    }));
    const batch = { clientId, appVersion: 'crash-test', commands };
    const ids = commands.map((c) => `'${c.id}'`).join(',');
    const applied = async () =>
      Number(
        (
          await sql.query<{ n: number }>(
            `select count(*)::int as n from fieldkit_commands where client_id = $1 and command_id in (${ids})`,
            [clientId],
          )
        ).rows[0]?.n,
      );

    const firstTry = call('/api/v1/fieldkit/push', token, batch).catch((e: Error) => e);
    // Kill the server once a fifth of the push has committed.
    let before = 0;
    const deadline = Date.now() + 30_000;
    while (before < 20 && Date.now() < deadline) before = await applied();
    await server.crash();
    const lost = await firstTry;
    assert.ok(lost instanceof Error, 'the kit got no answer to the first push');
    const committed = await applied();
    assert.ok(
      committed > 0 && committed < VISITS,
      `the crash came mid-push (${committed} of ${VISITS} committed)`,
    );
    // Nothing half-done: every committed claim has its answer and its visit.
    const [halves] = (
      await sql.query<{ empty: number }>(
        `select count(*)::int as empty from fieldkit_commands
          where client_id = $1 and command_id in (${ids}) and result = '{}'::jsonb`,
        [clientId],
      )
    ).rows;
    assert.equal(halves?.empty, 0, 'no claim without its answer');
    const [{ n: visitsBefore } = { n: -1 }] = (
      await sql.query<{ n: number }>(
        `select count(*)::int as n from fieldkit_visits where household_id = any($1::uuid[])`,
        [households],
      )
    ).rows;
    assert.equal(visitsBefore, committed, 'one visit per committed command, none more');

    server = await start();
    const again = await call<{ results: { status: string; replayed?: boolean }[] }>(
      '/api/v1/fieldkit/push',
      token,
      batch,
    );
    assert.equal(again.status, 200);
    assert.equal(again.json.results.length, VISITS);
    assert.ok(again.json.results.every((r) => r.status === 'applied'));
    assert.equal(
      again.json.results.filter((r) => r.replayed).length,
      committed,
      'what was applied before the crash is a replay',
    );
    const counts = (
      await sql.query<{ visits: number; visit_count: number }>(
        `select (select count(*)::int from fieldkit_visits v where v.household_id = h.id) as visits, h.visit_count
           from fieldkit_households h where h.id = any($1::uuid[])`,
        [households],
      )
    ).rows;
    assert.deepEqual(
      counts.map((c) => [c.visits, c.visit_count]),
      households.map(() => [VISITS / households.length, VISITS / households.length]),
    );
    console.log(
      `crash mid-push: ${committed} of ${VISITS} committed before SIGKILL; the resend replayed ${committed} and applied ${VISITS - committed}`,
    );
  });
});
