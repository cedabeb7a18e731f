import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Place } from '#modules/places/index.ts';
import { COMMUNE_A } from '#test/support/app.ts';
import { approveBulletin, createBulletin, submitBulletin } from './broadcast.bulletins.service.ts';
import { mosquittoPasswordEntries } from './broadcast.clusters.service.ts';
import { createProgramme, scheduleBulletin } from './broadcast.programmes.service.ts';
import { PLATFORM_MQTT_USERNAME } from './broadcast.protocol.ts';
import { runtimeFor, startBroadcast } from './broadcast.runtime.ts';
import { EVERY_DAY } from './broadcast.schedule.ts';
import {
  addCluster,
  audioSkip,
  type BroadcastTestApp,
  findMosquitto,
  freePort,
  IN_CI,
  LinkCutter,
  requireAudioTools,
  sendEmergency,
  startBroadcastApp,
  startSpeaker,
  type TestSpeaker,
  vnDate,
  vnTime,
  waitFor,
} from './broadcast.test-support.ts';
import {
  hashDevicePassword,
  mosquittoAclFile,
  mosquittoConf,
  mosquittoPasswordFile,
} from './mqtt/credentials.ts';
import { floodConnect, MB, peakGrowth } from './mqtt/limits.test-support.ts';

/**
 * Done-when (issue 6): a real Mosquitto with the generated password and ACL files, the platform as
 * its client, and 50 reference speakers in five villages. An emergency for three villages cuts the
 * normal bulletin on exactly those 30 speakers; a speaker whose link is cut while a new schedule is
 * pushed keeps playing from its cache and reports what it played once it is back.
 */
const mosquitto = findMosquitto();
const skip =
  audioSkip ||
  (!mosquitto && !IN_CI
    ? 'mosquitto is not installed (apt-get install mosquitto); with CI=true this fails'
    : false);

const VILLAGES = 5;
const PER_VILLAGE = 10;
const TARGETED_VILLAGES = 3;

type Row = Record<string, unknown>;

function waitForPort(port: number, child: ChildProcess, log: () => string) {
  return waitFor(
    'mosquitto to listen',
    () =>
      new Promise<boolean | undefined>((resolve) => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${log()}`);
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(undefined));
      }),
    10_000,
    50,
  );
}

/**
 * A real Mosquitto on loopback with the files an operator generates (README, "External broker"):
 * password file, ACL file and mosquitto.conf in `dir`. The test's own user reads them (as root,
 * Mosquitto would switch users).
 */
async function startMosquitto(
  dir: string,
  port: number,
  entries: { username: string; hash: string }[],
  maxPacketBytes: number,
) {
  const passwd = path.join(dir, 'passwd');
  const acl = path.join(dir, 'acl');
  fs.writeFileSync(passwd, mosquittoPasswordFile(entries), { mode: 0o600 });
  fs.writeFileSync(acl, mosquittoAclFile([PLATFORM_MQTT_USERNAME]));
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    mosquittoConf({
      port,
      bindAddress: '127.0.0.1',
      passwordFile: passwd,
      aclFile: acl,
      user: os.userInfo().username,
      maxPacketBytes,
    }),
  );
  const child = spawn(mosquitto as string, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d) => {
      log = (log + d).slice(-4000);
    });
  }
  await waitForPort(port, child, () => log);
  return { child, log: () => log };
}

describe('50 speakers on a real Mosquitto', { skip }, () => {
  let t: BroadcastTestApp;
  let broker: ChildProcess | undefined;
  let brokerLog = () => '';
  let cutter: LinkCutter;
  const speakers: (TestSpeaker & { village: number })[] = [];
  let cutSpeaker: TestSpeaker & { village: number };
  const query = <T = Row>(text: string, params?: unknown[]) => t.platform.database.query<T>(text, params);

  before(async () => {
    requireAudioTools();
    if (!mosquitto) assert.fail('CI needs mosquitto: apt-get install mosquitto');
    const port = await freePort();
    const platformPassword = randomBytes(18).toString('base64url');
    t = await startBroadcastApp({
      villages: VILLAGES,
      mqtt: { url: `mqtt://${PLATFORM_MQTT_USERNAME}:${platformPassword}@127.0.0.1:${port}` },
      start: false,
    });
    const creds: { village: number; c: Awaited<ReturnType<typeof addCluster>> }[] = [];
    for (const [v, village] of t.villagesA.entries()) {
      for (let i = 1; i <= PER_VILLAGE; i++) {
        creds.push({ village: v, c: await addCluster(t, village, `Loa ${v + 1}.${i}`) });
      }
    }
    // The broker's files, made from the database as an operator would (README, "External broker").
    const dir = path.join(t.scratch, 'mosquitto');
    fs.mkdirSync(dir);
    const entries = await mosquittoPasswordEntries(t.platform.database.db, [
      { username: PLATFORM_MQTT_USERNAME, password: platformPassword },
    ]);
    const started = await startMosquitto(dir, port, entries, t.platform.config.MQTT_MAX_PACKET_BYTES);
    broker = started.child;
    brokerLog = () => started.log();
    assert.deepEqual(
      [...brokerLog().matchAll(/listen socket on port (\d+)/g)].map((m) => Number(m[1])),
      [port],
      `Mosquitto listens on its one configured port only:\n${brokerLog()}`,
    );

    await startBroadcast(t.platform, { reconcileMs: 500 });
    assert.ok(runtimeFor(t.platform).bus?.connected, 'the platform is connected to Mosquitto');
    assert.equal(runtimeFor(t.platform).broker, undefined, 'no embedded broker when MQTT_URL is set');

    cutter = await LinkCutter.start(port);
    const direct = `mqtt://127.0.0.1:${port}`;
    const last = creds.length - 1;
    for (const [i, { village, c }] of creds.entries()) {
      // One speaker of an untargeted village reaches the broker through a link the test can cut.
      const url = i === last ? `mqtt://127.0.0.1:${cutter.port}` : direct;
      speakers.push({ ...(await startSpeaker(t, c, url, { heartbeatSeconds: 5 })), village });
    }
    cutSpeaker = speakers[last] as TestSpeaker & { village: number };
    await waitFor(
      '50 speakers online',
      async () => {
        const [r] = await query<{ n: number }>(
          "select count(*)::int as n from broadcast_clusters where status = 'online'",
        );
        return r?.n === VILLAGES * PER_VILLAGE || undefined;
      },
      30_000,
    );
  });

  after(async () => {
    await Promise.all(speakers.map((s) => s.agent.stop()));
    await cutter?.close();
    await t?.shutdown();
    if (broker && broker.exitCode === null) {
      broker.kill('SIGTERM');
      await new Promise((r) => broker?.once('exit', r));
    }
  });

  it('when an emergency is broadcast to three villages during a normal bulletin, then exactly their 30 speakers cut it and play the alert, and a speaker cut off during a push plays from its cache and reports after reconnecting', async () => {
    const op = await t.ctx('op_a');
    const deps = runtimeFor(t.platform).deps;
    const all = speakers.map((s) => s);
    const clusterIds = (await query<{ id: number }>('select id from broadcast_clusters order by id')).map(
      (r) => r.id,
    );

    // A long normal bulletin for the whole commune, approved, scheduled a few seconds ahead.
    const normal = await createBulletin(op, deps, COMMUNE_A, {
      title: 'Kế hoạch vụ đông',
      body: 'Ủy ban nhân dân xã thông báo kế hoạch sản xuất vụ đông. Bà con chuẩn bị giống ngô, giống khoai tây, phân bón và làm đất trước ngày 20/11. Cán bộ khuyến nông sẽ đến từng thôn hướng dẫn kỹ thuật, bà con chú ý đón nghe.',
      priority: 'normal',
    });
    await submitBulletin(op, normal.id);
    await approveBulletin(await t.ctx('leader_a'), normal.id);
    const whole = await createProgramme(op, COMMUNE_A, { name: 'Toàn xã', clusterIds });
    const at = Date.now() + 15_000;
    await scheduleBulletin(op, normal.id, {
      programmeId: whole.id,
      startTime: vnTime(at),
      weekdays: EVERY_DAY,
      startDate: vnDate(at),
      repeat: 1,
    });
    // Store: every speaker confirms a schedule that holds it, with the audio on its disk.
    await waitFor(
      'all 50 stored the schedule',
      async () => {
        const [r] = await query<{ n: number }>(
          `select count(distinct cluster_id)::int as n from broadcast_deliveries
           where kind = 'schedule' and entries > 0 and ack_status = 'ok'`,
        );
        return r?.n === 50 || undefined;
      },
      12_000,
    );
    for (const s of all) assert.ok(await s.agent.cache.hasAudio(normal.audioSha256 as string), s.code);
    assert.ok(Date.now() < at - 1_000, 'everything was stored before the bulletin was due');

    // The cut speaker loses its link; a new bulletin is pushed while it is unreachable.
    cutter.cut();
    await waitFor('cut speaker disconnected', () => !cutSpeaker.agent.connected || undefined);
    const versionBefore = cutSpeaker.agent.scheduleVersion;
    const pushedBefore = new Map(
      (
        await query<{ code: string; v: number }>('select code, pushed_version as v from broadcast_clusters')
      ).map((r) => [r.code, r.v]),
    );
    const later = await createBulletin(op, deps, COMMUNE_A, {
      title: 'Họp thôn',
      body: 'Tối nay họp thôn lúc 19h30 tại nhà văn hoá.',
      priority: 'priority',
    });
    await submitBulletin(op, later.id);
    await approveBulletin(await t.ctx('leader_a'), later.id);
    const laterAt = Date.now() + 120_000;
    await scheduleBulletin(op, later.id, {
      programmeId: whole.id,
      startTime: vnTime(laterAt),
      weekdays: EVERY_DAY,
      startDate: vnDate(laterAt),
      repeat: 1,
    });
    const pushed = await waitFor('the new version pushed to every speaker', async () => {
      const rows = await query<{ id: number; pushed_version: number; acked_version: number; code: string }>(
        'select id, code, pushed_version, acked_version from broadcast_clusters order by id',
      );
      return rows.every((r) => r.pushed_version > (pushedBefore.get(r.code) ?? 0)) &&
        rows.filter((r) => r.code !== cutSpeaker.code).every((r) => r.acked_version === r.pushed_version)
        ? rows
        : undefined;
    });
    const cutRow = pushed.find((r) => r.code === cutSpeaker.code);
    assert.ok(cutRow && cutRow.acked_version < cutRow.pushed_version, 'the cut speaker has not got it');
    assert.equal(cutSpeaker.agent.scheduleVersion, versionBefore);

    // Everyone, the cut speaker included, starts the normal bulletin on time from the cache.
    await waitFor(
      'all 50 playing',
      () =>
        all.every((s) => s.sink.events.some((e) => e.event === 'start' && e.sha256 === normal.audioSha256)) ||
        undefined,
      at - Date.now() + 5_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));

    // The emergency, for villages 1–3 only.
    const targets = t.villagesA.slice(0, TARGETED_VILLAGES).map((v: Place) => v.code);
    const form = {
      headline: 'Cảnh báo mưa đá',
      instruction: 'Bà con không ra ngoài, đưa trâu bò vào chuồng, chằng chống nhà cửa.',
      event: 'Mưa đá',
      category: 'Met' as const,
      severity: 'Severe' as const,
      urgency: 'Immediate' as const,
      certainty: 'Observed' as const,
      targets,
      repeat: 2,
      expiresMinutes: 60,
    };
    const { prep, sent, sentAt } = await sendEmergency(t, form);
    assert.equal(prep.clusters.length, TARGETED_VILLAGES * PER_VILLAGE);
    assert.equal(sent.devices, 30);

    const targeted = all.filter((s) => s.village < TARGETED_VILLAGES);
    const others = all.filter((s) => s.village >= TARGETED_VILLAGES);
    assert.equal(targeted.length, 30);
    assert.ok(others.includes(cutSpeaker));
    await waitFor(
      'the alert played twice on every targeted speaker',
      () =>
        targeted.every(
          (s) =>
            s.sink.events.filter(
              (e) => e.event === 'end' && e.priority === 'emergency' && e.outcome === 'completed',
            ).length === 2,
        ) || undefined,
      40_000,
    );
    const cutLatency: number[] = [];
    for (const s of targeted) {
      const cut = s.sink.events.find((e) => e.event === 'end' && e.sha256 === normal.audioSha256);
      const alert = s.sink.events.find((e) => e.event === 'start' && e.priority === 'emergency');
      assert.equal(cut?.outcome, 'interrupted', `${s.code} was not interrupted`);
      assert.ok(cut && alert && Date.parse(cut.at) <= Date.parse(alert.at), s.code);
      cutLatency.push(Date.parse(cut.at) - sentAt);
    }
    assert.ok(Math.max(...cutLatency) < 2_000, `slowest interruption ${Math.max(...cutLatency)} ms`);

    // The others play the normal bulletin to the end and never hear the alert.
    await waitFor(
      'the others finish the normal bulletin',
      () =>
        others.every((s) =>
          s.sink.events.some((e) => e.event === 'end' && e.sha256 === normal.audioSha256),
        ) || undefined,
      40_000,
    );
    for (const s of others) {
      assert.equal(
        s.sink.events.find((e) => e.event === 'end' && e.sha256 === normal.audioSha256)?.outcome,
        'completed',
        s.code,
      );
      assert.ok(!s.sink.events.some((e) => e.priority === 'emergency'), `${s.code} heard the alert`);
    }

    // Delivery per device: exactly the 30 targeted speakers, each acknowledged.
    const deliveries = await query<Row>(
      `select c.code, d.ack_status from broadcast_deliveries d join broadcast_clusters c on c.id = d.cluster_id
       join broadcast_commands m on m.id = d.command_id where m.alert_id = $1 order by c.code`,
      [sent.alert.id],
    );
    assert.deepEqual(
      deliveries.map((d) => d.code),
      targeted.map((s) => s.code).sort(),
    );
    assert.ok(deliveries.every((d) => d.ack_status === 'ok'));

    // The cut speaker comes back: it reports what it played offline, then takes the new schedule.
    assert.ok(cutSpeaker.agent.pendingReports >= 1, 'its proof of play waited on disk');
    cutter.restore();
    const offlinePlay = await waitFor(
      'the offline proof of play',
      async () => {
        const [row] = await query<Row>(
          `select p.outcome, p.offline, p.started_at, p.scheduled_at from broadcast_plays p
           join broadcast_clusters c on c.id = p.cluster_id where c.code = $1 and p.bulletin_id = $2`,
          [cutSpeaker.code, normal.id],
        );
        return row;
      },
      20_000,
    );
    assert.equal(offlinePlay.outcome, 'completed');
    assert.equal(offlinePlay.offline, true);
    assert.ok(Math.abs(new Date(offlinePlay.started_at as string).getTime() - at) < 1_500);
    await waitFor(
      'the cut speaker acknowledges the schedule pushed while it was away',
      async () => {
        const [row] = await query<{ pushed_version: number; acked_version: number }>(
          'select pushed_version, acked_version from broadcast_clusters where code = $1',
          [cutSpeaker.code],
        );
        return (
          (row &&
            row.acked_version === row.pushed_version &&
            row.acked_version > (cutRow?.acked_version ?? 0)) ||
          undefined
        );
      },
      20_000,
    );
    assert.ok(cutSpeaker.agent.scheduleVersion > versionBefore);
    assert.ok(await cutSpeaker.agent.cache.hasAudio(later.audioSha256 as string));
    // The platform stores a proof before the broker acknowledges it to the speaker.
    await waitFor(
      'the cut speaker’s outbox emptied',
      () => cutSpeaker.agent.pendingReports === 0 || undefined,
    );

    // Every speaker's proof of play for the normal bulletin reached the platform: 30 cut, 20 complete.
    const outcomes = await waitFor('50 proofs', async () => {
      const rows = await query<{ outcome: string; n: number }>(
        `select outcome, count(*)::int as n from broadcast_plays where bulletin_id = $1 group by outcome order by outcome`,
        [normal.id],
      );
      return rows.reduce((n, r) => n + r.n, 0) === 50 ? rows : undefined;
    });
    assert.deepEqual(outcomes, [
      { outcome: 'completed', n: 20 },
      { outcome: 'interrupted', n: 30 },
    ]);
  });
});

/** Mosquitto's resident memory, from the kernel's own account of the process. */
function residentMb(pid: number) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/**
 * The generated mosquitto.conf holds the embedded broker's packet limit: a real Mosquitto cuts off
 * a CONNECT announcing 250 MB at its header and does not grow. No audio, no app: runs wherever
 * Mosquitto is installed (and must, in CI).
 */
describe('the generated mosquitto.conf on a real Mosquitto', {
  skip:
    !mosquitto && !IN_CI && 'mosquitto is not installed (apt-get install mosquitto); with CI=true this fails',
}, () => {
  let broker: ChildProcess | undefined;
  let brokerLog = () => '';
  let port = 0;
  let dir = '';

  before(async () => {
    assert.ok(mosquitto, 'CI needs mosquitto: apt-get install mosquitto');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-mosquitto-limits-'));
    port = await freePort();
    const hash = await hashDevicePassword('bi-mat-nen-tang');
    const started = await startMosquitto(dir, port, [{ username: PLATFORM_MQTT_USERNAME, hash }], 256 * 1024);
    broker = started.child;
    brokerLog = () => started.log();
  });
  after(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGTERM');
      await new Promise((r) => broker?.once('exit', r));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when four clients each send 10 MB of a CONNECT announcing 250 MB, then Mosquitto cuts each off and its memory does not grow', async (t) => {
    const pid = broker?.pid as number;
    const { result: floods, grew: peak } = await peakGrowth(
      () => ({ rss: residentMb(pid) }),
      () => Promise.all([1, 2, 3, 4].map(() => floodConnect(port, 250 * MB, 10 * MB))),
    );
    const grew = peak.rss;
    t.diagnostic(
      `accepted before the cut: ${floods.map((f) => f.written).join(', ')} bytes; Mosquitto's RSS grew at most by ${grew.toFixed(1)} MB`,
    );
    for (const f of floods) assert.equal(f.closedByBroker, true, `Mosquitto kept reading:\n${brokerLog()}`);
    assert.ok(grew < 4, `Mosquitto's RSS grew by ${grew.toFixed(1)} MB`);
  });
});
