import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { COMMUNE_A } from '#test/support/app.ts';
import { buildCap, CAP_GEOCODE_NAME, type CapAlert, capDateTime, parseCap } from './broadcast.cap.ts';
import { addCluster, type BroadcastTestApp, startBroadcastApp } from './broadcast.test-support.ts';

type Row = Record<string, unknown>;

/** CAP 1.2 received from elsewhere: checked, spoken, sent to the areas' speakers, cancelled, published. */
describe('CAP alerts through the API', () => {
  let t: BroadcastTestApp;
  let token = '';
  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  const alert = (over: Partial<CapAlert> = {}, geocodes?: string[]): CapAlert => ({
    identifier: 'KTTV-LS-2026-0042',
    sender: 'kttv.langson@xaso.local',
    sent: capDateTime(Date.now()),
    status: 'Actual',
    msgType: 'Alert',
    scope: 'Public',
    info: [
      {
        language: 'en-US',
        category: ['Met'],
        event: 'Hail',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Likely',
        headline: 'Hail warning',
        instruction: 'Stay indoors.',
        area: [
          {
            areaDesc: 'Mau Son',
            geocode: [{ valueName: CAP_GEOCODE_NAME, value: t.villagesA[0]?.code ?? '' }],
          },
        ],
      },
      {
        language: 'vi-VN',
        category: ['Met'],
        event: 'Mưa đá',
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Likely',
        expires: capDateTime(Date.now() + 3_600_000),
        headline: 'Cảnh báo mưa đá',
        instruction: 'Bà con ở trong nhà, đưa trâu bò vào chuồng.',
        parameter: [{ valueName: 'XASO_REPEAT', value: '2' }],
        area: (geocodes ?? [t.villagesA[0]?.code ?? '', t.villagesA[1]?.code ?? '']).map((code) => ({
          areaDesc: `Thôn ${code}`,
          geocode: [{ valueName: CAP_GEOCODE_NAME, value: code }],
        })),
      },
    ],
    ...over,
  });

  const send = (xml: string, type = 'application/cap+xml', bearer = token) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/broadcast/cap',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': type },
      payload: xml,
    });

  /** An acknowledgement with an area outside our geocodes (CAP requires an area in every info). */
  const ack = (identifier: string, references?: string) =>
    buildCap(
      alert({
        identifier,
        msgType: 'Ack',
        status: 'Actual',
        ...(references ? { references } : {}),
        info: [
          {
            language: 'vi-VN',
            category: ['Other'],
            event: 'Xác nhận',
            urgency: 'Unknown',
            severity: 'Unknown',
            certainty: 'Unknown',
            headline: 'Đã nhận',
            area: [{ areaDesc: 'Nơi khác', geocode: [{ valueName: 'EMMA_ID', value: 'VN001' }] }],
          },
        ],
      }),
    );
  const countAlerts = async () =>
    (await query<{ n: number }>('select count(*)::int as n from broadcast_alerts'))[0]?.n ?? 0;

  before(async () => {
    // The test voice: CAP handling and its permissions run wherever espeak-ng or ffmpeg are missing.
    t = await startBroadcastApp({ villages: 3, start: false, voice: 'test' });
    token = await t.token('op_a');
    await t.user('handler_a', 'feedback_handler', COMMUNE_A);
    for (const [i, v] of t.villagesA.entries()) await addCluster(t, v, `Loa thôn ${i + 1}`);
  });
  after(() => t?.shutdown());

  it('when a valid Actual alert arrives, then its Vietnamese block is spoken and every cluster in its areas gets one emergency command', async () => {
    const res = await send(buildCap(alert()));
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.outcome, 'broadcast');
    assert.equal(body.devices, 2);
    const [b] = await query<Row>(
      'select b.priority, b.status, b.body, b.spoken_text from broadcast_bulletins b join broadcast_alerts a on a.bulletin_id = b.id',
    );
    assert.deepEqual(
      { priority: b?.priority, status: b?.status },
      { priority: 'emergency', status: 'broadcast' },
    );
    assert.equal(b?.body, 'Cảnh báo mưa đá. Bà con ở trong nhà, đưa trâu bò vào chuồng.');
    const cmds = await query<Row>(
      'select type, priority, repeat, expires_at is not null as expires from broadcast_commands',
    );
    assert.deepEqual(cmds, [{ type: 'play', priority: 'emergency', repeat: 2, expires: true }]);
    const [d] = await query<{ n: number }>(
      "select count(*)::int as n from broadcast_deliveries where kind = 'command'",
    );
    assert.equal(d?.n, 2);
    const feed = await t.app.inject({ method: 'GET', url: '/cap/alerts.xml' });
    assert.match(feed.body, /<identifier>KTTV-LS-2026-0042<\/identifier>/);
  });

  it('when the same alert arrives again, then 409; an invalid one gets 400 naming each problem', async () => {
    const first = await query<{ sent: Date }>('select sent from broadcast_alerts');
    const again = alert({ sent: capDateTime(new Date(first[0]?.sent as Date).getTime()) });
    assert.equal((await send(buildCap(again))).statusCode, 409);
    const invalid = await send(
      buildCap(alert({ identifier: 'X-2', status: 'Real' })).replace(/<urgency>Immediate<\/urgency>/, ''),
    );
    assert.equal(invalid.statusCode, 400);
    const fields = invalid.json().errors.map((e: { vi: string }) => e.vi);
    assert.ok(fields.some((f: string) => f.startsWith('status: "Real" is not one of')));
    assert.ok(fields.includes('info[0].urgency: required'));
    const notXml = await send('not xml at all', 'application/xml');
    assert.equal(notXml.statusCode, 400);
    const unknown = await send(buildCap(alert({ identifier: 'X-3' }, ['99999.99'])));
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().errors[0].vi, /Mã địa bàn 99999\.99 không có/);
  });

  it('when an alert is a Test or Exercise, then it is stored but no speaker plays it', async () => {
    const res = await send(buildCap(alert({ identifier: 'TEST-1', status: 'Test' })));
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().outcome, 'stored');
    assert.equal(res.json().devices, 0);
    const [n] = await query<{ n: number }>('select count(*)::int as n from broadcast_commands');
    assert.equal(n?.n, 1);
  });

  it('when a Cancel references the alert, then its speakers are told to stop that alert and it leaves the public feed', async () => {
    const [first] = await query<{ sender: string; identifier: string; sent: Date }>(
      "select sender, identifier, sent from broadcast_alerts where identifier = 'KTTV-LS-2026-0042'",
    );
    assert.ok(first);
    const cancel = alert({
      identifier: 'KTTV-LS-2026-0043',
      msgType: 'Cancel',
      references: `${first.sender},${first.identifier},${capDateTime(new Date(first.sent).getTime())}`,
    });
    const res = await send(buildCap(cancel));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().outcome, 'cancelled');
    assert.equal(res.json().cancelled, 1);
    const stops = await query<Row>(
      `select m.type, count(d.id)::int as devices from broadcast_commands m
       join broadcast_deliveries d on d.command_id = m.id where m.type = 'stop' group by m.type`,
    );
    assert.deepEqual(stops, [{ type: 'stop', devices: 2 }]);
    const feed = await t.app.inject({ method: 'GET', url: '/cap/alerts.xml' });
    assert.doesNotMatch(feed.body, /KTTV-LS-2026-0042/);
  });

  it('when an alert’s Vietnamese text mixes in another language, then it is refused before anything is sent', async () => {
    const mixed = alert({ identifier: 'MIX-1' });
    const vi = mixed.info[1];
    assert.ok(vi);
    vi.instruction = 'Bà con ở trong nhà. Please stay inside until the storm passes completely.';
    const res = await send(buildCap(mixed));
    assert.equal(res.statusCode, 400);
    assert.match(res.json().errors[0].vi, /Mỗi bản tin chỉ dùng một ngôn ngữ/);
  });

  it('when an official who is not a radio operator posts any CAP message, even an Ack without our geocode, then 403 and nothing is stored', async () => {
    const before = await countAlerts();
    const handler = await t.token('handler_a');
    assert.equal((await send(ack('ACK-HANDLER'), 'application/cap+xml', handler)).statusCode, 403);
    const error = ack('ERR-HANDLER').replace('<msgType>Ack</msgType>', '<msgType>Error</msgType>');
    assert.equal((await send(error, 'application/cap+xml', handler)).statusCode, 403);
    assert.equal(
      (await send(buildCap(alert({ identifier: 'H-1' })), 'application/cap+xml', handler)).statusCode,
      403,
    );
    assert.equal(await countAlerts(), before);
  });

  it('when a radio operator posts an Ack that names no area of ours and no alert of ours, then 400 and nothing is published', async () => {
    const before = await countAlerts();
    const res = await send(ack('ACK-NOWHERE'));
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().errors[0].vi, /không có vùng nào mang mã VN-MADVHC/);
    assert.equal(await countAlerts(), before);
    // Acknowledging one of our alerts is the operator's to do: it is checked against that alert's areas.
    const [first] = await query<{ sender: string; identifier: string; sent: Date }>(
      "select sender, identifier, sent from broadcast_alerts where identifier = 'KTTV-LS-2026-0042'",
    );
    assert.ok(first);
    const ref = `${first.sender},${first.identifier},${capDateTime(new Date(first.sent).getTime())}`;
    assert.equal((await send(ack('ACK-OURS', ref))).statusCode, 201);
  });

  it('when a CAP document carries markup of its own, then the published document is the one the platform writes from what it read, never the input', async () => {
    const posted = buildCap(alert({ identifier: 'RAW-1', status: 'Exercise' })).replace(
      '<scope>Public</scope>',
      '<scope>Public</scope><!-- raw --><html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(document.cookie)</html:script>',
    );
    const res = await send(posted);
    assert.equal(res.statusCode, 201, res.body);
    const served = await t.app.inject({ method: 'GET', url: `/cap/alerts/${res.json().id}.xml` });
    assert.equal(served.statusCode, 200);
    assert.doesNotMatch(served.body, /script|raw|document\.cookie/);
    const parsed = parseCap(served.body);
    assert.ok(parsed.ok);
    assert.equal(served.body, buildCap(parsed.alert), 'written by our writer');
    assert.equal(parsed.alert.identifier, 'RAW-1');
    const [stored] = await query<{ xml: string }>(
      "select xml from broadcast_alerts where identifier = 'RAW-1'",
    );
    assert.doesNotMatch(stored?.xml ?? '', /script/, 'the input is not what is kept either');
  });

  it('when an alert stored before this check holds raw markup, then the feed and its document still serve the platform’s own writing', async () => {
    const xml = buildCap(alert({ identifier: 'OLD-RAW', status: 'Actual' })).replace(
      '<scope>Public</scope>',
      '<scope>Public</scope><html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>',
    );
    const [row] = await query<{ id: number }>(
      `insert into broadcast_alerts (identifier, sender, sent, status, msg_type, scope, language, category,
         event, urgency, severity, certainty, headline, repeat, source, xml)
       values ('OLD-RAW', 'kttv.langson@xaso.local', now(), 'Actual', 'Alert', 'Public', 'vi-VN', 'Met',
         'Mưa đá', 'Immediate', 'Severe', 'Likely', 'Cảnh báo cũ', 1, 'ingested', $1)
       returning id`,
      [xml],
    );
    const doc = await t.app.inject({ method: 'GET', url: `/cap/alerts/${row?.id}.xml` });
    assert.equal(doc.statusCode, 200);
    assert.doesNotMatch(doc.body, /script/);
    assert.match(doc.body, /<identifier>OLD-RAW<\/identifier>/);
    const feed = await t.app.inject({ method: 'GET', url: '/cap/alerts.xml' });
    assert.match(feed.body, /<identifier>OLD-RAW<\/identifier>/);
    assert.doesNotMatch(feed.body, /script/);
  });

  it('when a CAP document nests 50,000 tags, then it is a 400 problem naming the nesting, not a 500', async () => {
    const n = 50_000;
    const res = await send(
      `<?xml version="1.0"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<a>'.repeat(n)}${'</a>'.repeat(n)}</alert>`,
    );
    assert.equal(res.statusCode, 400, res.body.slice(0, 300));
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.match(res.json().errors[0].vi, /nested more than 16 deep/);
  });
});
