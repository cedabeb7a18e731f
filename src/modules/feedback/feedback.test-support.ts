/**
 * Shared by the feedback tests (not a test file itself): an app with the default categories, real
 * images made with sharp, and the reporting form posted the way a browser without JavaScript does.
 */
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { Clock } from '#platform/clock.ts';
import { COMMUNE_A, cookiesOf, createTestApp, type TestApp } from '#test/support/app.ts';
import { ensureDefaultCategories } from './feedback.settings.ts';

export async function feedbackTestApp(opts: { env?: Record<string, string>; clock?: Clock } = {}) {
  const t = await createTestApp(opts);
  await ensureDefaultCategories(t.platform.database.db);
  return t;
}

/** A real JPEG of the given size, with noise so it does not compress to nothing, and EXIF data. */
export async function jpeg(width: number, height: number) {
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + (i >> 7) * 104729) & 0xff;
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'CheapPhone', Model: 'A1', Copyright: 'Nông Thị Hoa' } })
    .toBuffer();
}

export async function png(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .png()
    .toBuffer();
}

export interface FileToSend {
  name: string;
  data: Buffer;
  type?: string;
}

/** GET the form (as the browser would), then POST it as multipart with the files. */
export async function submitReport(
  t: TestApp,
  fields: Record<string, string>,
  files: FileToSend[] = [],
  opts: { cookie?: string; key?: string } = {},
): Promise<{ res: LightMyRequestResponse; cookie: string; key: string }> {
  const form = await t.app.inject({
    method: 'GET',
    url: `/phan-anh/gui?xa=${fields.commune ?? COMMUNE_A}`,
    headers: { cookie: opts.cookie ?? '' },
  });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  const key = opts.key ?? /name="key" value="([^"]+)"/.exec(form.body)?.[1];
  if (!csrf || !key) throw new Error(`no form on the report page (status ${form.statusCode})`);
  const cookie = cookiesOf(form, opts.cookie ?? '');
  const body = new FormData();
  body.set('_csrf', csrf);
  body.set('key', key);
  body.set('commune', COMMUNE_A);
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  for (const f of files)
    body.append('photos', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'image/jpeg' }), f.name);
  const res = await t.app.inject({
    method: 'POST',
    url: '/phan-anh/gui',
    headers: { cookie, accept: 'text/html' },
    payload: body,
  });
  return { res, cookie, key };
}

/** The private link's token from the redirect after sending. */
export function tokenOf(res: LightMyRequestResponse) {
  const m = /^\/phan-anh\/theo-doi\/([A-Za-z0-9_-]+)/.exec(String(res.headers.location ?? ''));
  if (!m?.[1])
    throw new Error(
      `not redirected to a private link: ${res.statusCode} ${res.headers.location} ${res.body.slice(0, 300)}`,
    );
  return m[1];
}

export async function reportRow(t: TestApp, token: string) {
  const [row] = await t.platform.database.query<
    Record<string, unknown> & { id: number; service_request_id: string }
  >('select * from feedback_reports where token = $1', [token]);
  if (!row) throw new Error('no report with that token');
  return row;
}
