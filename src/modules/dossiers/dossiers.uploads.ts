import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, Invalid } from '#platform/errors.ts';
import type { FileService, StoredBlob } from '#platform/storage/index.ts';

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

const parsed = new WeakMap<FastifyRequest, ParsedMultipart>();
/** Uploads of a request stored without their `files` row yet (see `multipartDeferred`), by id. */
const unrecorded = new WeakMap<FastifyRequest, Map<string, StoredBlob>>();

/**
 * Streams a multipart body: every file straight to storage through `files.store` (real type by magic
 * bytes, size counted while streaming, nothing kept in memory) and its row written, every field into
 * `req.body`.
 * Registered as a route's preValidation, so the CSRF check that follows sees the form's `_csrf`
 * field, and a JSON API's zod schema validates the fields. A refused file does not stop the rest:
 * its error is kept for the form to show beside the field.
 */
export function multipartBody(files: FileService, maxBytes: number) {
  return (req: FastifyRequest) => parse(req, files, maxBytes, true);
}

/**
 * `multipartBody` for a route whose handler writes the uploads' `files` rows itself, with what it
 * makes (a new dossier, in one statement): the bytes are stored, the rows wait. The handler names
 * the uploads it wrote (`uploadsRecorded`); the rows of the others are written before the answer
 * goes out, whatever the answer is, so a file kept for a retry can be found.
 */
export function multipartDeferred(files: FileService, maxBytes: number) {
  return {
    preValidation: (req: FastifyRequest) => parse(req, files, maxBytes, false),
    async onSend(req: FastifyRequest, _reply: FastifyReply, payload: unknown) {
      const left = unrecorded.get(req);
      if (left?.size) {
        await files.record([...left.values()]);
        left.clear();
      }
      return payload;
    },
  };
}

/** The handler wrote these uploads' rows (see `multipartDeferred`). */
export function uploadsRecorded(req: FastifyRequest, fileIds: Iterable<string>) {
  const left = unrecorded.get(req);
  for (const id of fileIds) left?.delete(id);
}

async function parse(req: FastifyRequest, files: FileService, maxBytes: number, record: boolean) {
  if (!req.isMultipart()) return;
  const left = new Map<string, StoredBlob>();
  if (!record) unrecorded.set(req, left);
  const out: ParsedMultipart = { fields: {}, uploads: [], errors: [] };
  const parts = req.parts({
    // One byte over the cap reaches files.store, which then refuses the file with a clear message.
    limits: { fileSize: maxBytes + 1, files: MAX_FILES, fields: 400, fieldSize: 100_000 },
    throwFileSizeLimit: false,
  } as Parameters<FastifyRequest['parts']>[0]);
  try {
    for await (const part of parts) {
      if (part.type === 'file') {
        if (!part.filename) {
          // A file input left empty still sends a nameless, empty part.
          await part.toBuffer();
          continue;
        }
        try {
          const opts = { originalName: part.filename, field: part.fieldname, maxBytes };
          const file = await files.store(part.file, opts);
          if (record) await files.record([file]);
          else left.set(file.id, file);
          out.uploads.push({ field: part.fieldname, file });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          out.errors.push(...e.fields);
        }
      } else {
        const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        const prev = out.fields[part.fieldname];
        out.fields[part.fieldname] =
          prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code !== 'FST_FILES_LIMIT') throw e;
    out.errors.push({
      field: 'files',
      vi: `Tối đa ${MAX_FILES} tệp mỗi lần gửi.`,
      en: `At most ${MAX_FILES} files at a time.`,
    });
  }
  req.body = out.fields;
  parsed.set(req, out);
}

export function uploadsOf(req: FastifyRequest): ParsedMultipart {
  return parsed.get(req) ?? { fields: {}, uploads: [], errors: [] };
}
