import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { sharedSecret } from '#platform/settings.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { cancelAlert } from './broadcast.alerts.service.ts';
import { approveBulletin, createBulletin, submitBulletin } from './broadcast.bulletins.service.ts';
import { createProgramme, scheduleBulletin } from './broadcast.programmes.service.ts';
import { PLATFORM_MQTT_USERNAME, PROTOCOL_VERSION } from './broadcast.protocol.ts';
import { runtimeFor, startBroadcast, stopBroadcast } from './broadcast.runtime.ts';
import { EVERY_DAY } from './broadcast.schedule.ts';
import {
  addCluster,
  audioSkip,
  type BroadcastTestApp,
  freePort,
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
 * The reference speaker on its own: it never goes silent because the network did, adopts a new
 * schedule only when its audio is on disk, and obeys stop and expiry on commands.
 */
describe('the reference speaker agent', { skip: audioSkip }, () => {
  let t: BroadcastTestApp;
  let mqttPort = 0;
  let creds: Awaited<ReturnType<typeof addCluster>>;
  let programmeId = 0;
  const running: TestSpeaker[] = [];
  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  async function approved(title: string, body: string) {
    const op = await t.ctx('op_a');
    const b = await createBulletin(op, runtimeFor(t.platform).deps, COMMUNE_A, {
      title,
      body,
      priority: 'normal',
    });
    await submitBulletin(op, b.id);
    await approveBulletin(await t.ctx('leader_a'), b.id);
    return b;
  }

  async function scheduleAt(bulletinId: number, at: number) {
    await scheduleBulletin(await t.ctx('op_a'), bulletinId, {
      programmeId,
      startTime: vnTime(at),
      weekdays: EVERY_DAY,
      startDate: vnDate(at),
      repeat: 1,
    });
    return Math.floor(at / 1000) * 1000;
  }

  before(async () => {
    requireAudioTools();
    mqttPort = await freePort();
    t = await startBroadcastApp({ villages: 1, mqttPort, httpCutter: true });
    creds = await addCluster(t, t.villagesA[0] as never, 'Loa thử');
    programmeId = (
      await createProgramme(await t.ctx('op_a'), COMMUNE_A, { name: 'Thử', clusterIds: [creds.cluster.id] })
    ).id;
  });
  after(async () => {
    for (const s of running) await s.agent.stop();
    await t?.shutdown();
  });

  it('when the broker is gone, then a speaker restarted from its cache still plays on time, and reports it once the broker is back', async () => {
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    const first = await startSpeaker(t, creds, url);
    const b = await approved(
      'Thông báo mất điện',
      'Chiều nay từ 14 giờ đến 16 giờ, thôn tạm mất điện để sửa đường dây.',
    );
    const at = await scheduleAt(b.id, Date.now() + 12_000);
    await waitFor(
      'schedule stored on disk',
      async () =>
        ((await first.agent.cache.readJson<{ version: number }>('schedule.json'))?.version ?? 0) > 0 &&
        (await first.agent.cache.hasAudio(b.audioSha256 as string)),
    );
    await first.agent.stop();

    // No broker at all now; a fresh process starts from the disk cache alone.
    await stopBroadcast(t.platform);
    const second = await startSpeaker(t, creds, url, { dir: first.dir });
    running.push(second);
    assert.equal(second.agent.connected, false);
    assert.ok(Date.now() < at - 1_000, `set-up ran past the play time by ${Date.now() - at} ms`);
    await waitFor(
      'played from cache',
      () => second.sink.events.find((e) => e.event === 'end' && e.sha256 === b.audioSha256),
      at - Date.now() + 20_000,
    );
    const start = second.sink.events.find((e) => e.event === 'start' && e.sha256 === b.audioSha256);
    assert.ok(
      start && Math.abs(Date.parse(start.at) - at) < 1_000,
      `on time: started ${start ? Date.parse(start.at) - at : '?'} ms off`,
    );
    // The sink records the end before the agent files its report: wait for the report, not the sink.
    await waitFor('report kept while offline', () => second.agent.pendingReports === 1 || undefined);
    const [before] = await query<{ n: number }>('select count(*)::int as n from broadcast_plays');
    assert.equal(before?.n, 0);

    await startBroadcast(t.platform, { reconcileMs: 500 });
    const [play] = await waitFor('the proof arrives', async () => {
      const rows = await query<Row>(
        'select outcome, offline, started_at from broadcast_plays where bulletin_id = $1',
        [b.id],
      );
      return rows.length ? rows : undefined;
    });
    assert.equal(play?.outcome, 'completed');
    assert.equal(play?.offline, true);
    await waitFor('outbox emptied', () => second.agent.pendingReports === 0 || undefined);
  });

  it('when a new schedule arrives but its audio cannot be downloaded, then the old one stays in force until the file is on disk', async () => {
    const s = running[0];
    assert.ok(s);
    await waitFor('connected', () => s.agent.connected || undefined);
    const v0 = await waitFor('first version adopted', async () => {
      const [r] = await query<{ pushed_version: number; acked_version: number }>(
        'select pushed_version, acked_version from broadcast_clusters',
      );
      return r && r.acked_version === r.pushed_version ? r.acked_version : undefined;
    });
    t.httpCutter?.cut();
    const b = await approved('Lịch thu thuế', 'Cán bộ thuế làm việc tại nhà văn hoá thôn sáng thứ bảy.');
    await scheduleAt(b.id, Date.now() + 3_600_000);
    const pushed = await waitFor('new version pushed', async () => {
      const [r] = await query<{ pushed_version: number }>('select pushed_version from broadcast_clusters');
      return r && r.pushed_version > v0 ? r.pushed_version : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(s.agent.scheduleVersion, v0, 'still on the old schedule');
    assert.equal(await s.agent.cache.hasAudio(b.audioSha256 as string), false);
    const [unacked] = await query<Row>(
      "select acknowledged_at from broadcast_deliveries where kind = 'schedule' and version = $1",
      [pushed],
    );
    assert.equal(unacked?.acknowledged_at, null);

    t.httpCutter?.restore();
    await waitFor(
      'adopted after the download',
      () => s.agent.scheduleVersion === pushed || undefined,
      15_000,
    );
    assert.ok(await s.agent.cache.hasAudio(b.audioSha256 as string));
    await waitFor('acknowledged', async () => {
      const [r] = await query<Row>(
        "select ack_status from broadcast_deliveries where kind = 'schedule' and version = $1",
        [pushed],
      );
      return r?.ack_status === 'ok' || undefined;
    });
  });

  it('when an emergency is stopped by the operator, then the speaker stops at once; an expired command is acknowledged and not played', async () => {
    const s = running[0];
    assert.ok(s);
    const form = {
      headline: 'Cảnh báo cháy rừng',
      instruction:
        'Bà con không đốt nương, không mang lửa vào rừng trong những ngày nắng nóng này. Khi thấy khói lửa, báo ngay cho trưởng thôn và tổ đội phòng cháy.',
      event: 'Cháy rừng',
      category: 'Fire' as const,
      severity: 'Severe' as const,
      urgency: 'Immediate' as const,
      certainty: 'Likely' as const,
      targets: [t.villagesA[0]?.code ?? ''],
      repeat: 3,
      expiresMinutes: 30,
    };
    const { op, prep, sent } = await sendEmergency(t, form);
    await waitFor('alert playing', () => s.agent.playing?.priority === 'emergency' || undefined);
    await cancelAlert(op, sent.alert.id);
    // "At once": the playing repeat is cut off (outcome interrupted), not left to finish; how fast
    // is a figure for the bench, not a timed assertion on a shared machine.
    await waitFor('alert stopped', () =>
      s.sink.events.find(
        (e) => e.event === 'end' && e.priority === 'emergency' && e.outcome === 'interrupted',
      ),
    );
    assert.equal(
      s.sink.events.filter((e) => e.event === 'start' && e.priority === 'emergency').length,
      1,
      'the other repeats were not played',
    );
    await waitFor('stop acknowledged', async () => {
      const rows = await query<Row>(
        `select d.ack_status from broadcast_deliveries d join broadcast_commands m on m.id = d.command_id where m.type = 'stop'`,
      );
      return rows[0]?.ack_status === 'ok' || undefined;
    });

    // A command that waited too long (the speaker was offline past its expiry) must not sound.
    const platformPassword = await sharedSecret(t.platform.database, 'mqtt-platform');
    const client = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: `test-${randomUUID()}`,
      username: PLATFORM_MQTT_USERNAME,
      password: platformPassword,
      reconnectPeriod: 0,
    });
    try {
      await client.subscribeAsync(`loa/${creds.cluster.code}/ack`, { qos: 1 });
      const acks: Row[] = [];
      client.on('message', (_topic, payload) => acks.push(JSON.parse(payload.toString())));
      const id = randomUUID();
      const before = s.sink.events.length;
      await client.publishAsync(
        `loa/${creds.cluster.code}/cmd`,
        JSON.stringify({
          v: PROTOCOL_VERSION,
          id,
          type: 'play',
          issuedAt: new Date(Date.now() - 7_200_000).toISOString(),
          expiresAt: new Date(Date.now() - 3_600_000).toISOString(),
          priority: 'emergency',
          repeat: 1,
          title: 'Cũ',
          audio: {
            sha256: prep.bulletin.audioSha256,
            url: `${t.baseUrl}/device/audio/${prep.bulletin.audioSha256}`,
            bytes: prep.bulletin.audioBytes,
            durationMs: prep.bulletin.audioDurationMs,
            mimeType: 'audio/ogg',
          },
        }),
        { qos: 1 },
      );
      const ack = await waitFor('expired ack', () => acks.find((a) => a.id === id));
      assert.equal(ack.status, 'expired');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(s.sink.events.length, before, 'nothing played');
    } finally {
      await client.endAsync();
    }
  });
  it('when an emergency goes out while a speaker is offline and the broker restarts before it is back, then it still sounds once the speaker reconnects', async () => {
    const old = running[0];
    assert.ok(old);
    await old.agent.stop();
    const form = {
      headline: 'Cảnh báo lũ quét',
      instruction: 'Bà con ở gần suối di chuyển ngay lên chỗ cao, không qua ngầm tràn.',
      event: 'Lũ quét',
      category: 'Met' as const,
      severity: 'Extreme' as const,
      urgency: 'Immediate' as const,
      certainty: 'Observed' as const,
      targets: [t.villagesA[0]?.code ?? ''],
      repeat: 1,
      expiresMinutes: 30,
    };
    const { op, prep, sent } = await sendEmergency(t, form);
    const pushed = async () => {
      const [r] = await query<{ pushed_at: Date | null }>(
        `select d.pushed_at from broadcast_deliveries d join broadcast_commands m on m.id = d.command_id
         where m.alert_id = $1 and m.type = 'play'`,
        [sent.alert.id],
      );
      return r?.pushed_at ?? undefined;
    };
    // Handed to the broker for the offline speaker's session; then the broker goes, and that with it.
    await waitFor('handed to the broker', pushed);
    await stopBroadcast(t.platform);
    await startBroadcast(t.platform, { reconcileMs: 500 });

    const back = await startSpeaker(t, creds, `mqtt://127.0.0.1:${mqttPort}`, { dir: old.dir });
    running.push(back);
    const start = await waitFor('the alert sounds', () =>
      back.sink.events.find(
        (e) => e.event === 'start' && e.priority === 'emergency' && e.sha256 === prep.bulletin.audioSha256,
      ),
    );
    assert.ok(start);
    await waitFor('acknowledged', async () => {
      const [r] = await query<Row>(
        `select d.ack_status from broadcast_deliveries d join broadcast_commands m on m.id = d.command_id
         where m.alert_id = $1 and m.type = 'play'`,
        [sent.alert.id],
      );
      return r?.ack_status === 'ok' || undefined;
    });
    await cancelAlert(op, sent.alert.id);
  });
});
