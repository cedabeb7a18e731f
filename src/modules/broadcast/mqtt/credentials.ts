import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DOWN_TOPICS, TOPIC_ROOT, UP_TOPICS } from '../broadcast.protocol.ts';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Device passwords are stored in Mosquitto's own format (`$7$iterations$salt$hash`, PBKDF2-SHA512,
 * as `mosquitto_passwd` writes it), so one hash serves the embedded broker and a password file for
 * an external Mosquitto. 101 iterations is Mosquitto's default; it is enough because the passwords
 * are random 144-bit secrets made here, never chosen by a person.
 */
const ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

export function newDevicePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function hashDevicePassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await pbkdf2Async(password, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyDevicePassword(stored: string, password: string): Promise<boolean> {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > 1_000_000) return false;
  const expected = Buffer.from(m[3] as string, 'base64');
  const actual = await pbkdf2Async(
    password,
    Buffer.from(m[2] as string, 'base64'),
    iterations,
    expected.length,
    'sha512',
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** `username:hash` lines for Mosquitto's `password_file`. */
export function mosquittoPasswordFile(entries: readonly { username: string; hash: string }[]): string {
  return entries.map((e) => `${e.username}:${e.hash}\n`).join('');
}

/**
 * Mosquitto's `acl_file`: the platform may read and write every device topic; each device (its
 * username is its code, `%u`) may only read its own downlink topics and write its own uplink ones.
 */
export function mosquittoAclFile(platformUsers: readonly string[]): string {
  const lines = ['# Xã Số loudspeakers: generated, see src/modules/broadcast/README.md', ''];
  for (const user of platformUsers) lines.push(`user ${user}`, `topic readwrite ${TOPIC_ROOT}/#`, '');
  lines.push('# Every device, by its username');
  for (const leaf of DOWN_TOPICS) lines.push(`pattern read ${TOPIC_ROOT}/%u/${leaf}`);
  for (const leaf of UP_TOPICS) lines.push(`pattern write ${TOPIC_ROOT}/%u/${leaf}`);
  return `${lines.join('\n')}\n`;
}

export interface MosquittoConfOptions {
  port: number;
  bindAddress?: string;
  passwordFile: string;
  aclFile: string;
  /** A TLS listener as well (devices on the public internet): certificate and key files. */
  tls?: { port: number; certFile: string; keyFile: string; caFile?: string };
  persistence?: { dir: string } | false;
  /** Started as root, Mosquitto switches to this user (default "mosquitto"), who must read the files. */
  user?: string;
  /** The largest packet a client may send (MQTT_MAX_PACKET_BYTES), as the embedded broker allows. */
  maxPacketBytes: number;
  /** Connections each listener accepts in all (Mosquitto's max_connections); unlimited if absent. */
  maxConnections?: number;
}

/** Commands waiting for one offline device: 1,000 messages (max_queued_messages) of about 1 KB. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/**
 * A mosquitto.conf for Xã Số. `use_username_as_clientid` stops one device from taking over
 * another's session by claiming its client id. The limits match the embedded broker's where
 * Mosquitto has them: a packet larger than `max_packet_size` ends the connection at its header
 * (broadcast.mosquitto.test.ts measures it). Mosquitto has no limit per address and closes a
 * connection that never sends CONNECT only after about 90 s (measured, 2.0.11): the README shows
 * the firewall rule that limits connections per address.
 */
export function mosquittoConf(o: MosquittoConfOptions): string {
  const listenerLimit = o.maxConnections === undefined ? [] : [`max_connections ${o.maxConnections}`];
  const lines = [
    ...(o.user ? [`user ${o.user}`] : []),
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    // Audio travels over HTTP: every MQTT message is small (MQTT_MAX_PACKET_BYTES).
    `max_packet_size ${o.maxPacketBytes}`,
    // Commands queued for a device that is offline (QoS 1, persistent session), in number and bytes.
    'max_queued_messages 1000',
    `max_queued_bytes ${MAX_QUEUED_BYTES}`,
    o.persistence ? `persistence true\npersistence_location ${o.persistence.dir}/` : 'persistence false',
    // A listener's own options follow its `listener` line: given before any, they configure a
    // default listener, which Mosquitto then opens on 0.0.0.0:1883 as well.
    `listener ${o.port}${o.bindAddress ? ` ${o.bindAddress}` : ''}`,
    'use_username_as_clientid true',
    ...listenerLimit,
  ];
  if (o.tls) {
    lines.push(
      `listener ${o.tls.port}${o.bindAddress ? ` ${o.bindAddress}` : ''}`,
      'use_username_as_clientid true',
      ...listenerLimit,
      `certfile ${o.tls.certFile}`,
      `keyfile ${o.tls.keyFile}`,
      ...(o.tls.caFile ? [`cafile ${o.tls.caFile}`] : []),
      'tls_version tlsv1.2',
    );
  }
  return `${lines.join('\n')}\n`;
}
