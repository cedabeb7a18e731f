import type net from 'node:net';
import type { Aedes } from 'aedes';

/**
 * What a client may cost the embedded broker before it has proved who it is. Aedes buffers a
 * packet until all the bytes its header announces have arrived, with no ceiling: four sockets
 * announcing 256 MB CONNECTs took a server from 637 MB to 1.45 GB. Audio travels over HTTP, so
 * every MQTT message is small (the largest, a schedule or a batch of 100 play reports, is tens of
 * KB); these limits are enforced on the bytes as they arrive, before Aedes sees them.
 */
export interface ConnectionLimits {
  /** The largest packet any client may send, fixed header included (MQTT_MAX_PACKET_BYTES). */
  maxPacketBytes: number;
  /** A connection that has not signed in (CONNACK accepted) by then is closed. */
  signInTimeoutMs: number;
  /**
   * Connections one address may hold open while signing in. Generous, because a carrier NAT puts
   * many speakers behind one address and they all reconnect at once after an outage.
   */
  maxSigningInPerAddress: number;
}

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 10_000;
export const DEFAULT_SIGNING_IN_PER_ADDRESS = 64;

export type Refusal = 'packet-too-large' | 'sign-in-timeout' | 'too-many-from-address';

/**
 * Follows the MQTT fixed headers in a byte stream (a type byte, then the remaining length in 1–4
 * bytes of 7 bits) and says when a packet announces more than `max` bytes in all — at its header,
 * before any of its body is kept. Packets split across chunks, or several in one, are followed.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly max: number) {}

  /** False once a packet is too large or its length is malformed: the connection must close. */
  feed(chunk: Buffer): boolean {
    let at = 0;
    while (at < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - at);
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.state = 'type';
      } else if (this.state === 'type') {
        at++;
        this.state = 'length';
        this.length = 0;
        this.lengthBytes = 0;
      } else {
        const byte = chunk[at++] as number;
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes++;
        if (byte & 0x80) {
          if (this.lengthBytes === 4) return false; // MQTT allows four length bytes at most
          continue;
        }
        if (1 + this.lengthBytes + this.length > this.max) return false;
        this.remaining = this.length;
        this.state = this.remaining > 0 ? 'body' : 'type';
      }
    }
    return true;
  }
}

/**
 * Wraps Aedes' connection handler with the limits. Aedes reads each connection with
 * `socket.read()` when it is readable, so the guard wraps that one method of each socket: every
 * byte Aedes receives passes the guard first, and a packet announced too large ends the connection
 * before its body is read. broker.test.ts proves it with a real socket and the process's memory.
 */
export function limitConnections(
  broker: Aedes,
  limits: ConnectionLimits,
  onRefused?: (address: string, why: Refusal) => void,
): (socket: net.Socket) => void {
  const signingIn = new Map<string, number>();
  const signedIn = new WeakMap<object, () => void>();
  broker.on('clientReady', (client) => signedIn.get((client as unknown as { conn: object }).conn)?.());

  return (socket) => {
    const address = socket.remoteAddress ?? '?';
    const refuse = (why: Refusal) => {
      onRefused?.(address, why);
      socket.destroy();
    };
    const count = signingIn.get(address) ?? 0;
    if (count >= limits.maxSigningInPerAddress) return refuse('too-many-from-address');
    signingIn.set(address, count + 1);
    let waiting = true;
    const done = () => {
      if (!waiting) return;
      waiting = false;
      clearTimeout(timer);
      const left = (signingIn.get(address) ?? 1) - 1;
      if (left > 0) signingIn.set(address, left);
      else signingIn.delete(address);
    };
    const timer = setTimeout(() => refuse('sign-in-timeout'), limits.signInTimeoutMs);
    signedIn.set(socket, done);
    socket.once('close', done);

    const guard = new PacketSizeGuard(limits.maxPacketBytes);
    const read = socket.read.bind(socket);
    socket.read = (size?: number) => {
      const chunk = read(size) as Buffer | string | null;
      if (chunk !== null && !guard.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))) {
        refuse('packet-too-large');
        return null;
      }
      return chunk;
    };
    broker.handle(socket);
  };
}
