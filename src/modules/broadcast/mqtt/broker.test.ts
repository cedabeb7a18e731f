import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { PLATFORM_MQTT_USERNAME } from '../broadcast.protocol.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.ts';
import { PlatformBus } from './bus.ts';
import { hashDevicePassword, verifyDevicePassword } from './credentials.ts';
import { connectHeader, floodConnect, MB, peakGrowth } from './limits.test-support.ts';

const hasOpenssl = spawnSync('openssl', ['version']).error === undefined;

/** The embedded broker's TLS listener: devices on the open internet connect with mqtts://. */
describe('embedded broker over TLS', {
  skip: !hasOpenssl && process.env.CI !== 'true' && 'openssl is not installed',
}, () => {
  let dir = '';
  let broker: EmbeddedBroker;
  let ca: Buffer;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-tls-'));
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    const deviceHash = await hashDevicePassword('mat-khau-loa');
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      tls: { port: 0, cert: ca, key: fs.readFileSync(path.join(dir, 'key.pem')) },
      platformPassword: 'bi-mat-nen-tang',
      authenticateDevice: async (u, p) => u === '06541.01-1' && (await verifyDevicePassword(deviceHash, p)),
      maxPacketBytes: 256 * 1024,
    });
  });
  after(async () => {
    await broker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a device connects with mqtts:// and the CA, then it is in; without trusting the CA, it is refused', async () => {
    assert.ok(broker.tlsPort);
    const url = `mqtts://127.0.0.1:${broker.tlsPort}`;
    const c = await connectAsync(url, {
      ca,
      clientId: '06541.01-1',
      username: '06541.01-1',
      password: 'mat-khau-loa',
      reconnectPeriod: 0,
    });
    assert.equal(c.connected, true);
    await c.endAsync();
    await assert.rejects(
      connectAsync(url, {
        clientId: '06541.01-1',
        username: '06541.01-1',
        password: 'mat-khau-loa',
        reconnectPeriod: 0,
      }),
      /self[- ]signed|certificate/i,
    );
  });

  it('when the platform connects on the plain port with its secret, then it is in; with a wrong one, refused', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const c = await connectAsync(url, {
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    await c.endAsync();
    await assert.rejects(
      connectAsync(url, { username: PLATFORM_MQTT_USERNAME, password: 'sai', reconnectPeriod: 0 }),
      /Bad username or password/i,
    );
    await assert.rejects(connectAsync(url, { reconnectPeriod: 0 }), /Bad username or password/i);
  });
});

function onceClosed(socket: net.Socket) {
  return new Promise<number>((resolve) => {
    const started = Date.now();
    socket.on('error', () => {});
    socket.once('close', () => resolve(Date.now() - started));
  });
}

/** What the broker may cost before a client has signed in: packet size, time, connections per address. */
describe('embedded broker limits before sign-in', () => {
  let broker: EmbeddedBroker;
  let quick: EmbeddedBroker;

  before(async () => {
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      platformPassword: 'bi-mat-nen-tang',
      authenticateDevice: async () => false,
      maxPacketBytes: 256 * 1024,
      // Long enough that only the packet limit can cut the floods off.
      signInTimeoutMs: 60_000,
      maxSigningInPerAddress: 8,
    });
    quick = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      platformPassword: 'bi-mat-nen-tang',
      authenticateDevice: async () => false,
      maxPacketBytes: 256 * 1024,
      signInTimeoutMs: 300,
      maxSigningInPerAddress: 2,
    });
  });
  after(async () => {
    await broker?.close();
    await quick?.close();
  });

  it('when four clients each send 10 MB of a CONNECT announcing 250 MB, then each is cut off at its header and the process’s memory does not grow', async (t) => {
    // Peaks while the floods run, in MB: resident memory, and memory held in Buffers.
    const { result: floods, grew } = await peakGrowth(
      () => {
        const m = process.memoryUsage();
        return { rss: m.rss / MB, buffers: m.arrayBuffers / MB };
      },
      () => Promise.all([1, 2, 3, 4].map(() => floodConnect(broker.port, 250 * MB, 10 * MB))),
    );
    t.diagnostic(
      `accepted before the cut: ${floods.map((f) => f.written).join(', ')} bytes; peak growth: RSS ${grew.rss.toFixed(1)} MB, Buffers ${grew.buffers.toFixed(1)} MB`,
    );
    for (const f of floods) {
      assert.equal(f.closedByBroker, true, 'the broker kept the connection open, reading on');
      // What the socket accepted sits in the kernel's buffers, not in this process.
      assert.ok(f.written < 10 * MB, `all ${f.written} bytes went through`);
    }
    // Without the limit, Aedes holds every byte: 40 MB more, as Buffers.
    assert.ok(grew.buffers < 2, `Buffers grew by ${grew.buffers.toFixed(1)} MB`);
    assert.ok(grew.rss < 8, `RSS grew by ${grew.rss.toFixed(1)} MB`);
  });

  it('when a signed-in client publishes more than the limit, then it is disconnected; under the limit it is acknowledged', async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const c = await connectAsync(url, {
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    try {
      await c.publishAsync('loa/06541.01-1/schedule', Buffer.alloc(200 * 1024, 0x7b), { qos: 1 });
      const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
      c.publish('loa/06541.01-1/schedule', Buffer.alloc(300 * 1024, 0x7b), { qos: 1 });
      await closed;
    } finally {
      c.end(true);
    }
  });

  it('when a connection does not sign in within the time allowed, then it is closed; one that signed in stays', async () => {
    const url = `mqtt://127.0.0.1:${quick.port}`;
    const signedIn = await connectAsync(url, {
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    try {
      const silent = net.connect(quick.port, '127.0.0.1');
      const slow = net.connect(quick.port, '127.0.0.1');
      // Half a CONNECT, then nothing: a slow-loris.
      slow.write(Buffer.concat([connectHeader(40), Buffer.from([0, 4])]));
      const [silentMs, slowMs] = await Promise.all([onceClosed(silent), onceClosed(slow)]);
      for (const ms of [silentMs, slowMs]) assert.ok(ms >= 250 && ms < 5_000, `closed after ${ms} ms`);
      assert.equal(signedIn.connected, true, 'the signed-in client was opened first and is still there');
    } finally {
      await signedIn.endAsync();
    }
  });

  it('when one address opens more connections than allowed while signing in, then the extra one is closed at once; signing in frees a place', async () => {
    const url = `mqtt://127.0.0.1:${quick.port}`;
    const a = net.connect(quick.port, '127.0.0.1');
    const b = net.connect(quick.port, '127.0.0.1');
    const aClosed = onceClosed(a);
    const bClosed = onceClosed(b);
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.once('connect', resolve))));
    const extra = net.connect(quick.port, '127.0.0.1');
    const extraMs = await onceClosed(extra);
    assert.ok(extraMs < 250, `the third was closed after ${extraMs} ms, not by the sign-in timeout`);
    await Promise.all([aClosed, bClosed]);
    // Both places are free again (the two timed out); a device that signs in does not keep one.
    const first = await connectAsync(url, {
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    const second = await connectAsync(url, {
      clientId: 'xaso-platform-2',
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    const third = await connectAsync(url, {
      clientId: 'xaso-platform-3',
      username: PLATFORM_MQTT_USERNAME,
      password: 'bi-mat-nen-tang',
      reconnectPeriod: 0,
    });
    for (const c of [first, second, third]) await c.endAsync();
  });

  it('when the platform would publish a document larger than the limit, then it refuses to send it and stays connected', async () => {
    const bus = PlatformBus.create(
      {
        url: `mqtt://127.0.0.1:${broker.port}`,
        username: PLATFORM_MQTT_USERNAME,
        password: 'bi-mat-nen-tang',
        clientId: 'xaso-platform-limits',
        maxPacketBytes: 256 * 1024,
      },
      () => {},
    );
    try {
      assert.equal(await bus.waitConnected(5_000), true);
      await bus.publish('06541.01-1', 'schedule', { entries: 'x'.repeat(200 * 1024) }, true);
      await assert.rejects(
        bus.publish('06541.01-1', 'schedule', { entries: 'x'.repeat(300 * 1024) }, true),
        /exceeds MQTT_MAX_PACKET_BYTES \(262144\); not sent/,
      );
      assert.equal(bus.connected, true);
    } finally {
      await bus.close();
    }
  });
});
