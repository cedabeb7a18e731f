import fs from 'node:fs';
import { z } from 'zod';

/**
 * Every setting the process reads, in one place, validated at boot.
 * A wrong value stops the process with a message naming the variable, before anything listens.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Unset: http://HOST:PORT (a wildcard HOST as localhost); required in production.
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().positive().default(12),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: bool.default(false),
  // Unset: true, except in production (false there; production refuses true).
  DEMO_SEED: bool.optional(),
  JOBS: bool.default(true),
  STORAGE: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  // Upload bytes one client (a signed-in person, or an address) may send in an hour (decision 034).
  UPLOAD_BYTES_PER_HOUR: z.coerce
    .number()
    .int()
    .positive()
    .default(400 * 1024 * 1024),
  // Staged uploads nothing came to use, and stray objects in the store, are swept after this long.
  UPLOAD_GRACE_HOURS: z.coerce.number().positive().default(24),
  SMS_ADAPTER: z.enum(['dev', 'http']).default('dev'),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
  EMAIL_ADAPTER: z.enum(['dev', 'smtp']).default('dev'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  EMAIL_FROM: z.string().default('Xã Số <no-reply@xaso.local>'),
  OTP_TTL_SECONDS: z.coerce.number().int().positive().default(300),
  // Prometheus metrics: on the public port only with this bearer token; and/or on an internal
  // address of their own (METRICS_HOST:METRICS_PORT). Neither: no metrics are served.
  METRICS_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Digital signature of results: a PKCS#12 file (.p12/.pfx) and its passphrase. Unset with the demo
  // seed on: a self-signed demo certificate is made under DATA_DIR/signing on first use.
  SIGNING_P12_PATH: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().optional(),
  // The province's trust list for the verify page: a PEM file of CA certificates. A signed PDF the
  // platform did not issue is shown valid only when its certificate chains to one of them (decision 029).
  SIGNING_TRUST_ANCHORS: z
    .string()
    .refine((p) => fs.existsSync(p), 'the file does not exist')
    .optional(),
  // The fallback account for fees paid by VietQR, used where neither the dossier's commune nor its
  // province has set its own (payments admin page): the bank's 6-digit BIN (Napas), the account
  // number, and the holder's name shown beside the code.
  PAYMENT_BANK_BIN: z
    .string()
    .regex(/^[0-9]{6}$/, 'must be the 6-digit bank BIN')
    .optional(),
  PAYMENT_ACCOUNT_NUMBER: z
    .string()
    .regex(/^[0-9A-Za-z]{4,19}$/, 'must be 4–19 letters or digits')
    .optional(),
  PAYMENT_ACCOUNT_NAME: z.string().max(70).optional(),
  // Loudspeakers: the embedded MQTT broker on MQTT_HOST (default HOST):MQTT_PORT (0 = any free port),
  // or an external one at MQTT_URL (mqtt://user:pass@host:1883; mqtts://… with MQTT_CA for a private CA).
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://')
    .optional(),
  MQTT_HOST: z.string().optional(),
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  MQTT_TLS_PORT: z.coerce.number().int().min(0).max(65535).default(8883),
  MQTT_TLS_CERT: z.string().optional(),
  MQTT_TLS_KEY: z.string().optional(),
  MQTT_CA: z.string().optional(),
  // The largest MQTT packet a client may send (the broker cuts a connection off at the header that
  // announces more); the generated mosquitto.conf gets it as max_packet_size. Audio goes over HTTP.
  MQTT_MAX_PACKET_BYTES: z.coerce
    .number()
    .int()
    .min(131_072, 'must be at least 131072 (128 KiB): a speaker’s batch of play reports must fit')
    .max(268_435_455, 'must be at most 268435455, the MQTT maximum')
    .default(262_144),
  MQTT_DEVICE_URL: z
    .string()
    .regex(/^(mqtts?|wss?):\/\//, 'must start with mqtt://, mqtts://, ws:// or wss://')
    .optional(),
  // The National Public Service Portal (Cổng DVCQG) through its integration adapter (docs/integrations/
  // dvcqg.md): the adapter's address, the account the portal gave the province, the routing header
  // (dstcode) when the adapter wants one, and the three paths. Unset DVCQG_URL: nothing is sent (the
  // outbox still fills for communes an admin switched on, and drains once it is set).
  DVCQG_URL: z.url().optional(),
  DVCQG_USERNAME: z.string().optional(),
  DVCQG_PASSWORD: z.string().optional(),
  DVCQG_DSTCODE: z.string().optional(),
  DVCQG_AUTH_PATH: z.string().regex(/^\//, 'must start with /').default('/mapi/login'),
  DVCQG_INTEGRATION_PATH: z.string().regex(/^\//, 'must start with /').default('/mapi/data'),
  DVCQG_SHARE_PATH: z.string().regex(/^\//, 'must start with /').default('/mapi/g'),
  // One call's time-out; a delivery makes at most five calls, and its lease must outlast them.
  DVCQG_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(30_000),
  DVCQG_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // Tries before a dossier's change is set aside as a dead letter for an admin to resend.
  DVCQG_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  // The LGSP / NDXP variant (token by client credentials, CreateDossier…) is documented, not built.
  DVCQG_PROTOCOL: z
    .enum(['adapter', 'lgsp'])
    .default('adapter')
    .refine(
      (v) => v === 'adapter',
      'only "adapter" is implemented (LGSP is described in docs/integrations/dvcqg.md)',
    ),
  // Text-to-speech, checked by the broadcast module's engine registry at boot.
  TTS_ENGINE: z.string().optional(),
  TTS_ESPEAK_BINARY: z.string().optional(),
  TTS_VOICE: z.string().optional(),
  TTS_WORDS_PER_MINUTE: z.string().optional(),
  TTS_TIMEOUT_MS: z.string().optional(),
});

type Parsed = z.infer<typeof configSchema>;

export type Config = Omit<Parsed, 'PUBLIC_URL' | 'DEMO_SEED'> & {
  /** The address citizens use: as set, or derived from HOST and PORT. */
  PUBLIC_URL: string;
  DEMO_SEED: boolean;
  dataDir: string;
  cookieSecure: boolean;
};

/** `http://HOST:PORT`, a wildcard or empty host read as `localhost` (what a browser on this machine opens). */
export function defaultPublicUrl(host: string, port: number) {
  const wildcard = ['', '0.0.0.0', '::', '[::]', '*'].includes(host);
  const name = wildcard ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as they do in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.STORAGE === 's3' && !(c.S3_ENDPOINT && c.S3_BUCKET && c.S3_ACCESS_KEY_ID && c.S3_SECRET_ACCESS_KEY)) {
    problems.push('STORAGE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY');
  }
  if (c.SMS_ADAPTER === 'http' && !c.SMS_HTTP_URL) problems.push('SMS_ADAPTER=http needs SMS_HTTP_URL');
  if (c.EMAIL_ADAPTER === 'smtp' && !c.SMTP_URL) problems.push('EMAIL_ADAPTER=smtp needs SMTP_URL');
  if (
    !c.PAYMENT_BANK_BIN !== !c.PAYMENT_ACCOUNT_NUMBER ||
    !c.PAYMENT_ACCOUNT_NUMBER !== !c.PAYMENT_ACCOUNT_NAME
  ) {
    problems.push('PAYMENT_BANK_BIN, PAYMENT_ACCOUNT_NUMBER and PAYMENT_ACCOUNT_NAME go together');
  }
  if (!c.MQTT_TLS_CERT !== !c.MQTT_TLS_KEY) problems.push('MQTT_TLS_CERT and MQTT_TLS_KEY go together');
  if (c.DVCQG_URL && !(c.DVCQG_USERNAME && c.DVCQG_PASSWORD)) {
    problems.push('DVCQG_URL needs DVCQG_USERNAME and DVCQG_PASSWORD');
  }
  // A lease that ends while its delivery still waits on the portal lets a second worker in.
  if (c.DVCQG_LEASE_SECONDS * 1000 < 6 * c.DVCQG_TIMEOUT_MS) {
    problems.push(
      'DVCQG_LEASE_SECONDS must be at least six DVCQG_TIMEOUT_MS (a delivery makes up to five calls)',
    );
  }
  if (c.NODE_ENV === 'production') problems.push(...productionProblems(c));
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = c.PUBLIC_URL ?? defaultPublicUrl(c.HOST, c.PORT);
  return {
    ...c,
    PUBLIC_URL: publicUrl,
    DEMO_SEED: c.DEMO_SEED ?? c.NODE_ENV !== 'production',
    dataDir: c.DATA_DIR,
    cookieSecure: c.COOKIE_SECURE ?? publicUrl.startsWith('https://'),
  };
}

/**
 * What production refuses that development allows (the README's production checklist): a guessed
 * public address (links in SMS, PDFs and QR codes would point at it), demo accounts with a published
 * password, and adapters that keep people's messages on this server instead of sending them.
 * Start-up also refuses an active demo account left in the database (src/app/demo.ts).
 */
function productionProblems(c: Parsed): string[] {
  const problems: string[] = [];
  if (!c.PUBLIC_URL) {
    problems.push(
      'PUBLIC_URL: required in production (the address citizens open, e.g. https://motcua.langson.gov.vn): links in SMS, PDFs and QR codes use it',
    );
  }
  if (c.DEMO_SEED) {
    problems.push(
      'DEMO_SEED: the demo seed makes accounts whose password is published; production never seeds them (leave DEMO_SEED unset or false)',
    );
  }
  if (c.SMS_ADAPTER === 'dev') {
    problems.push(
      'SMS_ADAPTER: the dev adapter sends nothing and keeps every SMS, citizens’ sign-in codes included, on this server; in production set SMS_ADAPTER=http and SMS_HTTP_URL',
    );
  }
  if (c.EMAIL_ADAPTER === 'dev') {
    problems.push(
      'EMAIL_ADAPTER: the dev adapter sends nothing and keeps every e-mail on this server; in production set EMAIL_ADAPTER=smtp and SMTP_URL',
    );
  }
  return problems;
}
