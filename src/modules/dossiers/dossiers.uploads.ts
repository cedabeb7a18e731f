import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import type { StoredBlob } from '#platform/storage/index.ts';
import { formOf, multipartForm } from '#web/multipart.ts';

/** At most this many files in one submission or supplement (a procedure lists up to 40 documents). */
export const MAX_FILES = 20;

export interface Upload {
  /** The form field it came in, e.g. 'doc.giay_chung_sinh'. */
  field: string;
  file: StoredBlob;
}

export interface ParsedMultipart {
  fields: Record<string, string | string[]>;
  uploads: Upload[];
  /** Files refused while streaming (not a real PDF/JPEG/PNG, too large), by field. */
  errors: FieldError[];
}

/** Every upload a request stored, and whether its route's handler got to run (see `cleanUp`). */
interface Held {
  stored: StoredBlob[];
  /** Uploads the handler's own write committed (`uploadsRecorded`). */
  used: Set<string>;
  handled: boolean;
}
const held = new WeakMap<FastifyRequest, Held>();

function heldOf(req: FastifyRequest): Held {
  let h = held.get(req);
  if (!h) {
    h = { stored: [], used: new Set(), handled: false };
    held.set(req, h);
  }
  return h;
}

/**
 * The shared reader (`#web/multipart.ts`) with the dossiers' limits: every file streamed straight to
 * storage through `files.store` (real type by magic bytes, size counted while streaming, nothing
 * kept in memory). `record`: its row is written at once, staged (decision 034), so a form
 * re-rendered with an error can offer it again (`keep.*`); otherwise the handler's write makes the
 * rows (`fileRowsStatement`).
 */
function reader(platform: Platform, record: boolean) {
  const { files } = platform;
  const maxBytes = platform.config.UPLOAD_MAX_BYTES;
  return multipartForm<StoredBlob>({
    files: MAX_FILES,
    fileBytes: maxBytes,
    fields: 400,
    fieldBytes: 100_000,
    quota: platform.uploads,
    async file(part, req) {
      const blob = await files.store(part.stream, {
        originalName: part.filename,
        field: part.field,
        maxBytes,
      });
      heldOf(req).stored.push(blob);
      if (record) await files.record([blob]);
      return blob;
    },
  });
}

/**
 * The route's hooks: read the form, note that the handler ran, and clean up before the answer goes
 * out. A request refused before its handler ran (a broken body, the CSRF token, the hourly cap)
 * leaves nothing behind. After the handler: a page keeps its staged uploads for the retry it offers
 * (`keep.*`; the sweep removes them if none comes); the API, which offers no retry, keeps only what
 * the dossier's write committed.
 */
function hooks(platform: Platform, opts: { record: boolean; keepForRetry: boolean }) {
  return {
    preValidation: reader(platform, opts.record),
    async preHandler(req: FastifyRequest) {
      heldOf(req).handled = true;
    },
    async onSend(req: FastifyRequest, _reply: FastifyReply, payload: unknown) {
      const h = held.get(req);
      if (!h?.stored.length) return payload;
      const drop = opts.keepForRetry
        ? h.handled
          ? []
          : h.stored
        : h.stored.filter((f) => !h.used.has(f.id));
      h.stored = [];
      if (drop.length) await platform.files.discard(drop);
      return payload;
    },
  };
}

/** For pages: uploads recorded (staged) as they arrive, kept for a retry after a re-render. */
export function multipartBody(platform: Platform) {
  return hooks(platform, { record: true, keepForRetry: true });
}

/**
 * For a route whose handler writes the uploads' `files` rows itself, with what it makes (a new
 * dossier, in one statement): the bytes are stored, the rows wait. The handler names the uploads it
 * wrote (`uploadsRecorded`); the bytes of the others are removed before the answer goes out.
 */
export function multipartDeferred(platform: Platform) {
  return hooks(platform, { record: false, keepForRetry: false });
}

/** For the API's supplements: rows recorded (staged) as they arrive; the unused ones removed. */
export function multipartApi(platform: Platform) {
  return hooks(platform, { record: true, keepForRetry: false });
}

/** The handler's write committed these uploads (see `multipartDeferred`). */
export function uploadsRecorded(req: FastifyRequest, fileIds: Iterable<string>) {
  const h = heldOf(req);
  for (const id of fileIds) h.used.add(id);
}

export function uploadsOf(req: FastifyRequest): ParsedMultipart {
  const form = formOf<StoredBlob>(req);
  return {
    fields: form.fields,
    uploads: form.files.map((f) => ({ field: f.field, file: f.value })),
    errors: form.errors,
  };
}
