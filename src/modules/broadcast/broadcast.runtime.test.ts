import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '#app/app.ts';
import { bootPlatform } from '#app/bootstrap.ts';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { createTestDatabase } from '#test/support/db.ts';
import { TtsError } from './tts/index.ts';

describe('loudspeaker settings at boot', () => {
  it('when a text-to-speech setting is wrong, then the app does not start, naming it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xaso-tts-conf-'));
    const database = await createTestDatabase();
    try {
      const config = loadConfig({
        DATA_DIR: dataDir,
        JOBS: 'false',
        LOG_LEVEL: 'silent',
        TTS_WORDS_PER_MINUTE: '5',
      });
      const platform = await bootPlatform(config, { database });
      await assert.rejects(
        buildApp(platform),
        (e: unknown) => e instanceof TtsError && e.code === 'bad-config' && /wordsPerMinute/.test(e.message),
      );
    } finally {
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when the MQTT settings are incomplete or malformed, then loading the configuration fails', () => {
    assert.throws(() => loadConfig({ MQTT_TLS_CERT: '/etc/ssl/cert.pem' }), ConfigError);
    assert.throws(
      () => loadConfig({ MQTT_URL: 'http://broker:1883' }),
      /MQTT_URL: must start with mqtt:\/\//,
    );
    assert.throws(() => loadConfig({ MQTT_PORT: '70000' }), /MQTT_PORT/);
    const c = loadConfig({ HOST: '127.0.0.1' });
    assert.equal(c.MQTT_PORT, 1883);
    assert.equal(c.MQTT_HOST, undefined, 'the broker binds where HTTP does unless told otherwise');
  });

  it('when the MQTT packet limit is set, then it is a whole number of bytes from 128 KiB to the MQTT maximum; unset, 256 KiB', () => {
    assert.throws(
      () => loadConfig({ MQTT_MAX_PACKET_BYTES: '65536' }),
      /MQTT_MAX_PACKET_BYTES: must be at least 131072/,
    );
    assert.throws(() => loadConfig({ MQTT_MAX_PACKET_BYTES: '300000000' }), /MQTT_MAX_PACKET_BYTES/);
    assert.throws(() => loadConfig({ MQTT_MAX_PACKET_BYTES: '256KB' }), /MQTT_MAX_PACKET_BYTES/);
    assert.equal(loadConfig({}).MQTT_MAX_PACKET_BYTES, 262_144);
    assert.equal(loadConfig({ MQTT_MAX_PACKET_BYTES: '524288' }).MQTT_MAX_PACKET_BYTES, 524_288);
  });
});
