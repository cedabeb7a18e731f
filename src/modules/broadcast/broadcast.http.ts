import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceById, listChildren, type Place } from '#modules/places/index.ts';
import type { Db } from '#platform/db/client.ts';
import type { Platform } from '#platform/platform.ts';
import type { FormState } from '#web/form-action.ts';
import { captionsVtt } from './broadcast.views.tsx';

/** What the module's page and API route files share: parameters, form values, audio and captions. */

export const empty: FormState = { values: {}, errors: {} };
export const idParam = z.object({ id: z.coerce.number().int().positive() });
export const codeParam = z.object({ code: z.string().max(20) });

/** A form's typed values to show again with its errors: strings only, never the CSRF token. */
export function typedValues(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => typeof v === 'string' && k !== '_csrf'),
  ) as Record<string, string>;
}

/** The commune's villages in force, where clusters stand and alerts are aimed. */
export async function villagesOf(db: Db, commune: Place) {
  return (await listChildren(db, commune.id)).filter((p) => p.level === 'village' && !p.validTo);
}

export async function communeCodeOf(req: FastifyRequest, communeId: number) {
  return (await findPlaceById(req.ctx().db, communeId))?.code;
}

export function sendCaptions(
  reply: FastifyReply,
  b: { body: string | null; title: string; audioDurationMs: number | null },
  cacheControl: string,
) {
  return reply
    .type('text/vtt; charset=utf-8')
    .header('cache-control', cacheControl)
    .send(captionsVtt(b.body ?? b.title, b.audioDurationMs ?? 1000));
}

export async function sendAudio(
  reply: FastifyReply,
  platform: Platform,
  a: { fileId: string; mime: string; bytes: number },
  cacheControl: string,
) {
  const opened = await platform.files.open(a.fileId);
  if (!opened) return reply.code(404).send();
  return reply
    .header('content-type', a.mime)
    .header('content-length', String(opened.file.sizeBytes))
    .header('etag', `"${opened.file.sha256}"`)
    .header('cache-control', cacheControl)
    .send(opened.stream);
}
