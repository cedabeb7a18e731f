import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { type Database, openDatabase } from '#platform/db/client.ts';
import { createTestDatabase, dbKind } from '#test/support/db.ts';
import { type ChannelAdapter, DevAdapter, HttpSmsAdapter, type Outgoing, SmtpAdapter } from './adapters.ts';
import { deliverDue, enqueue, listDevMessages, MAX_ATTEMPTS, retryDelayMs } from './notifications.service.ts';
import { notifications } from './notifications.tables.ts';

/** A gateway that is down: every send throws, and every call is counted. */
class BrokenGateway implements ChannelAdapter {
  readonly name = 'broken';
  readonly calls: number[] = [];
  async send(m: Outgoing): Promise<string | undefined> {
    this.calls.push(m.id);
    throw new Error('Gateway timeout (504)');
  }
}

/** A gateway that works slowly and counts what it sent, per message id. */
class CountingGateway implements ChannelAdapter {
  readonly name = 'counting';
  readonly sent = new Map<number, number>();
  async send(m: Outgoing) {
    await setTimeout(10);
    this.sent.set(m.id, (this.sent.get(m.id) ?? 0) + 1);
    return `counted-${m.id}`;
  }
}

/** `promise`'s outcome, or 'timed out' after `ms`; the timer is cleared either way. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T | 'timed out'> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, setTimeout(ms, 'timed out' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** Headers and decoded text body of a single-part message as it arrived over SMTP. */
function parseMail(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const body = raw.slice(split + 4);
  const encoding = header('content-transfer-encoding').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? fromQuotedPrintable(body)
        : Buffer.from(body, 'utf8');
  return { header, text: bytes.toString('utf8').replace(/\r\n/g, '\n') };
}

function fromQuotedPrintable(text: string) {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(soft.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/** RFC 2047: "=?UTF-8?Q?…?= =?UTF-8?B?…?=" back to text (the space between encoded words is dropped). */
function decodeWords(value: string) {
  const words = [...value.matchAll(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi)];
  if (words.length === 0) return value;
  const bytes = words.map(([, , kind, text = '']) =>
    kind?.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : fromQuotedPrintable(text.replace(/_/g, ' ')),
  );
  return Buffer.concat(bytes).toString('utf8');
}

/** The whole development outbox, as a country admin sees it. */
const EVERY_PLACE = { scope: ['/'], placeless: true };

describe('notifications outbox', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  /** Another app process's connection pool on a server; the same embedded instance on PGlite. */
  let other: Database;

  before(async () => {
    database = await createTestDatabase();
    other = database.url ? await openDatabase({ url: database.url, poolSize: 3 }) : database;
  });
  after(async () => {
    if (other !== database) await other.close();
    await database.close();
  });

  const clearOutbox = () => database.exec('delete from dev_messages; delete from notifications;');
  const rowOf = async (id: number) => {
    const [row] = await database.db.select().from(notifications).where(eq(notifications.id, id));
    assert.ok(row, `notification ${id}`);
    return row;
  };
  /** Seconds until the next attempt, as the database sees it. */
  const waitOf = async (id: number) => {
    const [r] = await database.query<{ wait: number }>(
      'select extract(epoch from next_attempt_at - now())::float8 as wait from notifications where id = $1',
      [id],
    );
    return Number(r?.wait);
  };
  const sms = (body: string, dedupeKey?: string) =>
    enqueue(database.db, {
      channel: 'sms',
      recipient: '0912345678',
      body,
      ...(dedupeKey ? { dedupeKey } : {}),
    });

  it('when the same dedupe key is queued twice, then there is one message', async () => {
    await clearOutbox();
    const first = await sms('Hồ sơ HS-000123 đã được tiếp nhận.', 'dossier:123:received');
    const second = await sms('Hồ sơ HS-000123 đã được tiếp nhận.', 'dossier:123:received');
    assert.ok(first);
    assert.equal(second, undefined);
    const rows = await database.query<{ n: number }>(
      "select count(*)::int as n from notifications where dedupe_key = 'dossier:123:received'",
    );
    assert.equal(rows[0]?.n, 1);
    const without = [await sms('Không có khóa'), await sms('Không có khóa')];
    assert.equal(new Set(without).size, 2, 'messages without a key are never merged');
  });

  it('when delivered through the dev adapter, then the row is sent and the message is in dev_messages', async () => {
    await clearOutbox();
    const id = await enqueue(database.db, {
      channel: 'email',
      recipient: 'dat.nguyen@example.vn',
      subject: 'Kết quả hồ sơ',
      body: 'Hồ sơ của ông đã có kết quả.',
    });
    assert.ok(id);
    const dev = new DevAdapter(database.db);
    assert.deepEqual(await deliverDue(database.db, { sms: dev, email: dev }), { sent: 1, failed: 0 });
    const row = await rowOf(id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 1);
    assert.ok(row.sentAt);
    assert.equal(row.lastError, null);
    assert.match(row.providerId ?? '', /^dev-\d+$/);
    const messages = await listDevMessages(database.db, {
      ...EVERY_PLACE,
      recipient: 'dat.nguyen@example.vn',
    });
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.notificationId, id);
    assert.equal(messages[0]?.subject, 'Kết quả hồ sơ');
    assert.equal(messages[0]?.body, 'Hồ sơ của ông đã có kết quả.');
    assert.equal(row.providerId, `dev-${messages[0]?.id}`);
    assert.deepEqual(
      await deliverDue(database.db, { sms: dev, email: dev }),
      { sent: 0, failed: 0 },
      'sent once',
    );
  });

  it('when the dev adapter echoes, then each message it keeps is also printed for the developer', async () => {
    await clearOutbox();
    await enqueue(database.db, {
      channel: 'sms',
      recipient: '0912000123',
      body: 'Mã đăng nhập Xã Số: 123456',
    });
    const printed: string[] = [];
    const dev = new DevAdapter(database.db, (line) => printed.push(line));
    await deliverDue(database.db, { sms: dev, email: dev });
    assert.deepEqual(printed, ['[dev sms → 0912000123] Mã đăng nhập Xã Số: 123456\n']);
  });

  it('when the gateway fails, then the message is retried with back-off and fails for good after MAX_ATTEMPTS', async () => {
    await clearOutbox();
    const id = await sms('Mời ông/bà đến nhận kết quả.');
    assert.ok(id);
    const gateway = new BrokenGateway();
    const adapters = { sms: gateway, email: gateway };

    assert.deepEqual(await deliverDue(database.db, adapters), { sent: 0, failed: 1 });
    const row = await rowOf(id);
    assert.equal(row.status, 'queued');
    assert.equal(row.attempts, 1);
    assert.equal(row.lastError, 'Gateway timeout (504)');
    const wait = await waitOf(id);
    assert.ok(wait > 25 && wait <= 30.5, `next attempt in about 30 s, got ${wait}`);
    assert.deepEqual(await deliverDue(database.db, adapters), { sent: 0, failed: 0 }, 'not due yet');

    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await database.query(
        "update notifications set next_attempt_at = now() - interval '1 second' where id = $1",
        [id],
      );
      assert.deepEqual(await deliverDue(database.db, adapters), { sent: 0, failed: 1 });
      const r = await rowOf(id);
      assert.equal(r.attempts, attempt);
      if (attempt < MAX_ATTEMPTS) {
        assert.equal(r.status, 'queued', `after attempt ${attempt}`);
        const delay = retryDelayMs(attempt) / 1000;
        const w = await waitOf(id);
        assert.ok(w > delay - 5 && w <= delay + 0.5, `after attempt ${attempt}: about ${delay} s, got ${w}`);
      } else {
        assert.equal(r.status, 'failed');
      }
    }
    await database.query(
      "update notifications set next_attempt_at = now() - interval '1 second' where id = $1",
      [id],
    );
    assert.deepEqual(
      await deliverDue(database.db, adapters),
      { sent: 0, failed: 0 },
      'a failed message stays failed',
    );
    assert.equal(gateway.calls.length, MAX_ATTEMPTS);
  });

  it('when two workers deliver 10 queued messages at once, then each message is sent exactly once', async () => {
    await clearOutbox();
    const ids: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const id = await sms(`Tin nhắn số ${i}`);
      assert.ok(id);
      ids.push(id);
    }
    const gateway = new CountingGateway();
    const adapters = { sms: gateway, email: gateway };
    const drain = async (db: Database) => {
      let sent = 0;
      for (;;) {
        const r = await deliverDue(db.db, adapters, undefined, 3);
        if (r.sent + r.failed === 0) return sent;
        sent += r.sent;
      }
    };
    // Open both pools' connections first, so both workers claim at the same moment.
    await Promise.all([database.query('select 1'), other.query('select 1')]);
    const [a, b] = await Promise.all([drain(database), drain(other)]);
    assert.equal(a + b, 10);
    assert.deepEqual(
      [...gateway.sent].sort(([x], [y]) => x - y),
      ids.map((id) => [id, 1]),
    );
    const rows = await database.query<{ status: string; attempts: number; n: number }>(
      'select status, attempts, count(*)::int as n from notifications group by status, attempts',
    );
    assert.deepEqual(rows, [{ status: 'sent', attempts: 1, n: 10 }]);
  });

  it('when another worker holds some messages locked, then delivery skips them instead of waiting', {
    skip: dbKind !== 'postgres' && 'row locks between connections need a PostgreSQL server',
  }, async () => {
    await clearOutbox();
    const ids: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const id = await sms(`Tin nhắn khóa ${i}`);
      assert.ok(id);
      ids.push(id);
    }
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select id from notifications where id = any($1) for update', [ids.slice(0, 2)]);
      const gateway = new CountingGateway();
      const outcome = await within(5000, deliverDue(database.db, { sms: gateway, email: gateway }));
      assert.notEqual(outcome, 'timed out', 'delivery waited behind the locked rows');
      assert.deepEqual(outcome, { sent: 3, failed: 0 });
      assert.deepEqual([...gateway.sent.keys()].sort(), ids.slice(2).sort());
      await locker.query('rollback');
      assert.deepEqual(await deliverDue(database.db, { sms: gateway, email: gateway }), {
        sent: 2,
        failed: 0,
      });
    } finally {
      await locker.end();
    }
  });

  describe('SMTP adapter', () => {
    let server: SMTPServer;
    let port: number;
    const received: { from: string; to: string[]; raw: string }[] = [];

    before(async () => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        disableReverseLookup: true,
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw: Buffer.concat(chunks).toString('latin1'),
            });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('when a Vietnamese email is delivered, then the SMTP server receives the subject and body intact', async () => {
      await clearOutbox();
      const subject = 'Thông báo: hồ sơ của ông đã được tiếp nhận';
      const body =
        'Kính gửi ông Nguyễn Văn Đạt,\nHồ sơ số 06541-2026-000123 đã được tiếp nhận tại UBND xã Mẫu Sơn.\nHẹn trả kết quả: 25/11/2026.';
      const id = await enqueue(database.db, {
        channel: 'email',
        recipient: 'dat.nguyen@example.vn',
        subject,
        body,
      });
      assert.ok(id);
      const smtp = new SmtpAdapter(`smtp://127.0.0.1:${port}`, 'Xã Số <khong-tra-loi@xaso.example.vn>');
      const dev = new DevAdapter(database.db);
      assert.deepEqual(await deliverDue(database.db, { sms: dev, email: smtp }), { sent: 1, failed: 0 });

      assert.equal(received.length, 1);
      const mail = received[0];
      assert.ok(mail);
      assert.equal(mail.from, 'khong-tra-loi@xaso.example.vn');
      assert.deepEqual(mail.to, ['dat.nguyen@example.vn']);
      const parsed = parseMail(mail.raw);
      assert.equal(decodeWords(parsed.header('subject')), subject);
      assert.match(parsed.header('content-type'), /text\/plain; charset=utf-8/i);
      assert.equal(parsed.text.trimEnd(), body);
      const row = await rowOf(id);
      assert.equal(row.status, 'sent');
      assert.equal(row.providerId, parsed.header('message-id'));
      assert.equal(
        (await listDevMessages(database.db, EVERY_PLACE)).length,
        0,
        'nothing went to the dev outbox',
      );
    });

    it('when the SMTP server is unreachable, then the message goes back to the queue with the error', async () => {
      await clearOutbox();
      const id = await enqueue(database.db, {
        channel: 'email',
        recipient: 'a@example.vn',
        body: 'Xin chào',
      });
      assert.ok(id);
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const smtp = new SmtpAdapter(`smtp://127.0.0.1:${deadPort}`, 'xaso@example.vn');
      assert.deepEqual(await deliverDue(database.db, { sms: smtp, email: smtp }), { sent: 0, failed: 1 });
      const row = await rowOf(id);
      assert.equal(row.status, 'queued');
      assert.match(row.lastError ?? '', /ECONNREFUSED/);
    });
  });

  describe('HTTP SMS adapter', () => {
    let gateway: http.Server;
    let url: string;
    let answer = 200;
    const requests: {
      method?: string;
      url?: string;
      authorization?: string;
      type?: string;
      body: unknown;
    }[] = [];

    before(async () => {
      gateway = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          requests.push({
            ...(req.method ? { method: req.method } : {}),
            ...(req.url ? { url: req.url } : {}),
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
            ...(req.headers['content-type'] ? { type: req.headers['content-type'] } : {}),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          });
          res.writeHead(answer, { 'content-type': 'application/json' });
          res.end(answer === 200 ? JSON.stringify({ id: `gw-${requests.length}` }) : '{"error":"internal"}');
        });
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms/send`;
    });
    after(async () => {
      gateway.closeAllConnections();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    });

    it('when an SMS is sent, then the gateway gets JSON {to, text, unicode} with the bearer token', async () => {
      await clearOutbox();
      requests.length = 0;
      answer = 200;
      const text = 'UBND xã Mẫu Sơn: hồ sơ HS-000123 đã có kết quả.';
      const id = await sms(text);
      assert.ok(id);
      const adapter = new HttpSmsAdapter(url, 'bi-mat-123');
      assert.equal(await adapter.send(await rowOf(id)), 'gw-1');
      assert.deepEqual(requests, [
        {
          method: 'POST',
          url: '/sms/send',
          authorization: 'Bearer bi-mat-123',
          type: 'application/json',
          body: { to: '0912345678', text, unicode: true },
        },
      ]);
    });

    it('when the text has no Vietnamese letters, then unicode is false (cheaper GSM-7)', async () => {
      await clearOutbox();
      requests.length = 0;
      answer = 200;
      const id = await sms('Ho so HS-000123 da co ket qua.');
      assert.ok(id);
      await new HttpSmsAdapter(url, undefined).send(await rowOf(id));
      assert.deepEqual(requests[0]?.body, {
        to: '0912345678',
        text: 'Ho so HS-000123 da co ket qua.',
        unicode: false,
      });
      assert.equal(requests[0]?.authorization, undefined, 'no token, no authorization header');
    });

    it('when the gateway answers 500, then send throws and the outbox retries later', async () => {
      await clearOutbox();
      requests.length = 0;
      answer = 500;
      const id = await sms('Mời ông/bà đến UBND xã.');
      assert.ok(id);
      const adapter = new HttpSmsAdapter(url, 'bi-mat-123');
      await assert.rejects(adapter.send(await rowOf(id)), /SMS gateway answered 500/);
      assert.deepEqual(await deliverDue(database.db, { sms: adapter, email: adapter }), {
        sent: 0,
        failed: 1,
      });
      const row = await rowOf(id);
      assert.equal(row.status, 'queued');
      assert.equal(row.lastError, 'SMS gateway answered 500');
      assert.equal(requests.length, 2);
    });
  });
});
