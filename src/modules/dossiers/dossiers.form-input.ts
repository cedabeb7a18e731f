import type { Ctx } from '#platform/context.ts';
import { AppError } from '#platform/errors.ts';
import type { Platform } from '#platform/platform.ts';
import type { PageCtx } from '#web/layout.tsx';
import * as q from './dossiers.queries.ts';
import type { DocumentFile } from './dossiers.submit.ts';
import { multipartBody, type Upload } from './dossiers.uploads.ts';
import type { Kept } from './dossiers.views.tsx';

/**
 * What the dossier forms send, read the same way on every page and in the API: the submission's
 * fields and files (first try, check page, a re-render), the files kept between pages, the uploads.
 */

export type Body = Record<string, unknown>;

/** A field's first value, trimmed to nothing when blank. */
export const str = (body: Body, k: string): string | undefined => {
  const v = body[k];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s.trim() !== '' ? s : undefined;
};

const all = (body: Body, k: string): string[] => {
  const v = body[k];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
};

/** The fields of a submission form, whichever way it came (first try, check page, a re-render). */
export function submissionFrom(body: Body, uploads: Upload[]) {
  const applicant = Object.fromEntries(
    ['name', 'idNumber', 'phone', 'address', 'email'].map((k) => [k, str(body, `applicant.${k}`)]),
  );
  const form = Object.fromEntries(
    Object.keys(body)
      .filter((k) => k.startsWith('form.'))
      .map((k) => [k.slice(5), str(body, k)]),
  );
  const files: DocumentFile[] = [];
  for (const k of Object.keys(body).filter((k) => k.startsWith('keep.'))) {
    for (const fileId of all(body, k)) files.push({ documentId: k.slice(5), fileId });
  }
  for (const u of uploads) {
    if (u.field.startsWith('doc.'))
      files.push({ documentId: u.field.slice(4), fileId: u.file.id, stored: u.file });
  }
  const values: Record<string, string> = {};
  for (const k of Object.keys(body)) {
    const v = str(body, k);
    if (v !== undefined && k !== '_csrf' && !k.startsWith('keep.')) values[k] = v;
  }
  return { applicant, form, files, values };
}

/** Files kept from an earlier attempt that still belong to no dossier, by required document. */
export async function keptOf(ctx: Ctx, files: DocumentFile[]): Promise<Kept> {
  const meta = new Map(
    (
      await q.findFiles(
        ctx.db,
        files.map((f) => f.fileId),
      )
    ).map((m) => [m.id, m]),
  );
  const kept: Kept = new Map();
  for (const f of files) {
    const m = meta.get(f.fileId);
    if (!m || m.dossierId !== null) continue;
    kept.set(f.documentId, [...(kept.get(f.documentId) ?? []), { id: m.id, name: m.originalName }]);
  }
  return kept;
}

/** Errors that re-render the page rather than reach the error page: the user can fix them. */
export function messageOf(page: PageCtx, e: unknown): string | undefined {
  if (e instanceof AppError && e.status < 500 && ![401, 403, 404].includes(e.status)) {
    return page.locale === 'en' ? e.detail.en : e.detail.vi;
  }
  return undefined;
}

/** The upload limit as the forms state it, and the route hooks that stream a form's files. */
export function uploadLimits(platform: Platform) {
  return {
    maxMb: Math.round(platform.config.UPLOAD_MAX_BYTES / 1024 / 1024),
    upload: multipartBody(platform),
  };
}
