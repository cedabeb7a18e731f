import type { Priority } from './broadcast.tables.ts';

/**
 * From programme rules to the timeline a speaker plays: pure functions, no clock, no database.
 * The server runs them to build each device's schedule; tests run them exhaustively.
 */

/** Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving since 1975), so local time is an offset. */
export const VIETNAM_OFFSET_MS = 7 * 3_600_000;
/** Silence between two plays of a bulletin repeated back to back. */
export const REPEAT_GAP_MS = 3_000;
export const DAY_MS = 86_400_000;
/**
 * Silence that still keeps a programme's plays one sitting (e.g. the morning news 06:00–06:30):
 * a priority bulletin joining the sitting goes to its head (Circular 39/2020/TT-BTTTT; DOMAIN.md
 * "priority: first in the programme").
 */
export const SITTING_GAP_MS = 5 * 60_000;

export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

/** Weekday bits: Monday is bit 0 … Sunday bit 6, so 127 is every day. */
export const EVERY_DAY = 127;
export const WEEKDAY_BITS = [1, 2, 4, 8, 16, 32, 64] as const;

export interface ScheduleRule {
  entryId: number;
  /** The programme the entry belongs to; without it the entry is its own programme. */
  programmeId?: number;
  bulletinId: number;
  priority: Priority;
  /** Local time of day, `HH:MM` or `HH:MM:SS`. */
  startTime: string;
  weekdays: number;
  /** Local dates, `YYYY-MM-DD`; `endDate` null = no end. */
  startDate: string;
  endDate: string | null;
  repeat: number;
  durationMs: number;
}

export interface Candidate {
  /** Stable across re-computations: the device and proof-of-play reports use it. */
  key: string;
  entryId: number;
  bulletinId: number;
  priority: Priority;
  /** Epoch milliseconds. */
  start: number;
  durationMs: number;
  /** Tie-break after priority and start: earlier entries first. */
  order: number;
}

export interface Planned extends Candidate {
  at: number;
  endsAt: number;
  /** Key of the emergency that cuts this play short. */
  interruptedBy?: string;
}

export interface Dropped extends Candidate {
  reason: 'too-late';
}

export interface Timeline {
  plays: Planned[];
  dropped: Dropped[];
}

function parseTime(hms: string): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(hms);
  if (!m) throw new RangeError(`not a time of day: ${hms}`);
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) throw new RangeError(`not a time of day: ${hms}`);
  return ((h * 60 + min) * 60 + s) * 1000;
}

function parseDate(ymd: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) throw new RangeError(`not a date: ${ymd}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in Vietnam. */
export function localDate(epochMs: number): string {
  return new Date(epochMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

/** The local time of day (`HH:MM:SS`) of an instant in Vietnam. */
export function localTime(epochMs: number): string {
  return new Date(epochMs + VIETNAM_OFFSET_MS).toISOString().slice(11, 19);
}

/** The instant of a local date and time in Vietnam. */
export function fromLocal(ymd: string, hms: string): number {
  return parseDate(ymd) + parseTime(hms) - VIETNAM_OFFSET_MS;
}

/** Monday = 0 … Sunday = 6 of a local date. */
function weekdayIndex(dayUtcMidnight: number): number {
  return (new Date(dayUtcMidnight).getUTCDay() + 6) % 7;
}

/**
 * Every play of every rule that starts in [from, until): one candidate per repeat, the repeats
 * back to back with REPEAT_GAP_MS between them.
 */
export function expandRules(rules: readonly ScheduleRule[], from: number, until: number): Candidate[] {
  const out: (Candidate & { programme: number })[] = [];
  if (until <= from) return [];
  // A rule's local day may begin before `from` and still have repeats after it.
  const firstDay = parseDate(localDate(from)) - DAY_MS;
  const lastDay = parseDate(localDate(until));
  for (const rule of rules) {
    const timeOfDay = parseTime(rule.startTime);
    const ruleStart = parseDate(rule.startDate);
    const ruleEnd = rule.endDate === null ? Number.POSITIVE_INFINITY : parseDate(rule.endDate);
    const hhmmss = rule.startTime.length === 5 ? `${rule.startTime}:00` : rule.startTime;
    for (let day = Math.max(firstDay, ruleStart); day <= Math.min(lastDay, ruleEnd); day += DAY_MS) {
      if ((rule.weekdays & (1 << weekdayIndex(day))) === 0) continue;
      const first = day + timeOfDay - VIETNAM_OFFSET_MS;
      const ymd = new Date(day).toISOString().slice(0, 10);
      for (let i = 0; i < rule.repeat; i++) {
        const start = first + i * (rule.durationMs + REPEAT_GAP_MS);
        if (start < from || start >= until) continue;
        out.push({
          programme: rule.programmeId ?? -rule.entryId,
          key: `${rule.entryId}@${ymd}T${hhmmss}${rule.repeat > 1 ? `#${i + 1}` : ''}`,
          entryId: rule.entryId,
          bulletinId: rule.bulletinId,
          priority: rule.priority,
          start,
          durationMs: rule.durationMs,
          order: rule.entryId * 16 + i,
        });
      }
    }
  }
  return priorityFirst(out).map(({ programme: _, ...c }) => c);
}

/**
 * A priority bulletin goes first in the programme it joins (Circular 39/2020/TT-BTTTT): its plays
 * start at the head of the programme's sitting they fall in, so on the speaker they come before the
 * normal bulletins of that sitting (which then wait their turn, within the late grace). A sitting
 * is one programme's plays on one local day chained with at most SITTING_GAP_MS of silence. Only
 * ever moved earlier; keys do not change. Repeats moved to the head play back to back.
 */
function priorityFirst<C extends Candidate & { programme: number }>(candidates: C[]): C[] {
  const groups = new Map<string, C[]>();
  for (const c of candidates) {
    const k = `${c.programme}@${localDate(c.start)}`;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const moved = new Map<C, number>();
  for (const group of groups.values()) {
    if (!group.some((c) => c.priority === 'priority')) continue;
    group.sort(byStartThenKey);
    let head = Number.NEGATIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const c of group) {
      if (c.start > end + SITTING_GAP_MS) head = c.start;
      end = Math.max(end, c.start + c.durationMs);
      if (c.priority === 'priority' && head < c.start) moved.set(c, head);
    }
  }
  return candidates.map((c) => (moved.has(c) ? { ...c, start: moved.get(c) as number } : c));
}

function byStartThenKey(a: Candidate, b: Candidate) {
  return a.start - b.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Which waiting candidate goes first: higher priority, then earlier start, then order, then key. */
export function comparePrecedence(a: Candidate, b: Candidate): number {
  return (
    PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
    a.start - b.start ||
    a.order - b.order ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/**
 * Lays candidates out on one speaker, deterministically (the same set in any order gives the same
 * timeline):
 * - emergencies start on time and pre-empt anything else, which is cut short and not resumed;
 *   an emergency that arrives while another plays waits for it (emergencies are never cut);
 * - otherwise one thing plays at a time; when the speaker is free, the waiting candidate with the
 *   highest priority goes first (then the earliest start, then the rule order);
 * - a non-emergency candidate that would start more than `maxDelayMs` late is dropped.
 */
export function resolveTimeline(candidates: readonly Candidate[], opts: { maxDelayMs: number }): Timeline {
  const sorted = [...candidates].sort(byStartThenKey);
  const emergencies: Planned[] = [];
  let emergencyFree = Number.NEGATIVE_INFINITY;
  for (const c of sorted.filter((x) => x.priority === 'emergency')) {
    const at = Math.max(c.start, emergencyFree);
    emergencies.push({ ...c, at, endsAt: at + c.durationMs });
    emergencyFree = at + c.durationMs;
  }

  /** The first moment at or after t when no emergency is playing. */
  const clear = (t: number) => {
    let moved = t;
    for (const e of emergencies) if (e.at <= moved && moved < e.endsAt) moved = e.endsAt;
    return moved;
  };

  const remaining = sorted.filter((x) => x.priority !== 'emergency');
  const plays: Planned[] = [];
  const dropped: Dropped[] = [];
  let free = Number.NEGATIVE_INFINITY;
  while (remaining.length > 0) {
    const earliest = (remaining[0] as Candidate).start;
    const t = clear(Math.max(free, earliest));
    let best = -1;
    for (let i = 0; i < remaining.length; i++) {
      const c = remaining[i] as Candidate;
      if (c.start > t) break;
      if (best < 0 || comparePrecedence(c, remaining[best] as Candidate) < 0) best = i;
    }
    const [chosen] = remaining.splice(best, 1) as [Candidate];
    if (t - chosen.start > opts.maxDelayMs) {
      dropped.push({ ...chosen, reason: 'too-late' });
      continue;
    }
    const end = t + chosen.durationMs;
    const cutter = emergencies.find((e) => e.at > t && e.at < end);
    if (cutter) {
      plays.push({ ...chosen, at: t, endsAt: cutter.at, interruptedBy: cutter.key });
      free = cutter.at;
    } else {
      plays.push({ ...chosen, at: t, endsAt: end });
      free = end;
    }
  }
  const all = [...emergencies, ...plays].sort(
    (a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  return { plays: all, dropped: dropped.sort(byStartThenKey) };
}
