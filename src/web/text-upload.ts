import type { FastifyRequest } from 'fastify';
import type { FieldError } from '#platform/errors.ts';

/**
 * Forms that upload one small text file (a CSV import) and work without JavaScript. The multipart
 * body is read in a route-level preValidation, before the app's CSRF check, so the check sees the
 * form's _csrf field; the file's text (BOM removed) lands in `req.body[field]` next to the other
 * fields. A pasted text in a textarea of the same name is kept when no file is chosen.
 */
const problems = new WeakMap<FastifyRequest, FieldError[]>();

export function readTextUpload(opts: {
  field: string;
  maxBytes: number;
  /** Read nothing for a visitor who may not import (the CSRF check or the service then refuses). */
  allowed?: (req: FastifyRequest) => boolean | Promise<boolean>;
}) {
  return async (req: FastifyRequest) => {
    if (!req.isMultipart()) return;
    if (opts.allowed && !(await opts.allowed(req))) return;
    const body: Record<string, string> = {};
    const found: FieldError[] = [];
    const parts = req.parts({
      limits: { fileSize: opts.maxBytes, files: 1, fields: 20 },
      throwFileSizeLimit: false,
    } as Parameters<FastifyRequest['parts']>[0]);
    for await (const part of parts) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        if (!part.filename && data.length === 0) continue;
        if (part.file.truncated) {
          found.push({
            field: opts.field,
            vi: `Tệp quá lớn (tối đa ${Math.round(opts.maxBytes / 1024)} KB).`,
            en: `The file is too big (${Math.round(opts.maxBytes / 1024)} KB at most).`,
          });
          continue;
        }
        body[opts.field] = data.toString('utf8').replace(/^\uFEFF/, '');
      } else if (typeof part.value === 'string' && !(part.fieldname === opts.field && body[opts.field])) {
        body[part.fieldname] = part.value;
      }
    }
    req.body = body;
    problems.set(req, found);
  };
}

/** What went wrong while reading the upload (a file over the size), to show with the form. */
export function uploadProblems(req: FastifyRequest): FieldError[] {
  return problems.get(req) ?? [];
}
