import net from 'node:net';

/** Hostile clients for the brokers' limit tests (embedded and Mosquitto), on loopback. */

export const MB = 1024 * 1024;

/** A CONNECT's fixed header announcing `bytes` of body: type 1, then the length in 7-bit groups. */
export function connectHeader(bytes: number) {
  const out = [0x10];
  let n = bytes;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/**
 * Sends a CONNECT header announcing `announced` bytes, then `bytes` of body in 64 KB writes, each
 * waited for; stops when the broker closes the connection. Resolves with what the socket accepted
 * and whether the broker closed it (false if still open `graceMs` after the last byte went out).
 */
export function floodConnect(port: number, announced: number, bytes: number, graceMs = 3_000) {
  return new Promise<{ written: number; closedByBroker: boolean }>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let closed = false;
    let grace: NodeJS.Timeout | undefined;
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      clearTimeout(grace);
      resolve({ written, closedByBroker: true });
    });
    const next = () => {
      if (closed) return;
      if (written >= bytes) {
        grace = setTimeout(() => {
          socket.destroy();
          resolve({ written, closedByBroker: false });
        }, graceMs);
        return;
      }
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
      socket.write(part, (e) => {
        if (e) return;
        written += part.length;
        next();
      });
    };
    socket.once('connect', () => socket.write(connectHeader(announced), (e) => !e && next()));
  });
}

/**
 * How far each measure in `sample` rises above its starting value while `work` runs (sampled every
 * 20 ms, and at the end): memory freed when the floods end must not hide what they held.
 */
export async function peakGrowth<K extends string, T>(
  sample: () => Record<K, number>,
  work: () => Promise<T>,
) {
  const start = sample();
  const peak = { ...start };
  const look = () => {
    const now = sample();
    for (const k of Object.keys(now) as K[]) peak[k] = Math.max(peak[k], now[k]);
  };
  const timer = setInterval(look, 20);
  try {
    const result = await work();
    look();
    const grew = Object.fromEntries(
      (Object.keys(start) as K[]).map((k) => [k, peak[k] - start[k]]),
    ) as Record<K, number>;
    return { result, grew };
  } finally {
    clearInterval(timer);
  }
}
