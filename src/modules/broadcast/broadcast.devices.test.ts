import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { COMMUNE_A } from '#test/support/app.ts';
import { approveBulletin, createBulletin, submitBulletin } from './broadcast.bulletins.service.ts';
import { createProgramme, scheduleBulletin } from './broadcast.programmes.service.ts';
import { runtimeFor } from './broadcast.runtime.ts';
import { EVERY_DAY } from './broadcast.schedule.ts';
import {
  addCluster,
  audioSkip,
  type BroadcastTestApp,
  brokerUrlOf,
  requireAudioTools,
  sendEmergency,
  startBroadcastApp,
  startSpeaker,
  type TestSpeaker,
  vnDate,
  vnTime,
  waitFor,
} from './broadcast.test-support.ts';

type Row = Record<string, unknown>;

/**
 * The platform and reference speakers over the embedded broker: store and forward, playing on
 * time from the disk cache, proof of play, emergency pre-emption. ACLs: the last suite.
 */
describe('speakers over the embedded broker', { skip: audioSkip }, () => {
  let t: BroadcastTestApp;
  let broker: string;
  const speakers: TestSpeaker[] = [];
  let creds: Awaited<ReturnType<typeof addCluster>>[] = [];

  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  /** A normal bulletin approved by the leader, scheduled `inMs` from now on a programme of these clusters. */
  async function scheduled(title: string, body: string, clusterIds: number[], inMs: number) {
    const op = await t.ctx('op_a');
    const deps = runtimeFor(t.platform).deps;
    const b = await createBulletin(op, deps, COMMUNE_A, { title, body, priority: 'normal' });
    await submitBulletin(op, b.id);
    await approveBulletin(await t.ctx('leader_a'), b.id);
    const p = await createProgramme(op, COMMUNE_A, { name: `Chương trình ${title}`, clusterIds });
    const at = Date.now() + inMs;
    await scheduleBulletin(op, b.id, {
      programmeId: p.id,
      startTime: vnTime(at),
      weekdays: EVERY_DAY,
      startDate: vnDate(at),
      repeat: 1,
    });
    return { bulletin: b, at: Math.floor(at / 1000) * 1000 };
  }

  before(async () => {
    requireAudioTools();
    t = await startBroadcastApp({ villages: 2 });
    broker = brokerUrlOf(t);
    creds = [
      await addCluster(t, t.villagesA[0] as never, 'Loa nhà văn hoá 1'),
      await addCluster(t, t.villagesA[0] as never, 'Loa đầu bản 1'),
      await addCluster(t, t.villagesA[1] as never, 'Loa nhà văn hoá 2'),
    ];
    for (const c of creds) speakers.push(await startSpeaker(t, c, broker));
    await waitFor('three speakers online', async () => {
      const [r] = await query<{ n: number }>(
        "select count(*)::int as n from broadcast_clusters where status = 'online'",
      );
      return r?.n === 3 || undefined;
    });
  });

  after(async () => {
    for (const s of speakers) await s.agent.stop();
    await t?.shutdown();
  });

  it('when a bulletin is approved and scheduled, then each device stores schedule and audio ahead of time, acknowledges, plays on time and reports it', async () => {
    const ids = creds.map((c) => c.cluster.id);
    const { bulletin, at } = await scheduled(
      'Lịch tiêm phòng',
      'Ngày 15/3, trạm y tế xã tiêm phòng cho trẻ em dưới 5 tuổi.',
      ids,
      6_000,
    );
    // Store: each device confirmed the version carrying the entry, before it is due.
    await waitFor(
      'schedule acknowledged by all',
      async () => {
        const rows = await query<{ n: number }>(
          `select count(*)::int as n from broadcast_clusters c join broadcast_deliveries d on d.cluster_id = c.id
           where d.kind = 'schedule' and d.acknowledged_at is not null and d.entries > 0 and d.ack_status = 'ok'`,
        );
        return rows[0]?.n === 3 || undefined;
      },
      10_000,
    );
    assert.ok(Date.now() < at, 'stored before it was due');
    for (const s of speakers) assert.ok(await s.agent.cache.hasAudio(bulletin.audioSha256 as string));

    // Forward: each plays it at its time and the platform gets the proof.
    const plays = await waitFor(
      'three proofs of play',
      async () => {
        const rows = await query<Row>(
          `select c.code, p.outcome, p.started_at, p.scheduled_at, p.offline from broadcast_plays p
           join broadcast_clusters c on c.id = p.cluster_id where p.bulletin_id = $1`,
          [bulletin.id],
        );
        return rows.length === 3 ? rows : undefined;
      },
      30_000,
    );
    for (const p of plays) {
      assert.equal(p.outcome, 'completed');
      assert.equal(p.offline, false);
      const late = new Date(p.started_at as string).getTime() - at;
      assert.ok(late >= 0 && late < 1_500, `started ${late} ms after its time`);
    }
    for (const s of speakers) {
      const started = s.sink.events.filter((e) => e.event === 'start' && e.sha256 === bulletin.audioSha256);
      assert.equal(started.length, 1);
    }
  });

  it('when an emergency is sent during a normal bulletin, then targeted speakers stop it at once and play the alert; the others carry on', async () => {
    const ids = creds.map((c) => c.cluster.id);
    const long = await scheduled(
      'Thông báo dài',
      'Ủy ban nhân dân xã thông báo kế hoạch sản xuất vụ đông. Bà con chuẩn bị giống ngô, giống khoai tây, phân bón và làm đất trước ngày 20/11. Cán bộ khuyến nông sẽ đến từng thôn hướng dẫn kỹ thuật, bà con chú ý đón nghe.',
      ids,
      5_000,
    );
    await waitFor(
      'all playing the long bulletin',
      () =>
        speakers.every(
          (s) =>
            s.agent.playing?.sha256 === long.bulletin.audioSha256 &&
            s.sink.events.some((e) => e.event === 'start' && e.sha256 === long.bulletin.audioSha256),
        ) || undefined,
      15_000,
    );
    const village = t.villagesA[0];
    assert.ok(village);
    const {
      prep,
      sent: r,
      sentAt,
    } = await sendEmergency(t, {
      headline: 'Cảnh báo mưa đá',
      instruction: 'Bà con không ra ngoài, đưa trâu bò vào chuồng.',
      event: 'Mưa đá',
      category: 'Met',
      severity: 'Severe',
      urgency: 'Immediate',
      certainty: 'Observed',
      targets: [village.code],
      repeat: 2,
      expiresMinutes: 60,
    });
    assert.equal(prep.clusters.length, 2);
    assert.equal(r.devices, 2);
    const [targeted1, targeted2, other] = speakers;
    assert.ok(targeted1 && targeted2 && other);
    for (const s of [targeted1, targeted2]) {
      await waitFor(
        `${s.code} plays the alert twice`,
        () =>
          s.sink.events.filter(
            (e) => e.event === 'end' && e.priority === 'emergency' && e.outcome === 'completed',
          ).length === 2 || undefined,
        30_000,
      );
      const normalEnd = s.sink.events.find(
        (e) => e.event === 'end' && e.sha256 === long.bulletin.audioSha256,
      );
      const emStart = s.sink.events.find((e) => e.event === 'start' && e.priority === 'emergency');
      assert.equal(normalEnd?.outcome, 'interrupted');
      assert.ok(emStart && normalEnd);
      // "At once" is the bulletin cut off, never left to finish (how fast is a bench figure, not a
      // wall-clock bound that a loaded machine breaks); and the cut is after the alert was sent.
      assert.ok(Date.parse(normalEnd.at) >= sentAt, 'cut after the alert was sent');
      assert.ok(Date.parse(normalEnd.at) <= Date.parse(emStart.at));
    }
    // The untargeted speaker finished its bulletin and never heard the alert.
    await waitFor(
      'other completes',
      () =>
        other.sink.events.some((e) => e.event === 'end' && e.sha256 === long.bulletin.audioSha256) ||
        undefined,
      30_000,
    );
    assert.equal(
      other.sink.events.find((e) => e.event === 'end' && e.sha256 === long.bulletin.audioSha256)?.outcome,
      'completed',
    );
    assert.ok(!other.sink.events.some((e) => e.priority === 'emergency'));
    // Delivery per device, acknowledged; the interruption is in the proof of play.
    const deliveries = await query<Row>(
      `select c.code, d.pushed_at, d.acknowledged_at, d.ack_status from broadcast_deliveries d
       join broadcast_clusters c on c.id = d.cluster_id
       join broadcast_commands m on m.id = d.command_id where m.alert_id = $1 order by c.code`,
      [r.alert.id],
    );
    assert.deepEqual(
      deliveries.map((d) => [d.code, d.ack_status, d.pushed_at !== null, d.acknowledged_at !== null]),
      [targeted1.code, targeted2.code].sort().map((code) => [code, 'ok', true, true]),
    );
    await waitFor('interrupted proofs', async () => {
      const rows = await query<Row>(
        `select outcome, interrupted_by from broadcast_plays where bulletin_id = $1 and outcome = 'interrupted'`,
        [long.bulletin.id],
      );
      return rows.length === 2 ? rows : undefined;
    });
  });
});

/**
 * Who may use which topics on the embedded broker: a device signs in with its own code and
 * password and reaches only its own topics. With the test voice, so it runs wherever espeak-ng or
 * ffmpeg are missing.
 */
describe('devices on the embedded broker reach only their own topics', () => {
  let t: BroadcastTestApp;
  let broker: string;
  const speakers: TestSpeaker[] = [];
  let creds: Awaited<ReturnType<typeof addCluster>>[] = [];

  before(async () => {
    t = await startBroadcastApp({ villages: 1, voice: 'test' });
    broker = brokerUrlOf(t);
    creds = [
      await addCluster(t, t.villagesA[0] as never, 'Loa nhà văn hoá'),
      await addCluster(t, t.villagesA[0] as never, 'Loa đầu bản'),
    ];
    speakers.push(await startSpeaker(t, creds[0] as (typeof creds)[number], broker));
    await waitFor('the speaker online', () => speakers[0]?.agent.connected || undefined);
  });

  after(async () => {
    for (const s of speakers) await s.agent.stop();
    await t?.shutdown();
  });

  it('when a device connects with a wrong password or another device’s client id, then the broker refuses it', async () => {
    const c = creds[0];
    assert.ok(c);
    await assert.rejects(
      connectAsync(broker, {
        clientId: c.cluster.code,
        username: c.cluster.code,
        password: 'sai',
        reconnectPeriod: 0,
      }),
      /Bad username or password|Not authorized|bad/i,
    );
    const other = creds[1];
    assert.ok(other);
    await assert.rejects(
      connectAsync(broker, {
        clientId: other.cluster.code,
        username: c.cluster.code,
        password: c.password,
        reconnectPeriod: 0,
      }),
      /Not authorized|Identifier|refused/i,
    );
  });

  it('when a device subscribes to or publishes on another device’s topics, then the broker refuses', async () => {
    const [mine, theirs] = creds;
    assert.ok(mine && theirs);
    const client = await connectAsync(broker, {
      clientId: mine.cluster.code,
      username: mine.cluster.code,
      password: mine.password,
      reconnectPeriod: 0,
      clean: true,
    });
    try {
      const granted = await new Promise<number[]>((resolve) =>
        client.subscribe(
          [`loa/${theirs.cluster.code}/cmd`, `loa/${mine.cluster.code}/cmd`, 'loa/#'],
          { qos: 1 },
          (err, grants) => {
            // mqtt.js reports a refused filter as an error carrying the SUBACK.
            const packet = (err as (Error & { packet?: { granted: number[] } }) | null)?.packet;
            resolve(packet?.granted ?? (grants ?? []).map((g) => g.qos));
          },
        ),
      );
      assert.deepEqual(granted, [128, 1, 128]);
      // Publishing as another device gets this client disconnected (MQTT 3.1.1 cannot refuse a publish).
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(`loa/${theirs.cluster.code}/played`, '{}', { qos: 1 });
      await closed;
    } finally {
      client.end(true);
    }
    // The real speaker with that code got kicked off by the duplicate id and came back.
    await waitFor('speaker reconnected', () => speakers[0]?.agent.connected || undefined);
  });
});
