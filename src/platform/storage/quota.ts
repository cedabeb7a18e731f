import type { Clock } from '../clock.ts';
import type { SqlRunner } from '../db/client.ts';
import { TooManyRequests } from '../errors.ts';
import { SqlCounters } from '../rate-limit.ts';

const HOUR_MS = 60 * 60_000;

function fmtMb(bytes: number) {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

/**
 * Upload bytes per client per hour (decision 034): a client is a signed-in person (staff or
 * citizen), or an address for everyone else. Counted in the shared `rate_limits` table, so every
 * process on a server sees the same total; a request's bytes are counted before its body is read,
 * from its declared length, and the request is refused then if they would pass the cap.
 */
export class UploadQuota {
  private readonly counters: SqlCounters;
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
    // Counted in KiB: the counters are 32-bit.
    const n = Math.ceil(bytes / 1024);
    const now = this.clock.now();
    const [hit] = await this.counters.add([{ key: `upload-kib:${client}`, windowMs: HOUR_MS, n }], now);
    if (!hit || hit.count * 1024 <= this.bytesPerHour) return;
    const retryAfter = Math.max(1, Math.ceil((hit.resetAt.getTime() - now.getTime()) / 1000));
    const minutes = Math.max(1, Math.ceil(retryAfter / 60));
    throw new TooManyRequests(retryAfter, {
      vi: `Bạn đã gửi quá ${fmtMb(this.bytesPerHour)} tệp trong một giờ. Vui lòng thử lại sau ${minutes} phút.`,
      en: `You have sent more than ${fmtMb(this.bytesPerHour)} of files in an hour. Please try again in ${minutes} minutes.`,
    });
  }
}
