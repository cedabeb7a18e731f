import type { FastifyRequest } from 'fastify';
import { type FieldError, Invalid } from '#platform/errors.ts';
import type { FileService, StoredFile } from '#platform/storage/index.ts';

/** At most this many files in one submission or supplement (a procedure lists up to 40 documents). */
export const MAX_FILES = 20;

export interface Upload {
  /** The form field it came in, e.g. 'doc.giay_chung_sinh'. */
  field: string;
  file: StoredFile;
}

export interface ParsedMultipart {
  fields: Record<string, string | string[]>;
  uploads: Upload[];
  /** Files refused while streaming (not a real PDF/JPEG/PNG, too large), by field. */
  errors: FieldError[];
}

const parsed = new WeakMap<FastifyRequest, ParsedMultipart>();

/**
 * Streams a multipart body: every file straight to storage through `files.save` (real type by magic
 * bytes, size counted while streaming, nothing kept in memory), every field into `req.body`.
 * Registered as a route's preValidation, so the CSRF check that follows sees the form's `_csrf`
 * field, and a JSON API's zod schema validates the fields. A refused file does not stop the rest:
 * its error is kept for the form to show beside the field.
 */
export function multipartBody(files: FileService, maxBytes: number) {
  return async function preValidation(req: FastifyRequest) {
    if (!req.isMultipart()) return;
    const out: ParsedMultipart = { fields: {}, uploads: [], errors: [] };
    const parts = req.parts({
      // One byte over the cap reaches files.save, which then refuses the file with a clear message.
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
            const file = await files.save(part.file, {
              originalName: part.filename,
              field: part.fieldname,
              maxBytes,
            });
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
  };
}

export function uploadsOf(req: FastifyRequest): ParsedMultipart {
  return parsed.get(req) ?? { fields: {}, uploads: [], errors: [] };
}
