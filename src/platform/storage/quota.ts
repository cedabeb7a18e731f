import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import type { SqlRunner } from '../db/client.ts';
import { TooManyRequests } from '../errors.ts';
import { SqlCounters } from '../rate-limit.ts';

const HOUR_MS = 60 * 60_000;
/** A client's bytes are added to the shared table at most this often, or when they reach the cap. */
const SYNC_EVERY_MS = 1000;

function fmtMb(bytes: number) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

interface Held {
  /** The shared count (KiB) as the table last answered. */
  shared: number;
  /** KiB counted here since. */
  pending: number;
  resetAt: number;
  syncedAt: number;
}

/**
 * Upload bytes per client per hour (decision 034): a client is a signed-in person (staff or
 * citizen), or an address for everyone else. A request's bytes are counted before its body is read,
 * from its declared length, and the request is refused then if they would pass the cap.
 *
 * Counted in this process's memory and added to the shared `rate_limits` table (in KiB: its counters
 * are 32-bit) when a client is first met, at most once a second after that, and whenever the cap
 * would be passed, so a busy API client costs the database one statement a second rather than one
 * per upload, and the refusal itself is always decided on the shared count.
 */
export class UploadQuota {
  private readonly counters: SqlCounters;
  private readonly held = new LRUCache<string, Held>({ max: 100_000 });
  constructor(
    sql: SqlRunner,
    readonly bytesPerHour: number,
    private readonly clock: Clock,
  ) {
    this.counters = new SqlCounters(sql);
  }

  /** Counts `bytes` for `client`; throws TooManyRequests (bilingual) when the hour's cap is passed. */
  async spend(client: string, bytes: number) {
    if (bytes <= 0) return;
    const now = this.clock.now();
    const at = now.getTime();
    let h = this.held.get(client);
    if (!h || h.resetAt <= at)
      h = { shared: 0, pending: 0, resetAt: at + HOUR_MS, syncedAt: Number.NEGATIVE_INFINITY };
    this.held.set(client, h);
    h.pending += Math.ceil(bytes / 1024);
    const over = () => ((h?.shared ?? 0) + (h?.pending ?? 0)) * 1024 > this.bytesPerHour;
    if (at - h.syncedAt >= SYNC_EVERY_MS || over()) {
      const n = h.pending;
      h.pending = 0;
      const [hit] = await this.counters.add([{ key: `upload-kib:${client}`, windowMs: HOUR_MS, n }], now);
      if (hit) {
        h.shared = hit.count;
        h.resetAt = hit.resetAt.getTime();
      }
      h.syncedAt = at;
    }
    if (!over()) return;
    const retryAfter = Math.max(1, Math.ceil((h.resetAt - at) / 1000));
    const minutes = Math.max(1, Math.ceil(retryAfter / 60));
    throw new TooManyRequests(retryAfter, {
      vi: `Bạn đã gửi quá ${fmtMb(this.bytesPerHour)} tệp trong một giờ. Vui lòng thử lại sau ${minutes} phút.`,
      en: `You have sent more than ${fmtMb(this.bytesPerHour)} of files in an hour. Please try again in ${minutes} minutes.`,
    });
  }
}
