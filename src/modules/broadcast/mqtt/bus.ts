import os from 'node:os';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  type DownTopic,
  parseTopic,
  TOPIC_ROOT,
  topicFor,
  UP_TOPICS,
  type UpTopic,
} from '../broadcast.protocol.ts';

/**
 * The platform's side of MQTT: one client, to the embedded broker or an external one (Mosquitto),
 * publishing device documents and commands at QoS 1 and receiving what devices send.
 */

export type UplinkHandler = (code: string, leaf: UpTopic, payload: Buffer) => Promise<void> | void;

export interface BusOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** PEM of a private CA for mqtts:// to a broker whose certificate it signed. */
  ca?: Buffer | undefined;
  clientId?: string;
  /** Uplinks whose handler must finish before the broker gets its PUBACK (proof of play). */
  durable?: readonly UpTopic[];
  publishTimeoutMs?: number;
  /** The brokers' packet limit (MQTT_MAX_PACKET_BYTES): a larger message would get us cut off. */
  maxPacketBytes?: number;
}

export class PlatformBus {
  private readonly connectedHandlers: (() => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    private readonly publishTimeoutMs: number,
    private readonly maxPacketBytes: number,
  ) {}

  /**
   * Connects in the background and keeps reconnecting; `onConnected` handlers run after each
   * (re)connection once the uplink subscriptions are in place.
   */
  static create(o: BusOptions, onUplink: UplinkHandler): PlatformBus {
    const url = new URL(o.url);
    const options: IClientOptions = {
      protocolVersion: 4,
      // A stable id and a persistent session: uplinks wait at the broker while the app restarts.
      clientId: o.clientId ?? `xaso-platform-${os.hostname()}`.slice(0, 64),
      clean: false,
      username: o.username ?? (decodeURIComponent(url.username) || undefined),
      password: o.password ?? (decodeURIComponent(url.password) || undefined),
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      keepalive: 30,
      ...(o.ca ? { ca: o.ca } : {}),
    };
    url.username = '';
    url.password = '';
    const client = connect(url.toString(), options);
    const bus = new PlatformBus(client, o.publishTimeoutMs ?? 15_000, o.maxPacketBytes ?? 268_435_455);
    const durable = new Set<string>(o.durable ?? []);
    // mqtt.js handles one incoming packet at a time and sends PUBACK when this calls back: durable
    // uplinks are stored first; the rest are queued in memory and acknowledged at once.
    client.handleMessage = (packet, callback) => {
      const t = parseTopic(packet.topic);
      if (!t || !(UP_TOPICS as readonly string[]).includes(t.leaf)) return callback();
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      const run = Promise.resolve().then(() => onUplink(t.code, t.leaf as UpTopic, payload));
      if (durable.has(t.leaf))
        run.then(
          () => callback(),
          (e: Error) => callback(e),
        );
      else {
        run.catch(() => {});
        callback();
      }
    };
    // Connection errors are retried by mqtt.js; the caller sees them through `connected`.
    client.on('error', () => {});
    client.on('connect', () => {
      client
        .subscribeAsync(
          UP_TOPICS.map((leaf) => `${TOPIC_ROOT}/+/${leaf}`),
          { qos: 1 },
        )
        .then(() => {
          for (const h of bus.connectedHandlers) h();
        })
        .catch(() => client.end(true, () => client.reconnect()));
    });
    return bus;
  }

  onConnected(handler: () => void) {
    this.connectedHandlers.push(handler);
    if (this.client.connected) handler();
  }

  /** Resolves at the first connection, or false after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.client.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.connectedHandlers.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  get connected() {
    return this.client.connected;
  }

  /** QoS 1; resolves at the broker's PUBACK, rejects when disconnected or after the timeout. */
  async publish(code: string, leaf: DownTopic, payload: unknown, retain = false): Promise<void> {
    if (!this.client.connected) throw new Error('MQTT is not connected');
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const topic = topicFor(code, leaf);
    // Fixed header (≤ 5), topic length (2) and packet id (2) around the topic and the body.
    const size = 9 + Buffer.byteLength(topic) + Buffer.byteLength(body);
    if (size > this.maxPacketBytes) {
      throw new Error(
        `MQTT message of ${size} bytes for ${topic} exceeds MQTT_MAX_PACKET_BYTES (${this.maxPacketBytes}); not sent`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.publishAsync(topic, body, { qos: 1, retain }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('MQTT publish timed out')), this.publishTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close() {
    await this.client.endAsync(false).catch(() => this.client.end(true));
  }
}
