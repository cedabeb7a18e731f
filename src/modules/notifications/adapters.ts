import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '#platform/config.ts';
import type { Db } from '#platform/db/client.ts';
import { devMessages, type notifications } from './notifications.tables.ts';
import { smsSize } from './sms.ts';

export type Outgoing = typeof notifications.$inferSelect;

/** Sends one message on one channel; throws to ask for a retry. Returns the provider's id if any. */
export interface ChannelAdapter {
  readonly name: string;
  send(message: Outgoing): Promise<string | undefined>;
}

/**
 * Development: nothing leaves the machine; an admin reads the messages at /quan-tri/tin-nhan, and
 * with `echo` each is also printed where the developer runs the server (main.ts says so at start).
 */
export class DevAdapter implements ChannelAdapter {
  readonly name = 'dev';
  constructor(
    private readonly db: Db,
    private readonly echo?: (line: string) => void,
  ) {}
  async send(m: Outgoing) {
    this.echo?.(`[dev ${m.channel} → ${m.recipient}] ${m.subject ? `${m.subject}: ` : ''}${m.body}\n`);
    const [row] = await this.db
      .insert(devMessages)
      .values({
        notificationId: m.id,
        channel: m.channel,
        recipient: m.recipient,
        subject: m.subject,
        body: m.body,
        placePath: m.placePath,
      })
      .returning({ id: devMessages.id });
    return `dev-${row?.id}`;
  }
}

/**
 * SMS through an HTTP gateway: POST JSON {to, text, unicode} with a bearer token. Vietnamese
 * gateways (brandname SMS) differ in detail; this is the common shape, and the one place to adapt.
 */
export class HttpSmsAdapter implements ChannelAdapter {
  readonly name = 'http-sms';
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
  ) {}
  async send(m: Outgoing) {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ to: m.recipient, text: m.body, unicode: smsSize(m.body).encoding === 'UCS-2' }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { id?: string };
    return body.id;
  }
}

export class SmtpAdapter implements ChannelAdapter {
  readonly name = 'smtp';
  private transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }
  async send(m: Outgoing) {
    const info = await this.transport.sendMail({
      from: this.from,
      to: m.recipient,
      subject: m.subject ?? 'Xã Số',
      text: m.body,
    });
    return info.messageId;
  }
}

export function adaptersFromConfig(config: Config, db: Db): Record<'sms' | 'email', ChannelAdapter> {
  // Printed for a developer at a terminal; never in tests (silent) and never in production (refused).
  const echo =
    config.NODE_ENV === 'development' && config.LOG_LEVEL !== 'silent'
      ? (line: string) => process.stdout.write(line)
      : undefined;
  const dev = new DevAdapter(db, echo);
  return {
    sms:
      config.SMS_ADAPTER === 'http' && config.SMS_HTTP_URL
        ? new HttpSmsAdapter(config.SMS_HTTP_URL, config.SMS_HTTP_TOKEN)
        : dev,
    email:
      config.EMAIL_ADAPTER === 'smtp' && config.SMTP_URL
        ? new SmtpAdapter(config.SMTP_URL, config.EMAIL_FROM)
        : dev,
  };
}
