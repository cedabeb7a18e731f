import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError, Invalid } from '#platform/errors.ts';
import type { UploadQuota } from '#platform/storage/quota.ts';

/**
 * The one multipart form reader (decision 034). Every route that takes files reads them here, as a
 * route-level preValidation, and in this order:
 *
 * 1. before a byte of the body: the route's own gate (`may`: who may send files here), the declared
 *    length against what the route can take (413), the client's hourly upload bytes (429; a body
 *    sent without its length is counted file by file as it is read);
 * 2. the fields that come before the first file; then, before the first file is read, the CSRF
 *    token (forms put `_csrf` first; API routes under /api/ take bearer tokens and have none);
 * 3. each file through the route's `file` sink (into memory, or into the store as a staged upload);
 *    a sink that refuses a file with `Invalid` does not stop the others: the error is kept for
 *    the form to show beside its field.
 *
 * A body that is not multipart at all is left to the route (req.body stays as it is); a broken one
 * (no boundary, cut short, a field over its size) is a 400 with a bilingual message, never a 500.
 */

export interface FilePart {
  /** The form field it came in, e.g. 'doc.giay_chung_sinh'. */
  field: string;
  filename: string;
  mimetype: string;
  stream: Readable;
}

/** A file read into memory (small ones: a statement, a PDF to verify, a recording, a photo). */
export interface BufferedFile {
  field: string;
  filename: string;
  mimetype: string;
  data: Buffer;
  /** More bytes came than the route takes (`fileBytes`): `data` holds the first of them. */
  tooLarge: boolean;
}

/** The sink that keeps a file in memory, for routes whose files never reach the store as sent. */
export function inMemory(fileBytes: number) {
  return async (part: FilePart): Promise<BufferedFile> => {
    const chunks: Buffer[] = [];
    for await (const chunk of part.stream) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    return {
      field: part.field,
      filename: part.filename,
      mimetype: part.mimetype,
      data,
      // The reader lets one byte more through than the route takes.
      tooLarge: data.length > fileBytes,
    };
  };
}

export interface MultipartRules<F> {
  /** At most this many files; more are refused with a message (the fields are still read). */
  files: number;
  /** At most this many bytes in one file; the sink sees one byte more and refuses it. */
  fileBytes: number;
  fields?: number;
  fieldBytes?: number;
  /**
   * Who may send files here, checked before the body is read: when false nothing is read and the
   * route's own check answers (the CSRF check then refuses a form whose token was never read).
   */
  may?: (req: FastifyRequest) => boolean | Promise<boolean>;
  /** Where each file goes. */
  file: (part: FilePart, req: FastifyRequest) => Promise<F>;
  /** Per client per hour (the platform's `uploads`). */
  quota?: UploadQuota;
  /** Check the form's CSRF token before the first file: true outside /api/ and /open311/. */
  csrf?: boolean;
}

export interface MultipartForm<F> {
  fields: Record<string, string | string[]>;
  files: { field: string; value: F }[];
  /** Files refused while reading (by the sink, or over the count), by field. */
  errors: FieldError[];
}

const forms = new WeakMap<FastifyRequest, MultipartForm<unknown>>();

/** What the reader read from this request (nothing when the body was not multipart). */
export function formOf<F>(req: FastifyRequest): MultipartForm<F> {
  return (forms.get(req) as MultipartForm<F> | undefined) ?? { fields: {}, files: [], errors: [] };
}

/** Who a client is for the upload cap: a signed-in person, or else an address. */
export function clientOf(req: FastifyRequest) {
  const a = req.actor;
  if (a?.kind === 'staff') return `staff:${a.userId}`;
  if (a?.kind === 'citizen') return `citizen:${a.citizenId}`;
  return `ip:${req.ip}`;
}

const broken = (detail: string) =>
  new Invalid(
    [
      {
        field: 'body',
        vi: 'Biểu mẫu gửi lên bị hỏng hoặc không trọn vẹn; vui lòng gửi lại.',
        en: `The form sent is broken or incomplete; please send it again (${detail}).`,
      },
    ],
    {
      vi: 'Không đọc được biểu mẫu gửi lên.',
      en: 'The form sent could not be read.',
    },
  );

/** 413, in both languages, naming the limit. */
export const tooLarge = (maxBytes: number) =>
  new AppError(413, 'payload-too-large', {
    vi: `Nội dung gửi lên quá lớn (tối đa ${Math.round(maxBytes / 1024 / 1024)} MB).`,
    en: `What was sent is too large (at most ${Math.round(maxBytes / 1024 / 1024)} MB).`,
  });

/** Checks the request's CSRF token with the app's CSRF plugin, without letting it answer. */
function checkCsrf(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = {
      unsignCookie: reply.unsignCookie.bind(reply),
      send: (e: unknown) => reject(e),
    } as unknown as FastifyReply;
    req.server.csrfProtection(req, probe, () => resolve());
  });
}

const MULTIPART = /^multipart\/form-data/i;

/** The route-level preValidation that reads a multipart form by `rules` (see the file's comment). */
export function multipartForm<F>(rules: MultipartRules<F>) {
  const maxFields = rules.fields ?? 50;
  const fieldBytes = rules.fieldBytes ?? 20_000;
  // What a whole body may hold: the files, the fields, and the parts' headers.
  const maxBody = rules.files * (rules.fileBytes + 1) + maxFields * fieldBytes + 64 * 1024;

  return async function readMultipartForm(req: FastifyRequest, reply: FastifyReply) {
    const type = String(req.headers['content-type'] ?? '');
    if (!MULTIPART.test(type)) return;
    if (!/;\s*boundary=\S/i.test(type)) throw broken('no boundary');
    if (rules.may && !(await rules.may(req))) return;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxBody) throw tooLarge(maxBody);
    const counted = Number.isFinite(declared);
    if (rules.quota && counted) await rules.quota.spend(clientOf(req), declared);

    const csrf = rules.csrf ?? !(req.url.startsWith('/api/') || req.url.startsWith('/open311/'));
    const out: MultipartForm<F> = { fields: {}, files: [], errors: [] };
    let checked = !csrf;
    let parts: AsyncIterableIterator<import('@fastify/multipart').Multipart>;
    try {
      parts = req.parts({
        limits: {
          fileSize: rules.fileBytes + 1,
          files: rules.files,
          fields: maxFields,
          fieldSize: fieldBytes,
        },
        throwFileSizeLimit: false,
      } as Parameters<FastifyRequest['parts']>[0]);
    } catch (e) {
      throw broken((e as Error).message);
    }
    try {
      for await (const part of parts) {
        if (part.type === 'file') {
          if (!checked) {
            // The fields read so far are all the token can be in.
            req.body = out.fields;
            await checkCsrf(req, reply);
            checked = true;
          }
          if (!part.filename) {
            // A file input left empty still sends a nameless, empty part.
            part.file.resume();
            continue;
          }
          try {
            const value = await rules.file(
              { field: part.fieldname, filename: part.filename, mimetype: part.mimetype, stream: part.file },
              req,
            );
            out.files.push({ field: part.fieldname, value });
            // A body sent without its length (chunked) is counted file by file as it is read.
            if (rules.quota && !counted) await rules.quota.spend(clientOf(req), bytesOf(part.file));
          } catch (e) {
            part.file.resume();
            if (!(e instanceof Invalid)) throw e;
            out.errors.push(...e.fields);
          }
        } else {
          if (part.fieldnameTruncated || part.valueTruncated) {
            throw new Invalid([
              {
                field: part.fieldname.slice(0, 100),
                vi: `Trường "${part.fieldname.slice(0, 100)}" dài quá ${fieldBytes} byte.`,
                en: `Field "${part.fieldname.slice(0, 100)}" is longer than ${fieldBytes} bytes.`,
              },
            ]);
          }
          const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
          const prev = out.fields[part.fieldname];
          out.fields[part.fieldname] =
            prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
        }
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT') {
        out.errors.push({
          field: 'files',
          vi: `Tối đa ${rules.files} tệp mỗi lần gửi.`,
          en: `At most ${rules.files} files at a time.`,
        });
      } else if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
        throw new Invalid([
          {
            field: 'body',
            vi: `Biểu mẫu có quá nhiều trường (tối đa ${maxFields}).`,
            en: `The form has too many fields (at most ${maxFields}).`,
          },
        ]);
      } else if (e instanceof AppError || code?.startsWith('FST_CSRF')) {
        throw e;
      } else if (isParserError(e)) {
        throw broken((e as Error).message);
      } else {
        throw e;
      }
    }
    if (!checked) {
      req.body = out.fields;
      await checkCsrf(req, reply);
    }
    req.body = out.fields;
    forms.set(req, out);
  };
}

/** Bytes the parser read of one file (busboy counts them on its stream). */
function bytesOf(stream: Readable) {
  return (stream as { bytesRead?: number }).bytesRead ?? 0;
}

/** Errors of the body itself (busboy's, @fastify/multipart's) rather than of the route's sink. */
function isParserError(e: unknown) {
  const code = (e as { code?: string }).code;
  if (code?.startsWith('FST_')) return true;
  const message = (e as Error)?.message ?? '';
  return /multipart|boundary|unexpected end|malformed|part terminated/i.test(message);
}
