import type { Database, Db, SqlRunner } from '#platform/db/client.ts';
import type { Events } from '#platform/events.ts';
import { type Collector, listCollectors } from './collectors.ts';
import * as q from './indicators.queries.ts';
import { addDays, getPeriod, type Period, periodOf, vnDate } from './periods.ts';

/**
 * Keeps collected values current (decision 027). Collectors report touched places and days; the
 * engine gathers them for a moment (so a burst of changes at one commune is one refresh), then
 * refreshes each touched place's whole months, and the ISO weeks that cross them, in one statement
 * each. Nothing is rebuilt nightly: `sweep` only redoes the current and the previous month, to
 * heal a change whose event was lost in a crash.
 */
export class CollectorEngine {
  private pending = new Map<string, { collector: Collector; path: string; months: Set<string> }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly onError: (e: unknown) => void,
    private readonly delayMs = 100,
  ) {}

  /** Subscribe every registered collector to its module's events. */
  watch(events: Events) {
    for (const c of listCollectors())
      c.watch?.(events, this.database, (path, days) => this.touch(c, path, days));
  }

  touch(collector: Collector, path: string, days: (string | null | undefined)[]) {
    if (this.closed) return;
    const key = `${collector.source}|${path}`;
    const entry = this.pending.get(key) ?? { collector, path, months: new Set<string>() };
    for (const d of days) if (d) entry.months.add(periodOf('month', d).id);
    this.pending.set(key, entry);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.flush());
    }, this.delayMs);
  }

  private async flush() {
    const work = [...this.pending.values()];
    this.pending.clear();
    for (const w of work) {
      for (const month of [...w.months].sort()) {
        try {
          await refreshMonths(this.database.db, this.database, w.collector, w.path, [getPeriod(month)]);
        } catch (e) {
          this.onError(e);
        }
      }
    }
  }

  /** Resolves once every touch made so far has been written (tests, shutdown). */
  async settled() {
    while (this.timer || this.pending.size) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.running = this.running.then(() => this.flush());
      }
      await this.running;
    }
    await this.running;
  }

  async close() {
    await this.settled();
    this.closed = true;
  }
}

/** The days to read so that whole months and every ISO week crossing them are recomputed. */
export function refreshRange(months: Period[]) {
  const first = months.reduce((a, b) => (a.start < b.start ? a : b));
  const last = months.reduce((a, b) => (a.end > b.end ? a : b));
  return {
    from: periodOf('week', first.start).start,
    to: addDays(periodOf('week', last.end).end, 1),
  };
}

export async function refreshMonths(
  db: Db,
  runner: SqlRunner,
  collector: Collector,
  path: string,
  months: Period[],
) {
  if (months.length === 0) return;
  const { from, to } = refreshRange(months);
  await q.refreshCollected(db, runner, { source: collector.source, facts: collector.facts, path, from, to });
}

/**
 * Fill a collector's values for every month from its first fact to the current month, under the
 * whole tree: the first time a collector runs, and whenever an operator asks for a full refill.
 */
export async function fillCollector(database: Database, collector: Collector, now: Date) {
  const first = await collector.firstDay(database);
  const today = vnDate(now);
  if (first) {
    const months: Period[] = [];
    for (let m = periodOf('month', first); m.start <= today; m = periodOf('month', addDays(m.end, 1)))
      months.push(m);
    // A year at a time keeps each statement's working set bounded.
    for (let i = 0; i < months.length; i += 12)
      await refreshMonths(database.db, database, collector, '/', months.slice(i, i + 12));
  }
  await q.markCollectorFilled(database.db, collector.source, now);
}

/** Fill the collectors never filled; refresh the current and previous month of the others (healing sweep). */
export async function sweepCollectors(database: Database, now: Date) {
  const today = vnDate(now);
  const current = periodOf('month', today);
  const previous = periodOf('month', addDays(current.start, -1));
  for (const c of listCollectors()) {
    if (!(await q.collectorFilled(database.db, c.source))) await fillCollector(database, c, now);
    else await refreshMonths(database.db, database, c, '/', [previous, current]);
  }
}
