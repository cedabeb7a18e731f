/**
 * Simulated loudspeakers, in a process of their own (started by devices-client.ts over IPC): each
 * one connects with its own credentials, listens on its command topic at QoS 1, notes when each
 * command arrives and acknowledges it on its ack topic, as the speaker agent does. Apart from the
 * app, so that ten thousand devices' parsing and acknowledging does not run on the event loop whose
 * publishing is measured: a province's speakers are not in its server.
 */
import { connectAsync, type MqttClient } from 'mqtt';

export type DeviceRequest =
  | { id: number; kind: 'connect'; url: string; devices: { code: string; password: string }[] }
  | { id: number; kind: 'times'; messageId: string; timeoutMs: number }
  | { id: number; kind: 'acked'; messageId: string; timeoutMs: number }
  | { id: number; kind: 'close' };

export type DeviceAnswer = {
  id: number;
  connected?: number;
  times?: number[];
  acked?: number;
  error?: string;
};

/** Connections opened at once: more make the broker refuse or time out under load. */
const CONNECT_BATCH = 200;

const clients: MqttClient[] = [];
/** Arrival times (ms since the epoch, sub-millisecond) of each command id, one per device. */
const arrivals = new Map<string, number[]>();
/** Acknowledgements the broker has taken (PUBACK), by command id. */
const acks = new Map<string, number>();
const now = () => performance.timeOrigin + performance.now();

async function connectAll(url: string, devices: { code: string; password: string }[]) {
  for (let i = 0; i < devices.length; i += CONNECT_BATCH) {
    const batch = await Promise.all(
      devices.slice(i, i + CONNECT_BATCH).map(async (d) => {
        const c = await connectAsync(url, {
          clientId: d.code,
          username: d.code,
          password: d.password,
          clean: true,
          reconnectPeriod: 0,
          keepalive: 0,
          connectTimeout: 60_000,
        });
        await c.subscribeAsync(`loa/${d.code}/cmd`, { qos: 1 });
        c.on('message', (_topic, payload) => {
          const at = now();
          const id = (JSON.parse(payload.toString()) as { id: string }).id;
          const list = arrivals.get(id) ?? [];
          list.push(at);
          arrivals.set(id, list);
          c.publish(
            `loa/${d.code}/ack`,
            JSON.stringify({ v: 1, kind: 'command', id, status: 'ok', at: new Date().toISOString() }),
            { qos: 1 },
            (e) => {
              if (!e) acks.set(id, (acks.get(id) ?? 0) + 1);
            },
          );
        });
        return c;
      }),
    );
    clients.push(...batch);
  }
  return clients.length;
}

async function timesOf(messageId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((arrivals.get(messageId)?.length ?? 0) < clients.length) {
    if (Date.now() > deadline)
      throw new Error(`only ${arrivals.get(messageId)?.length ?? 0} of ${clients.length} got ${messageId}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const times = arrivals.get(messageId) as number[];
  arrivals.delete(messageId);
  return times;
}

/** Until the broker has taken every device's acknowledgement of `messageId`. */
async function ackedOf(messageId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((acks.get(messageId) ?? 0) < clients.length) {
    if (Date.now() > deadline)
      throw new Error(`only ${acks.get(messageId) ?? 0} of ${clients.length} acknowledged ${messageId}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  acks.delete(messageId);
  return clients.length;
}

async function answer(req: DeviceRequest): Promise<DeviceAnswer> {
  switch (req.kind) {
    case 'connect':
      return { id: req.id, connected: await connectAll(req.url, req.devices) };
    case 'times':
      return { id: req.id, times: await timesOf(req.messageId, req.timeoutMs) };
    case 'acked':
      return { id: req.id, acked: await ackedOf(req.messageId, req.timeoutMs) };
    case 'close':
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
      return { id: req.id };
  }
}

process.on('message', (req: DeviceRequest) => {
  answer(req).then(
    (a) => process.send?.(a),
    (e: Error) => process.send?.({ id: req.id, error: e.message }),
  );
});
process.on('disconnect', () => process.exit(0));
