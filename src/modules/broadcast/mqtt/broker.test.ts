import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { PLATFORM_MQTT_USERNAME } from '../broadcast.protocol.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.ts';
import { hashDevicePassword, verifyDevicePassword } from './credentials.ts';

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
