import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Invalid } from '#platform/errors.ts';
import { cancelAlert } from './broadcast.alerts.service.ts';
import { choosePlaces } from './broadcast.cap.service.ts';
import { buildCap, type CapAlert, capDateTime } from './broadcast.cap.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { addCluster, type BroadcastTestApp, startBroadcastApp } from './broadcast.test-support.ts';

type Row = Record<string, unknown>;

/**
 * CAP as OASIS CAP v1.2 says: §3.2.2 <language> is optional ("If not present, an implicit default
 * value of 'en-US' SHALL be assumed"); §3.2.4 <area> requires only <areaDesc>, while <polygon>,
 * <circle> and <geocode> are optional. An alert drawn as a polygon or circle names no place of
 * ours, so it is kept and waits for a radio operator, who chooses its places on the alert page.
 */
describe('a CAP alert with only a polygon or a circle', () => {
  let t: BroadcastTestApp;
  const cookies = new Map<string, string>();
  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  const drawn: CapAlert = {
    identifier: 'KTTV-LS-2026-0100',
    sender: 'kttv.langson@xaso.local',
    sent: capDateTime(Date.now()),
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [
      {
        // No <language>: en-US by the standard, so not the block the speakers read.
        category: ['Met'],
        event: 'Flash flood',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Likely',
        headline: 'Flash flood warning',
        instruction: 'Move to high ground.',
        area: [{ areaDesc: 'Khuoi Tao stream', circle: ['21.86,106.97 2.5'] }],
      },
      {
        language: 'vi-VN',
        category: ['Met'],
        event: 'Lũ quét',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Likely',
        expires: capDateTime(Date.now() + 3_600_000),
        headline: 'Cảnh báo lũ quét',
        instruction: 'Bà con ven suối di chuyển lên chỗ cao ngay.',
        area: [
          {
            areaDesc: 'Lưu vực suối Khuổi Tào',
            polygon: ['21.85,106.95 21.87,106.99 21.83,107.00 21.85,106.95'],
          },
        ],
      },
    ],
  };

  const page = (user: string, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie: cookies.get(user) ?? '', accept: 'text/html' } });
  async function post(user: string, from: string, action: string, places: string[]) {
    const { csrf, cookie } = await t.formToken(from, cookies.get(user));
    const body = new URLSearchParams({ _csrf: csrf });
    for (const p of places) body.append('places', p);
    return t.app.inject({
      method: 'POST',
      url: action,
      headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  }
  const count = async (table: string) =>
    (await query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]?.n ?? 0;

  let alertId = 0;

  before(async () => {
    t = await startBroadcastApp({ villages: 2, start: false, voice: 'test' });
    for (const [i, v] of t.villagesA.entries()) await addCluster(t, v, `Loa thôn ${i + 1}`);
    await addCluster(t, t.villageB, 'Loa bản khác', 'op_b');
    for (const u of ['op_a', 'op_b']) cookies.set(u, await t.signIn(u));
  });
  after(() => t?.shutdown());

  it('when a radio operator posts it, then it is accepted and kept waiting: nothing spoken, nothing sent', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/broadcast/cap',
      headers: { authorization: `Bearer ${await t.token('op_a')}`, 'content-type': 'application/cap+xml' },
      payload: buildCap(drawn),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().outcome, 'awaiting');
    assert.equal(res.json().devices, 0);
    alertId = res.json().id;
    assert.equal(await count('broadcast_commands'), 0);
    assert.equal(await count("broadcast_bulletins where priority = 'emergency'"), 0);
    assert.equal(await count('broadcast_alert_areas'), 0);
    const [row] = await query<Row>('select language, xml from broadcast_alerts where id = $1', [alertId]);
    assert.equal(row?.language, 'vi-VN');
    assert.match(String(row?.xml), /<polygon>21\.85,106\.95 21\.87,106\.99/);
  });

  it('when the operator opens it, then the page shows what was drawn and the places they may tick; another commune’s operator is refused', async () => {
    const res = await page('op_a', `/quan-tri/loa/canh-bao/${alertId}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /data-choose-places/);
    assert.match(res.body, /Lưu vực suối Khuổi Tào/);
    assert.match(res.body, /21\.85,106\.95 21\.87,106\.99/);
    assert.match(res.body, /21\.86,106\.97 2\.5/);
    for (const v of t.villagesA) assert.match(res.body, new RegExp(`value="${v.code.replace('.', '\\.')}"`));
    assert.doesNotMatch(res.body, new RegExp(`value="${t.villageB.code.replace('.', '\\.')}"`));
    assert.equal((await page('op_b', `/quan-tri/loa/canh-bao/${alertId}`)).statusCode, 403);
  });

  it('when the operator confirms with no place or a place outside their grants, then 400 in Vietnamese and English, and nothing is sent', async () => {
    const at = `/quan-tri/loa/canh-bao/${alertId}`;
    const none = await post('op_a', at, `${at}/noi-phat`, []);
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Chọn ít nhất một xã hoặc thôn, bản để phát cảnh báo\./);
    assert.match(none.body, /data-choose-places/);
    const other = await post('op_a', at, `${at}/noi-phat`, [t.villageB.code]);
    assert.equal(other.statusCode, 400);
    assert.match(other.body, new RegExp(`Mã ${t.villageB.code.replace('.', '\\.')} không phải xã hay thôn`));
    await assert.rejects(
      choosePlaces(await t.ctx('op_a'), runtimeFor(t.platform).deps, alertId, []),
      (e: unknown) =>
        e instanceof Invalid &&
        e.fields[0]?.field === 'places' &&
        e.fields[0]?.en === 'Choose at least one commune or village to broadcast the alert to.',
    );
    await assert.rejects(
      choosePlaces(await t.ctx('op_b'), runtimeFor(t.platform).deps, alertId, [t.villageB.code]),
      (e: unknown) => (e as { status?: number }).status === 403,
    );
    assert.equal(await count('broadcast_commands'), 0);
  });

  it('when another commune’s operator cancels it, by CAP or from the page, then 403 and it still waits', async () => {
    const cancel = buildCap({
      ...drawn,
      identifier: 'KTTV-LS-2026-0101',
      sender: 'ubnd.b@xaso.local',
      msgType: 'Cancel',
      references: `${drawn.sender},${drawn.identifier},${drawn.sent}`,
      info: [
        {
          ...(drawn.info[1] as CapAlert['info'][0]),
          area: [{ areaDesc: 'Bản Khác', geocode: [{ valueName: 'VN-MADVHC', value: t.villageB.code }] }],
        },
      ],
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/broadcast/cap',
      headers: { authorization: `Bearer ${await t.token('op_b')}`, 'content-type': 'application/cap+xml' },
      payload: cancel,
    });
    assert.equal(res.statusCode, 403, res.body);
    await assert.rejects(
      cancelAlert(await t.ctx('op_b'), alertId),
      (e: unknown) => (e as { status?: number }).status === 403,
    );
    const [row] = await query<Row>('select cancelled_at from broadcast_alerts where id = $1', [alertId]);
    assert.equal(row?.cancelled_at, null);
  });

  it('when the operator ticks one village, then the Vietnamese block is spoken and only that village’s speaker gets the emergency; once', async () => {
    const at = `/quan-tri/loa/canh-bao/${alertId}`;
    const village = t.villagesA[0]?.code as string;
    const res = await post('op_a', at, `${at}/noi-phat`, [village]);
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, `${at}?gui=1`);
    const cmds = await query<Row>('select type, priority, alert_id as "alertId" from broadcast_commands');
    assert.deepEqual(
      cmds.map((c) => ({ type: c.type, priority: c.priority })),
      [{ type: 'play', priority: 'emergency' }],
    );
    assert.equal(String(cmds[0]?.alertId), String(alertId));
    const deliveries = await query<Row>(
      `select c.place_path as "path" from broadcast_deliveries d join broadcast_clusters c on c.id = d.cluster_id
       where d.kind = 'command'`,
    );
    assert.deepEqual(
      deliveries.map((d) => d.path),
      [t.villagesA[0]?.path],
    );
    const [b] = await query<Row>(
      'select b.body, b.status from broadcast_bulletins b join broadcast_alerts a on a.bulletin_id = b.id where a.id = $1',
      [alertId],
    );
    assert.deepEqual(b, {
      body: 'Cảnh báo lũ quét. Bà con ven suối di chuyển lên chỗ cao ngay.',
      status: 'broadcast',
    });
    assert.deepEqual(
      (
        await query<Row>('select place_code as code from broadcast_alert_areas where alert_id = $1', [
          alertId,
        ])
      ).map((r) => r.code),
      [village],
    );
    const shown = await page('op_a', at);
    assert.doesNotMatch(shown.body, /data-choose-places/);
    assert.equal(
      (await post('op_a', `/quan-tri/loa/canh-bao/${alertId}`, `${at}/noi-phat`, [village])).statusCode,
      409,
    );
    assert.equal(await count('broadcast_commands'), 1);
  });
});
