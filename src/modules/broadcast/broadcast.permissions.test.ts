import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Invalid } from '#platform/errors.ts';
import { COMMUNE_A, COMMUNE_B } from '#test/support/app.ts';
import { approveBulletin, createBulletin, submitBulletin } from './broadcast.bulletins.service.ts';
import { buildCap, CAP_GEOCODE_NAME, type CapAlert, capDateTime } from './broadcast.cap.ts';
import { createProgramme } from './broadcast.programmes.service.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { addCluster, type BroadcastTestApp, startBroadcastApp } from './broadcast.test-support.ts';

type Row = Record<string, unknown>;

/**
 * Commune isolation: an operator of commune A never sees, targets or hears commune B's clusters,
 * bulletins or alerts, through pages, the API, the device audio route or a CAP document.
 */
describe('who may see and target which loudspeakers', () => {
  let t: BroadcastTestApp;
  const cookies = new Map<string, string>();
  let bBulletin = 0;
  let bCluster = 0;
  let aCreds: Awaited<ReturnType<typeof addCluster>>;
  let bSha = '';

  const page = (user: string | undefined, url: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { cookie: user ? (cookies.get(user) ?? '') : '', accept: 'text/html' },
    });
  const api = async (user: string, method: 'GET' | 'POST', url: string, payload?: string, type?: string) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await t.token(user)}`, ...(type ? { 'content-type': type } : {}) },
      ...(payload ? { payload } : {}),
    });
  async function post(user: string, from: string, action: string, fields: Record<string, string | string[]>) {
    const { csrf, cookie } = await t.formToken(from, cookies.get(user));
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return t.app.inject({
      method: 'POST',
      url: action,
      headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  }

  function cap(geocode: string, identifier: string): string {
    const alert: CapAlert = {
      identifier,
      sender: 'tinh.20@xaso.local',
      sent: capDateTime(Date.now()),
      status: 'Actual',
      msgType: 'Alert',
      scope: 'Public',
      info: [
        {
          language: 'vi-VN',
          category: ['Met'],
          event: 'Dông lốc',
          urgency: 'Immediate',
          severity: 'Severe',
          certainty: 'Likely',
          headline: 'Cảnh báo dông lốc',
          instruction: 'Bà con không trú dưới gốc cây to.',
          area: [{ areaDesc: 'Thử', geocode: [{ valueName: CAP_GEOCODE_NAME, value: geocode }] }],
        },
      ],
    };
    return buildCap(alert);
  }

  before(async () => {
    // The test voice: these checks run wherever espeak-ng or ffmpeg are missing.
    t = await startBroadcastApp({ villages: 1, start: false, voice: 'test' });
    await t.user('clerk_a', 'receptionist', COMMUNE_A);
    for (const u of ['op_a', 'leader_a', 'op_b', 'clerk_a']) cookies.set(u, await t.signIn(u));
    aCreds = await addCluster(t, t.villagesA[0] as never, 'Loa A');
    const b = await addCluster(t, t.villageB, 'Loa B', 'op_b');
    bCluster = b.cluster.id;
    // B's approved bulletin, with its audio.
    const opB = await t.ctx('op_b');
    const bulletin = await createBulletin(opB, runtimeFor(t.platform).deps, COMMUNE_B, {
      title: 'Tin của xã Đồng Đăng',
      body: 'Chợ phiên họp vào sáng chủ nhật.',
      priority: 'normal',
    });
    bBulletin = bulletin.id;
    bSha = bulletin.audioSha256 as string;
    await submitBulletin(opB, bulletin.id);
    await approveBulletin(await t.ctx('leader_b'), bulletin.id);
  });
  after(() => t?.shutdown());

  it('when the operator of A opens the loudspeaker menu, then they land on A; B’s pages answer 403', async () => {
    const menu = await page('op_a', '/quan-tri/loa');
    assert.equal(menu.statusCode, 303);
    assert.equal(menu.headers.location, `/quan-tri/loa/xa/${COMMUNE_A}`);
    const a = await page('op_a', `/quan-tri/loa/xa/${COMMUNE_A}`);
    assert.equal(a.statusCode, 200);
    assert.match(a.body, /data-cluster="06541\.01-1"/);
    assert.doesNotMatch(a.body, /Loa B/);
    for (const url of [
      `/quan-tri/loa/xa/${COMMUNE_B}`,
      `/quan-tri/loa/xa/${COMMUNE_B}/ban-tin`,
      `/quan-tri/loa/xa/${COMMUNE_B}/bao-cao`,
      `/quan-tri/loa/xa/${COMMUNE_B}/khan-cap`,
      `/quan-tri/loa/xa/${COMMUNE_B}/chuong-trinh`,
      `/quan-tri/loa/ban-tin/${bBulletin}`,
      `/quan-tri/loa/ban-tin/${bBulletin}/am-thanh`,
    ]) {
      assert.equal((await page('op_a', url)).statusCode, 403, url);
    }
  });

  it('when the API is asked for B’s clusters by A’s operator, then 403; by B’s, then only B’s', async () => {
    assert.equal(
      (await api('op_a', 'GET', `/api/v1/broadcast/communes/${COMMUNE_B}/clusters`)).statusCode,
      403,
    );
    const mine = await api('op_b', 'GET', `/api/v1/broadcast/communes/${COMMUNE_B}/clusters`);
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(
      mine.json().items.map((c: { name: string; status: string }) => [c.name, c.status]),
      [['Loa B', 'never']],
    );
  });

  it('when A’s operator tries to register a cluster in B, put B’s cluster in a programme, or target B’s village, then it is refused', async () => {
    const reg = await post('op_a', `/quan-tri/loa/xa/${COMMUNE_A}`, `/quan-tri/loa/xa/${COMMUNE_A}/cum-loa`, {
      placeCode: t.villageB.code,
      name: 'Loa lạ',
    });
    assert.equal(reg.statusCode, 403);
    await assert.rejects(
      createProgramme(await t.ctx('op_a'), COMMUNE_A, {
        name: 'Lẫn',
        clusterIds: [aCreds.cluster.id, bCluster],
      }),
      (e: Invalid) => e instanceof Invalid && e.fields[0]?.vi === 'Có cụm loa không thuộc xã này.',
    );
    const form = `/quan-tri/loa/xa/${COMMUNE_A}/khan-cap`;
    const emergency = await post('op_a', form, form, {
      headline: 'Cảnh báo',
      instruction: 'Bà con sơ tán ngay.',
      targets: [t.villageB.code],
    });
    assert.equal(emergency.statusCode, 400);
    assert.match(emergency.body, /không phải thôn, bản của Xã Mẫu Sơn/);
    const onB = await post('op_a', form, `/quan-tri/loa/xa/${COMMUNE_B}/khan-cap`, {
      headline: 'Cảnh báo',
      instruction: 'Bà con sơ tán ngay.',
      targets: [t.villageB.code],
    });
    assert.equal(onB.statusCode, 403);
    const [n] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from broadcast_commands',
    );
    assert.equal(n?.n, 0);
  });

  it('when A’s operator posts a CAP alert for B’s village, then 403 and nothing is stored; B’s operator may', async () => {
    const refused = await api(
      'op_a',
      'POST',
      '/api/v1/broadcast/cap',
      cap(t.villageB.code, 'T-1'),
      'application/cap+xml',
    );
    assert.equal(refused.statusCode, 403);
    const [none] = await t.platform.database.query<{ n: number }>(
      'select count(*)::int as n from broadcast_alerts',
    );
    assert.equal(none?.n, 0);
    const ok = await api(
      'op_b',
      'POST',
      '/api/v1/broadcast/cap',
      cap(t.villageB.code, 'T-2'),
      'application/cap+xml',
    );
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().devices, 1);
    const alertId = ok.json().id;
    assert.equal((await page('op_a', `/quan-tri/loa/canh-bao/${alertId}`)).statusCode, 403);
    assert.equal((await api('op_a', 'GET', `/api/v1/broadcast/alerts/${alertId}`)).statusCode, 403);
  });

  it('when a device of A asks for B’s audio, then 404; without credentials 401; with its own, its commune’s approved audio only', async () => {
    const basic = (user: string, pass: string) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const url = `/device/audio/${bSha}`;
    const none = await t.app.inject({ method: 'GET', url });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic realm="xaso-loa"/);
    const wrong = await t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: basic(aCreds.cluster.code, 'sai') },
    });
    assert.equal(wrong.statusCode, 401);
    const other = await t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: basic(aCreds.cluster.code, aCreds.password) },
    });
    assert.equal(other.statusCode, 404);
    // A's own draft is not for devices either.
    const draft = await createBulletin(await t.ctx('op_a'), runtimeFor(t.platform).deps, COMMUNE_A, {
      title: 'Nháp',
      body: 'Bản nháp chưa duyệt.',
      priority: 'normal',
    });
    const draftRes = await t.app.inject({
      method: 'GET',
      url: `/device/audio/${draft.audioSha256}`,
      headers: { authorization: basic(aCreds.cluster.code, aCreds.password) },
    });
    assert.equal(draftRes.statusCode, 404);
  });

  it('when A’s operator changes a cluster’s volume, then it is stored and its device is due a push; on B’s cluster, 403', async () => {
    const [before] = await t.platform.database.query<{ sync_version: number }>(
      'select sync_version from broadcast_clusters where id = $1',
      [aCreds.cluster.id],
    );
    const dashboard = `/quan-tri/loa/xa/${COMMUNE_A}`;
    const ok = await post('op_a', dashboard, `/quan-tri/loa/cum-loa/${aCreds.cluster.id}`, {
      volume: '45',
      disabled: 'false',
    });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, dashboard);
    const [after] = await t.platform.database.query<{ volume: number; sync_version: number }>(
      'select volume, sync_version from broadcast_clusters where id = $1',
      [aCreds.cluster.id],
    );
    assert.equal(after?.volume, 45);
    assert.ok((after?.sync_version ?? 0) > (before?.sync_version ?? 0));
    const refused = await post('op_a', dashboard, `/quan-tri/loa/cum-loa/${bCluster}`, { volume: '0' });
    assert.equal(refused.statusCode, 403);
  });

  it('when staff without a loudspeaker role, or nobody, ask, then 403 or 401', async () => {
    assert.equal((await page('clerk_a', `/quan-tri/loa/xa/${COMMUNE_A}`)).statusCode, 403);
    assert.equal((await page(undefined, `/quan-tri/loa/xa/${COMMUNE_A}`)).statusCode, 401);
    const leaderCompose = await page('leader_a', `/quan-tri/loa/xa/${COMMUNE_A}/ban-tin/moi`);
    assert.equal(leaderCompose.statusCode, 403, 'a leader approves; writing is the operator’s job');
    const rows = await t.platform.database.query<Row>(
      "select action from audit_log where action like 'broadcast.%' order by id",
    );
    assert.ok(rows.some((r) => r.action === 'broadcast.cluster.register'));
  });
});
