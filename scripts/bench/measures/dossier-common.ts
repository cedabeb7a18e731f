import path from 'node:path';
import autocannon from 'autocannon';
import type { LoadResult } from '../load.ts';
import { type BenchSettings, ROOT } from '../measure.ts';

/** The test slice of the administrative units: Lạng Sơn with communes Mẫu Sơn and Đồng Đăng. */
export const UNITS = path.join(ROOT, 'test/fixtures/admin-units');
export const COMMUNE = '06541';
export const PROCEDURE = '1.001193';

export const APPLICANT = {
  name: 'Hoàng Thị Mai',
  idNumber: '020190000123',
  phone: '0912345678',
  address: 'Thôn Khuổi Tào, xã Mẫu Sơn, Lạng Sơn',
};

export const FORM = {
  childName: 'Hoàng Văn An',
  childBirthDate: '2026-02-20',
  childSex: 'nam',
  childBirthPlace: 'Trạm y tế xã Mẫu Sơn',
  childEthnicity: 'Dao',
  childNationality: 'Việt Nam',
  motherName: 'Hoàng Thị Mai',
  requesterRelationship: 'me',
};

/** A small real PDF (ASCII only, so autocannon's id replacement leaves it intact). */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% giay chung sinh\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/**
 * autocannon with `[<id>]` replaced by a fresh id in every request (headers and body), so each POST
 * is a new submission with its own Idempotency-Key. Any error or non-2xx answer fails the measure.
 */
export async function measureRequests(
  opts: {
    url: string;
    method: 'GET' | 'POST';
    headers?: Record<string, string>;
    /** Text: autocannon's worker takes a string or a Buffer, and a Buffer does not survive the hand-over. */
    body?: string;
    requests?: { path: string; headers?: Record<string, string> }[];
  },
  s: BenchSettings,
): Promise<LoadResult> {
  const fire = (duration: number) =>
    autocannon({
      url: opts.url,
      method: opts.method,
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.body ? { body: opts.body } : {}),
      ...(opts.requests ? { requests: opts.requests.map((r) => ({ method: opts.method, ...r })) } : {}),
      // A new id in each POST (its Idempotency-Key): every request files a new dossier.
      ...(opts.body !== undefined ? { idReplacement: true } : {}),
      connections: s.connections,
      duration,
      workers: 1,
    });
  if (s.warmupSeconds > 0) await fire(s.warmupSeconds);
  const r = await fire(s.seconds);
  if (r.errors || r.timeouts || r.non2xx) {
    throw new Error(
      `${opts.url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers in ${r.requests.total} requests`,
    );
  }
  if (!r.requests.total) throw new Error(`${opts.url}: no answer at all in ${s.seconds}s`);
  return {
    requestsPerSecond: r.requests.total / r.duration,
    totalRequests: r.requests.total,
    latencyMs: { average: r.latency.average, p50: r.latency.p50, p99: r.latency.p99 },
  };
}

/** A multipart body as FormData encodes it. */
export async function multipartBody(
  parts: { name: string; value?: string; file?: { filename: string; data: Buffer } }[],
) {
  const fd = new FormData();
  for (const p of parts) {
    if (p.file)
      fd.append(
        p.name,
        new Blob([new Uint8Array(p.file.data)], { type: 'application/pdf' }),
        p.file.filename,
      );
    else fd.append(p.name, p.value ?? '');
  }
  const res = new Response(fd);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? '' };
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
