/**
 * Writes Mosquitto's password file, ACL file and a mosquitto.conf for Xã Số's loudspeakers, from
 * the database, for running with an external broker (MQTT_URL):
 *
 *   MQTT_URL=mqtt://xaso-platform:<secret>@broker:1883 DATABASE_URL=… \
 *     tsx src/modules/broadcast/mqtt/mosquitto-files.ts /etc/mosquitto/xaso [--port 1883] [--tls-port 8883]
 *       [--max-connections N]
 *
 * max_packet_size comes from MQTT_MAX_PACKET_BYTES, as the embedded broker's limit does.
 *
 * The platform's own user and password are taken from MQTT_URL. Run it again after registering or
 * resetting a device, then `systemctl reload mosquitto` (SIGHUP re-reads both files). With PGlite,
 * stop the app first: one process at a time may open its data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '#platform/config.ts';
import { openDatabase } from '#platform/db/client.ts';
import { migrate } from '#platform/db/migrate.ts';
import { mosquittoPasswordEntries } from '../broadcast.clusters.service.ts';
import { mosquittoAclFile, mosquittoConf, mosquittoPasswordFile } from './credentials.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '1883' },
    'tls-port': { type: 'string' },
    'max-connections': { type: 'string' },
  },
});
const out = positionals[0];
try {
  const config = loadConfig();
  if (!out || !config.MQTT_URL) {
    process.stderr.write(
      'usage: MQTT_URL=mqtt://user:pass@host:1883 mosquitto-files <out-dir> [--port N] [--tls-port N] [--max-connections N]\n',
    );
    process.exit(64);
  }
  const url = new URL(config.MQTT_URL);
  const platform = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  if (!platform.username || !platform.password)
    throw new Error('MQTT_URL must carry the platform user and password');
  const database = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATABASE_URL ? undefined : path.join(config.dataDir, 'pglite'),
  });
  await migrate(database);
  const entries = await mosquittoPasswordEntries(database.db, [platform]);
  await database.close();
  fs.mkdirSync(out, { recursive: true });
  const passwd = path.resolve(out, 'passwd');
  const acl = path.resolve(out, 'acl');
  fs.writeFileSync(passwd, mosquittoPasswordFile(entries), { mode: 0o600 });
  fs.writeFileSync(acl, mosquittoAclFile([platform.username]));
  const tlsPort = values['tls-port'];
  fs.writeFileSync(
    path.resolve(out, 'mosquitto.conf'),
    mosquittoConf({
      port: Number(values.port),
      passwordFile: passwd,
      aclFile: acl,
      persistence: { dir: path.resolve(out, 'data') },
      maxPacketBytes: config.MQTT_MAX_PACKET_BYTES,
      ...(values['max-connections'] ? { maxConnections: Number(values['max-connections']) } : {}),
      ...(tlsPort
        ? {
            tls: {
              port: Number(tlsPort),
              certFile: path.resolve(out, 'cert.pem'),
              keyFile: path.resolve(out, 'key.pem'),
            },
          }
        : {}),
    }),
  );
  process.stdout.write(
    `${entries.length - 1} devices and the platform user written to ${path.resolve(out)}\n`,
  );
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
  process.exit(1);
}
