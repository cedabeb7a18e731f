import { linkToken, papersPath } from '#modules/documents/index.ts';
import { type DossierRecord, findDossierRecord } from '#modules/dossiers/index.ts';
import { findPlaceById } from '#modules/places/index.ts';
import type { Clock } from '#platform/clock.ts';
import type { Db } from '#platform/db/client.ts';
import { type Answer, messageOf, type PortalClient, PortalUnreachable } from './dvcqg.client.ts';
import type { DvcqgMetrics } from './dvcqg.metrics.ts';
import { dossierPayload, type PayloadContext, progressEntries } from './dvcqg.payload.ts';
import * as q from './dvcqg.queries.ts';
import type { SyncDossierRow } from './dvcqg.tables.ts';

/**
 * The worker: delivers each dossier's queued changes to the portal, in order, one worker per
 * dossier at a time (a lease on its `dvcqg_dossiers` row), exactly once in effect for the dossier
 * itself:
 * 1. `TraCuuHoSo`, unless the portal already acknowledged this dossier once (OpenCPS 3.0's shortcut):
 *    a create whose answer was lost may have happened, and the look-up says so;
 * 2. `DongBoHoSoMC` with `isUpdating` "False" (new) or "True" (known), the dossier as it stands after
 *    the last change being delivered; an update replaces it whole, so sending it again changes
 *    nothing. "Exists" (3/−3) to a create turns into an update, "not found" (−4) to an update into a
 *    create;
 * 3. only after `error_code` 0, `CapNhatTienDoHoSoMC` with one entry per change, in order.
 * Progress entries are appended by the portal, with no key to check them by: an entry whose answer
 * was lost (a time-out, a cut connection, this process killed) is sent again and may be recorded
 * twice there. The row says so beforehand (`progress_sent_through`), and the outbox counts the sends.
 */

/** Progress entries per call: TD sends at most ten, the mock takes 1–10. */
export const MAX_PER_DELIVERY = 10;

/** Back-off after the n-th failed attempt: 30 s, 1, 2, 4, 8, 16, 32 min, then every hour. */
export function retryDelayMs(attempts: number) {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);
}

/**
 * When the portal cannot be reached, nobody needs to knock on its door once per dossier: the
 * process stops calling for a while (15 s, doubling to 5 min), then one delivery tries again.
 */
export class Breaker {
  private until = 0;
  private delay = 0;

  trip(now: Date) {
    this.delay = Math.min(Math.max(this.delay * 2, 15_000), 300_000);
    this.until = now.getTime() + this.delay;
  }

  reset() {
    this.delay = 0;
    this.until = 0;
  }

  isOpen(now: Date) {
    return now.getTime() < this.until;
  }

  openUntil(): Date | null {
    return this.until ? new Date(this.until) : null;
  }
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  client: PortalClient | undefined;
  /** This worker's name in leases (a process has one). */
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  publicUrl: string;
  linkSecret: string;
  breaker: Breaker;
  metrics?: DvcqgMetrics | undefined;
}

export interface PassResult {
  claimed: number;
  delivered: number;
  changes: number;
  failed: number;
  held: number;
  dead: number;
}

class Refused extends Error {
  constructor(
    readonly service: string,
    readonly answer: Answer,
  ) {
    super(messageOf(answer));
  }
}

/** What a pass reads once for every dossier it delivers. */
class PassCache {
  private statusMap: Promise<Map<string, string>> | undefined;
  private readonly places = new Map<number, Promise<string | undefined>>();
  private readonly units = new Map<number, Promise<string>>();

  constructor(private readonly db: Db) {}

  national() {
    this.statusMap ??= q
      .listStatusMap(this.db)
      .then((rows) => new Map(rows.map((r) => [`${r.step}:${r.localStatus}`, r.national])));
    return this.statusMap;
  }

  madonvi(placeId: number) {
    let p = this.places.get(placeId);
    if (!p) {
      p = q.listPlaceSettings(this.db, [placeId]).then((rows) => rows[0]?.madonvi ?? undefined);
      this.places.set(placeId, p);
    }
    return p;
  }

  unitName(id: number) {
    let p = this.units.get(id);
    if (!p) {
      p = findPlaceById(this.db, id).then((place) =>
        place
          ? `Ủy ban nhân dân ${place.fullName.replace(/^./, (c) => c.toLocaleLowerCase('vi'))}`
          : String(id),
      );
      this.units.set(id, p);
    }
    return p;
  }
}

async function pool<T>(items: T[], width: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await run(items[i] as T);
    }),
  );
}

/**
 * One pass: lease up to `batch` dossiers with changes due and deliver them, `width` at a time.
 * Nothing happens without a configured portal, or while the breaker is open.
 */
export async function deliverDue(
  deps: DeliveryDeps,
  opts: { batch?: number; width?: number } = {},
): Promise<PassResult> {
  const result: PassResult = { claimed: 0, delivered: 0, changes: 0, failed: 0, held: 0, dead: 0 };
  const now = deps.clock.now();
  if (!deps.client || deps.breaker.isOpen(now)) return result;
  // While the portal is unreachable, one dossier at a time probes it.
  const probing = deps.breaker.openUntil() !== null;
  const claimed = await q.claimDue(
    deps.db,
    deps.owner,
    now,
    new Date(now.getTime() + deps.leaseMs),
    probing ? 1 : (opts.batch ?? 32),
  );
  result.claimed = claimed.length;
  const cache = new PassCache(deps.db);
  await pool(claimed, probing ? 1 : (opts.width ?? 8), async (row) => {
    if (deps.breaker.isOpen(deps.clock.now())) {
      await q.releaseLease(deps.db, row.dossierId, deps.owner);
      return;
    }
    const outcome = await deliverOne(deps, cache, row);
    if (outcome.kind === 'delivered') {
      result.delivered++;
      result.changes += outcome.changes;
    } else result[outcome.kind]++;
    if (outcome.kind === 'delivered') deps.metrics?.deliveries.inc({ outcome: 'delivered' }, outcome.changes);
    else deps.metrics?.deliveries.inc({ outcome: outcome.kind === 'failed' ? outcome.reason : outcome.kind });
  });
  return result;
}

type Outcome =
  | { kind: 'delivered'; changes: number }
  | { kind: 'failed'; reason: 'unreachable' | 'refused' }
  | { kind: 'held' }
  | { kind: 'dead' };

async function deliverOne(deps: DeliveryDeps, cache: PassCache, row: SyncDossierRow): Promise<Outcome> {
  const { db, owner } = deps;
  const pending = await q.listUndelivered(db, row.dossierId, MAX_PER_DELIVERY);
  const now = () => deps.clock.now();
  if (pending.length === 0) {
    // Nothing left (a resend of a dossier already delivered): the row is brought in line.
    await q.markDelivered(
      db,
      { dossierId: row.dossierId, owner, through: row.queuedThrough, ids: [], resentThrough: null },
      now(),
    );
    return { kind: 'delivered', changes: 0 };
  }
  const record = await findDossierRecord(db, { id: row.dossierId });
  const failure = (
    kind: 'unreachable' | 'refused' | 'held',
    service: string,
    errorCode: number | null,
    message: string,
    extra: { holdReason?: string; progressRefused?: boolean } = {},
  ) => {
    const attempt = kind === 'held' ? row.attempts : row.attempts + 1;
    const dead = kind !== 'held' && attempt >= deps.maxAttempts;
    return q
      .recordFailure(
        db,
        {
          dossierId: row.dossierId,
          code: row.code,
          owner,
          attempt,
          kind: dead ? 'dead' : kind,
          service,
          errorCode,
          message,
          nextAttemptAt: kind === 'held' || dead ? null : new Date(now().getTime() + retryDelayMs(attempt)),
          state: kind === 'held' ? 'held' : dead ? 'dead' : 'pending',
          holdReason: extra.holdReason,
          progressRefused: extra.progressRefused,
        },
        now(),
      )
      .then(
        (): Outcome =>
          kind === 'held' ? { kind: 'held' } : dead ? { kind: 'dead' } : { kind: 'failed', reason: kind },
      );
  };
  if (!record) return failure('refused', 'local', null, 'Không tìm thấy hồ sơ / the dossier is missing here');
  const mapping = await q.findProcedureMap(db, record.procedureCode);
  if (!mapping) {
    return failure(
      'held',
      'local',
      null,
      `Thủ tục ${record.procedureCode} chưa được gắn mã thủ tục quốc gia (MaTTHC); hồ sơ được giữ lại đến khi quản trị viên xác nhận. / Procedure ${record.procedureCode} has no confirmed national code (MaTTHC); the dossier is held until an admin confirms one.`,
      { holdReason: 'unmapped_procedure' },
    );
  }
  const madonvi = await cache.madonvi(row.placeId);
  if (!madonvi) {
    return failure(
      'held',
      'local',
      null,
      'Đơn vị chưa có mã đơn vị (madonvi) trên Cổng DVCQG. / The place has no agency code (madonvi) for the portal.',
      { holdReason: 'no_madonvi' },
    );
  }
  const ids = pending.map((p) => p.actionId);
  const through = ids[ids.length - 1] as number;
  const ctx = await payloadContext(deps, cache, record, mapping, through);
  const hoSo = dossierPayload(record, through, ctx);
  const client = deps.client as PortalClient;
  let progressSent = false;
  try {
    let exists = row.portalHas;
    if (!exists) {
      const found = await client.call('integration', 'TraCuuHoSo', madonvi, { mahoso: record.code });
      if (found.error_code !== 0) throw new Refused('TraCuuHoSo', found);
      exists = Array.isArray(found.result) && found.result.length > 0;
    }
    const sync = (updating: boolean) =>
      client.call('integration', 'DongBoHoSoMC', madonvi, {
        isUpdating: updating ? 'True' : 'False',
        data: [hoSo],
      });
    let answer = await sync(exists);
    if (!exists && (answer.error_code === 3 || answer.error_code === -3)) answer = await sync(true);
    else if (exists && answer.error_code === -4) {
      await q.markDossierUnknown(db, row.dossierId, owner);
      answer = await sync(false);
    }
    if (answer.error_code !== 0) throw new Refused('DongBoHoSoMC', answer);
    const renewed = new Date(now().getTime() + deps.leaseMs);
    if (
      !(await q.markDossierAccepted(db, row.dossierId, owner, String(hoSo.TrangThaiHoSo), through, renewed))
    ) {
      // The lease ran out and another worker has the dossier now: it sends the progress.
      return { kind: 'failed', reason: 'unreachable' };
    }
    progressSent = true;
    const progress = await client.call('integration', 'CapNhatTienDoHoSoMC', madonvi, {
      data: progressEntries(record, ids, ctx),
    });
    if (progress.error_code !== 0) throw new Refused('CapNhatTienDoHoSoMC', progress);
    if (row.progressSentThrough !== null) deps.metrics?.deliveries.inc({ outcome: 'resent' });
    await q.markDelivered(
      db,
      { dossierId: row.dossierId, owner, through, ids, resentThrough: row.progressSentThrough },
      now(),
    );
    deps.breaker.reset();
    return { kind: 'delivered', changes: ids.length };
  } catch (e) {
    if (e instanceof PortalUnreachable) {
      deps.breaker.trip(now());
      return failure('unreachable', e.service, null, e.message);
    }
    if (e instanceof Refused) {
      return failure('refused', e.service, e.answer.error_code, messageOf(e.answer), {
        progressRefused: progressSent && e.service === 'CapNhatTienDoHoSoMC',
      });
    }
    throw e;
  }
}

async function payloadContext(
  deps: DeliveryDeps,
  cache: PassCache,
  record: DossierRecord,
  mapping: NonNullable<Awaited<ReturnType<typeof q.findProcedureMap>>>,
  through: number,
): Promise<PayloadContext> {
  const statusMap = await cache.national();
  // The unit that held the dossier after the last change delivered.
  const unitId = [...record.actions].reverse().find((a) => a.id <= through && a.type === 'forward')?.payload
    .unit?.id;
  const base = deps.publicUrl.replace(/\/$/, '');
  const code = record.code;
  return {
    procedure: {
      maTthc: mapping.maTthc,
      tenTthc: mapping.tenTthc,
      maLinhVuc: mapping.maLinhVuc,
      tenLinhVuc: mapping.tenLinhVuc,
    },
    nationalStatus: (s) => statusMap.get(`${s.step}:${s.status}`) ?? String(s.status),
    unitName: await cache.unitName(unitId ?? firstUnit(record)),
    fileUrl: (fileId) =>
      `${base}/dvcqg/tep/${encodeURIComponent(code)}/${fileId}?t=${fileToken(deps.linkSecret, code, fileId)}`,
    resultUrl: () =>
      `${base}${papersPath(code)}/ket-qua.pdf?t=${linkToken(deps.linkSecret, 'dossier', code)}`,
  };
}

function firstUnit(record: DossierRecord): number {
  return record.actions.find((a) => a.type === 'submit')?.payload.unit?.id ?? record.unitId;
}

/** The link the portal downloads a submitted file by: good for this dossier's file only. */
export function fileToken(secret: string, code: string, fileId: string) {
  return linkToken(secret, 'dvcqg-file', `${code}/${fileId}`);
}
