import { timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import {
  DEVICE_CODE,
  DOWN_TOPICS,
  PLATFORM_MQTT_USERNAME,
  parseTopic,
  TOPIC_ROOT,
  UP_TOPICS,
} from '../broadcast.protocol.ts';
import {
  DEFAULT_SIGN_IN_TIMEOUT_MS,
  DEFAULT_SIGNING_IN_PER_ADDRESS,
  limitConnections,
  type Refusal,
} from './limits.ts';

/**
 * The embedded broker (Aedes) the app starts by default, so a commune's single box needs nothing
 * else. Every client authenticates: the platform with its shared secret, a device with its own
 * username and password. A device may subscribe only to its own downlink topics and publish only
 * to its own uplink ones, and its client id must be its username (no one can take over another
 * device's session). These are the same rules as the Mosquitto ACL file (credentials.ts). Before
 * signing in, a connection is bounded in size, time and number per address (limits.ts).
 */

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  tls?: { port: number; cert: Buffer; key: Buffer } | undefined;
  platformPassword: string;
  authenticateDevice(username: string, password: string): Promise<boolean>;
  /** The largest packet a client may send (MQTT_MAX_PACKET_BYTES). */
  maxPacketBytes: number;
  /** Defaults: DEFAULT_SIGN_IN_TIMEOUT_MS, DEFAULT_SIGNING_IN_PER_ADDRESS (limits.ts). */
  signInTimeoutMs?: number;
  maxSigningInPerAddress?: number;
  onClientError?(clientId: string | undefined, error: Error): void;
  /** A connection cut off by a limit, before it could cost memory. */
  onRefused?(address: string, why: Refusal): void;
}

export interface EmbeddedBroker {
  broker: Aedes;
  port: number;
  tlsPort: number | undefined;
  close(): Promise<void>;
}

type Who = { role: 'platform' } | { role: 'device'; code: string };
const identities = new WeakMap<Client, Who>();

const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;

function refuse(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

function same(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** May this client publish to this topic (with this retain flag)? Pure, for tests and the broker. */
export function mayPublish(who: Who, topic: string, retain: boolean): boolean {
  if (who.role === 'platform') return topic.startsWith(`${TOPIC_ROOT}/`);
  const t = parseTopic(topic);
  if (!t || t.code !== who.code || !(UP_TOPICS as readonly string[]).includes(t.leaf)) return false;
  return !retain || t.leaf === 'status';
}

/** May this client subscribe to this filter? Devices: their own downlink topics, exactly. */
export function maySubscribe(who: Who, filter: string): boolean {
  if (who.role === 'platform') return filter.startsWith(`${TOPIC_ROOT}/`);
  const t = parseTopic(filter);
  return !!t && t.code === who.code && (DOWN_TOPICS as readonly string[]).includes(t.leaf);
}

function listen(server: net.Server, host: string, port: number) {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    // Commands for a device that is offline wait in its session (QoS 1, clean: false).
    queueLimit: 1000,
    authenticate(client, username, password, done) {
      const pass = password?.toString('utf8') ?? '';
      if (!username || !pass) return done(refuse(BAD_CREDENTIALS, 'credentials required'), false);
      if (username === PLATFORM_MQTT_USERNAME) {
        if (!same(pass, o.platformPassword)) return done(refuse(BAD_CREDENTIALS, 'bad credentials'), false);
        identities.set(client, { role: 'platform' });
        return done(null, true);
      }
      if (!DEVICE_CODE.test(username) || client.id !== username) {
        return done(refuse(NOT_AUTHORIZED, 'a device connects with its code as client id'), false);
      }
      o.authenticateDevice(username, pass).then(
        (ok) => {
          if (!ok) return done(refuse(BAD_CREDENTIALS, 'bad credentials'), false);
          identities.set(client, { role: 'device', code: username });
          done(null, true);
        },
        (e: Error) => done(refuse(3, e.message), false),
      );
    },
    authorizePublish(client, packet, done) {
      // No client: the broker itself (a will published after its owner vanished).
      const who = client ? identities.get(client) : undefined;
      if (!client) return done(null);
      if (!who || !mayPublish(who, packet.topic, packet.retain)) return done(new Error('not authorised'));
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const who = identities.get(client);
      done(null, who && maySubscribe(who, sub.topic) ? sub : null);
    },
  });
  broker.on('clientError', (client, e) => o.onClientError?.(client?.id, e));
  broker.on('connectionError', (client, e) => o.onClientError?.(client?.id, e));
  const signInTimeoutMs = o.signInTimeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const handle = limitConnections(
    broker,
    {
      maxPacketBytes: o.maxPacketBytes,
      signInTimeoutMs,
      maxSigningInPerAddress: o.maxSigningInPerAddress ?? DEFAULT_SIGNING_IN_PER_ADDRESS,
    },
    o.onRefused,
  );

  const plain = net.createServer(handle);
  const servers: net.Server[] = [plain];
  let port: number;
  let tlsPort: number | undefined;
  try {
    port = await listen(plain, o.host, o.port);
    if (o.tls) {
      // The TLS handshake counts against the same time as signing in (Node's default is 120 s).
      const secure = tls.createServer(
        { cert: o.tls.cert, key: o.tls.key, handshakeTimeout: signInTimeoutMs },
        handle,
      );
      servers.push(secure);
      tlsPort = await listen(secure, o.host, o.tls.port);
    }
  } catch (e) {
    for (const s of servers) s.close();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw e;
  }
  return {
    broker,
    port,
    tlsPort,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              // Half-open device sockets must not keep shutdown waiting.
              (s as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        ),
      );
    },
  };
}
