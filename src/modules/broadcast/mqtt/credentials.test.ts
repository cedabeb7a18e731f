import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mayPublish, maySubscribe } from './broker.ts';
import {
  hashDevicePassword,
  mosquittoAclFile,
  newDevicePassword,
  verifyDevicePassword,
} from './credentials.ts';

const hasMosquittoPasswd = spawnSync('mosquitto_passwd', ['-h']).error === undefined;

describe('device credentials and topic rules', () => {
  it('when a password is hashed, then it verifies, a wrong one does not, and the hash is Mosquitto’s $7$ format', async () => {
    const password = newDevicePassword();
    assert.equal(password.length, 24);
    const hash = await hashDevicePassword(password);
    assert.match(hash, /^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    assert.equal(await verifyDevicePassword(hash, password), true);
    assert.equal(await verifyDevicePassword(hash, `${password}x`), false);
    assert.equal(await verifyDevicePassword('garbage', password), false);
    assert.notEqual(await hashDevicePassword(password), hash, 'salted');
  });

  it('when mosquitto_passwd hashed a password, then we verify it too (the same file serves both brokers)', {
    skip: !hasMosquittoPasswd && process.env.CI !== 'true' && 'mosquitto_passwd is not installed',
  }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-pw-'));
    try {
      const file = path.join(dir, 'pw');
      const r = spawnSync('mosquitto_passwd', ['-c', '-b', file, 'loa-1', 'mật-khẩu-thử'], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const hash = fs.readFileSync(file, 'utf8').trim().split(':')[1] ?? '';
      assert.equal(await verifyDevicePassword(hash, 'mật-khẩu-thử'), true);
      assert.equal(await verifyDevicePassword(hash, 'sai'), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when a device publishes or subscribes, then only its own uplink or downlink topics are allowed', () => {
    const me = { role: 'device' as const, code: '06541.01-1' };
    assert.equal(mayPublish(me, 'loa/06541.01-1/heartbeat', false), true);
    assert.equal(
      mayPublish(me, 'loa/06541.01-1/status', true),
      true,
      'its will and online flag are retained',
    );
    assert.equal(mayPublish(me, 'loa/06541.01-1/played', true), false, 'nothing else retained');
    assert.equal(mayPublish(me, 'loa/06541.01-1/schedule', false), false, 'not a downlink');
    assert.equal(mayPublish(me, 'loa/06541.01-2/played', false), false, 'not another device');
    assert.equal(mayPublish(me, 'loa/06541.01-1/played/x', false), false);
    assert.equal(maySubscribe(me, 'loa/06541.01-1/cmd'), true);
    for (const f of [
      'loa/06541.01-1/+',
      'loa/+/cmd',
      'loa/#',
      '#',
      'loa/06541.01-2/cmd',
      'loa/06541.01-1/ack',
    ]) {
      assert.equal(maySubscribe(me, f), false, f);
    }
    const platform = { role: 'platform' as const };
    assert.equal(maySubscribe(platform, 'loa/+/played'), true);
    assert.equal(mayPublish(platform, 'loa/06541.01-1/cmd', false), true);
    assert.equal(mayPublish(platform, '$SYS/x', false), false);
  });

  it('when the Mosquitto ACL file is written, then it holds the same rules with %u patterns', () => {
    const acl = mosquittoAclFile(['xaso-platform']);
    assert.match(acl, /^user xaso-platform\ntopic readwrite loa\/#$/m);
    for (const leaf of ['schedule', 'manifest', 'cmd'])
      assert.match(acl, new RegExp(`^pattern read loa/%u/${leaf}$`, 'm'));
    for (const leaf of ['ack', 'heartbeat', 'played', 'status']) {
      assert.match(acl, new RegExp(`^pattern write loa/%u/${leaf}$`, 'm'));
    }
  });
});
