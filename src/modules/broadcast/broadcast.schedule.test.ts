import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Candidate,
  EVERY_DAY,
  expandRules,
  fromLocal,
  localDate,
  localTime,
  type Planned,
  PRIORITY_RANK,
  REPEAT_GAP_MS,
  resolveTimeline,
  type ScheduleRule,
  type Timeline,
} from './broadcast.schedule.ts';
import type { Priority } from './broadcast.tables.ts';

const c = (key: string, priority: Priority, start: number, durationMs: number, order = 0): Candidate => ({
  key,
  entryId: 0,
  bulletinId: 0,
  priority,
  start,
  durationMs,
  order,
});

const brief = (t: Timeline) => ({
  plays: t.plays.map((p) => [p.key, p.at, p.endsAt, p.interruptedBy ?? null]),
  dropped: t.dropped.map((d) => d.key),
});

describe('local time in Vietnam', () => {
  it('when 06:00 local is converted, then it is 23:00 UTC the day before, and back', () => {
    const t = fromLocal('2026-11-23', '06:00');
    assert.equal(new Date(t).toISOString(), '2026-11-22T23:00:00.000Z');
    assert.equal(localDate(t), '2026-11-23');
    assert.equal(localTime(t), '06:00:00');
  });

  it('when a time is not a time, then it is refused', () => {
    assert.throws(() => fromLocal('2026-11-23', '24:00'), RangeError);
    assert.throws(() => fromLocal('2026-11-23', '6:00'), RangeError);
    assert.throws(() => fromLocal('23/11/2026', '06:00'), RangeError);
  });
});

describe('expanding programme rules into plays', () => {
  const rule = (over: Partial<ScheduleRule> = {}): ScheduleRule => ({
    entryId: 7,
    bulletinId: 70,
    priority: 'normal',
    startTime: '06:00',
    weekdays: EVERY_DAY,
    startDate: '2026-11-23',
    endDate: null,
    repeat: 1,
    durationMs: 60_000,
    ...over,
  });
  // Monday 23 Nov 2026 00:00 local → Monday 30 Nov 00:00 local: one week.
  const from = fromLocal('2026-11-23', '00:00');
  const until = fromLocal('2026-11-30', '00:00');

  it('when a rule is daily, then it plays once each local day of the window, with stable keys', () => {
    const out = expandRules([rule()], from, until);
    assert.equal(out.length, 7);
    assert.equal(out[0]?.key, '7@2026-11-23T06:00:00');
    assert.equal(out[6]?.key, '7@2026-11-29T06:00:00');
    assert.ok(out.every((x) => localTime(x.start) === '06:00:00'));
  });

  it('when a rule is weekly on Monday and Thursday, then only those days', () => {
    const out = expandRules([rule({ weekdays: 1 | 8 })], from, until);
    assert.deepEqual(
      out.map((x) => localDate(x.start)),
      ['2026-11-23', '2026-11-26'],
    );
  });

  it('when a rule has a date range, then it plays only inside it, both ends included', () => {
    const out = expandRules([rule({ startDate: '2026-11-25', endDate: '2026-11-26' })], from, until);
    assert.deepEqual(
      out.map((x) => localDate(x.start)),
      ['2026-11-25', '2026-11-26'],
    );
  });

  it('when a rule repeats 3 times, then three plays back to back with a gap, numbered', () => {
    const out = expandRules(
      [rule({ repeat: 3, startDate: '2026-11-23', endDate: '2026-11-23' })],
      from,
      until,
    );
    assert.deepEqual(
      out.map((x) => x.key),
      ['7@2026-11-23T06:00:00#1', '7@2026-11-23T06:00:00#2', '7@2026-11-23T06:00:00#3'],
    );
    assert.equal((out[1]?.start ?? 0) - (out[0]?.start ?? 0), 60_000 + REPEAT_GAP_MS);
  });

  it('when the window starts between two repeats, then only the later repeats are in it', () => {
    const day = fromLocal('2026-11-23', '06:00');
    const out = expandRules([rule({ repeat: 3 })], day + 1, day + 2 * 63_000 + 1);
    assert.deepEqual(
      out.map((x) => x.key),
      ['7@2026-11-23T06:00:00#2', '7@2026-11-23T06:00:00#3'],
    );
  });

  it('when the time is just before local midnight, then it belongs to that local date', () => {
    const out = expandRules([rule({ startTime: '23:59:30', endDate: '2026-11-23' })], from, until);
    assert.equal(out.length, 1);
    assert.equal(new Date(out[0]?.start ?? 0).toISOString(), '2026-11-23T16:59:30.000Z');
  });

  it('when the window is empty or reversed, then nothing', () => {
    assert.deepEqual(expandRules([rule()], until, from), []);
    assert.deepEqual(expandRules([rule()], from, from), []);
  });

  // Circular 39/2020/TT-BTTTT (DOMAIN.md "Loudspeakers"): a priority bulletin is first in the
  // programme it joins, not merely first among plays that happen to wait at the same moment.
  describe('when a priority bulletin joins a programme', () => {
    const day = '2026-11-23';
    // The morning sitting: three 3-minute normal bulletins at 06:00, 06:05, 06:10.
    const sitting = [
      rule({ entryId: 1, programmeId: 9, startTime: '06:00', durationMs: 180_000, endDate: day }),
      rule({ entryId: 2, programmeId: 9, startTime: '06:05', durationMs: 180_000, endDate: day }),
      rule({ entryId: 3, programmeId: 9, startTime: '06:10', durationMs: 180_000, endDate: day }),
    ];
    const order = (rules: ScheduleRule[]) =>
      resolveTimeline(expandRules(rules, from, until), { maxDelayMs: 15 * 60_000 }).plays.map((p) => [
        p.entryId,
        localTime(p.at),
      ]);

    it('scheduled at the end of the sitting, then it plays first and the others follow it', () => {
      const priority = rule({ entryId: 4, programmeId: 9, priority: 'priority', startTime: '06:13' });
      assert.deepEqual(order([...sitting, { ...priority, endDate: day, durationMs: 120_000 }]), [
        [4, '06:00:00'],
        [1, '06:02:00'],
        [2, '06:05:00'],
        [3, '06:10:00'],
      ]);
    });

    it('scheduled after a silence longer than the sitting gap, then it starts its own sitting', () => {
      const late = rule({
        entryId: 4,
        programmeId: 9,
        priority: 'priority',
        startTime: '06:30',
        endDate: day,
      });
      assert.deepEqual(order([...sitting, late]).at(-1), [4, '06:30:00']);
    });

    it('in another programme at the same hour, then it does not jump ahead of this one', () => {
      const other = rule({
        entryId: 4,
        programmeId: 8,
        priority: 'priority',
        startTime: '06:13',
        endDate: day,
      });
      assert.deepEqual(order([...sitting, other]).at(-1), [4, '06:13:00']);
    });

    it('a normal bulletin later in the sitting, then nothing moves', () => {
      const normal = rule({ entryId: 4, programmeId: 9, startTime: '06:13', endDate: day });
      assert.deepEqual(order([...sitting, normal]).at(-1), [4, '06:13:00']);
    });
  });
});

describe('resolving collisions on one speaker', () => {
  const opts = { maxDelayMs: 100 };

  it('when nothing overlaps, then everything plays on time', () => {
    const t = resolveTimeline([c('a', 'normal', 0, 10), c('b', 'normal', 20, 10)], opts);
    assert.deepEqual(brief(t), {
      plays: [
        ['a', 0, 10, null],
        ['b', 20, 30, null],
      ],
      dropped: [],
    });
  });

  it('when two start together, then the priority bulletin goes first and the normal one follows', () => {
    const t = resolveTimeline([c('n', 'normal', 0, 10), c('p', 'priority', 0, 10)], opts);
    assert.deepEqual(brief(t).plays, [
      ['p', 0, 10, null],
      ['n', 10, 20, null],
    ]);
  });

  it('when a priority bulletin starts during a normal one, then it waits: only emergencies pre-empt', () => {
    const t = resolveTimeline([c('n', 'normal', 0, 10), c('p', 'priority', 5, 10)], opts);
    assert.deepEqual(brief(t).plays, [
      ['n', 0, 10, null],
      ['p', 10, 20, null],
    ]);
  });

  it('when several wait, then priority beats an earlier start', () => {
    const t = resolveTimeline(
      [c('long', 'normal', 0, 50), c('n-early', 'normal', 10, 5), c('p-late', 'priority', 20, 5)],
      opts,
    );
    assert.deepEqual(
      brief(t).plays.map((p) => p[0]),
      ['long', 'p-late', 'n-early'],
    );
  });

  it('when an emergency starts during a normal bulletin, then the bulletin is cut at that instant and not resumed', () => {
    const t = resolveTimeline([c('n', 'normal', 0, 30), c('e', 'emergency', 10, 5)], opts);
    assert.deepEqual(brief(t).plays, [
      ['n', 0, 10, 'e'],
      ['e', 10, 15, null],
    ]);
  });

  it('when something is due during an emergency, then it waits for the emergency to end', () => {
    const t = resolveTimeline([c('e', 'emergency', 0, 30), c('n', 'normal', 10, 5)], opts);
    assert.deepEqual(brief(t).plays, [
      ['e', 0, 30, null],
      ['n', 30, 35, null],
    ]);
  });

  it('when two emergencies overlap, then the second waits: an emergency is never cut', () => {
    const t = resolveTimeline([c('e2', 'emergency', 5, 10), c('e1', 'emergency', 0, 10)], opts);
    assert.deepEqual(brief(t).plays, [
      ['e1', 0, 10, null],
      ['e2', 10, 20, null],
    ]);
  });

  it('when a bulletin would start later than the allowed delay, then it is dropped', () => {
    const t = resolveTimeline([c('long', 'normal', 0, 500), c('n', 'normal', 10, 5)], opts);
    assert.deepEqual(brief(t), { plays: [['long', 0, 500, null]], dropped: ['n'] });
  });

  it('when priority and start are equal, then the earlier rule goes first, then the key', () => {
    const t = resolveTimeline(
      [c('b', 'normal', 0, 5, 2), c('a', 'normal', 0, 5, 2), c('z', 'normal', 0, 5, 1)],
      opts,
    );
    assert.deepEqual(
      brief(t).plays.map((p) => p[0]),
      ['z', 'a', 'b'],
    );
  });

  /**
   * Every combination of three candidates drawn from 3 priorities × 3 starts × 2 durations
   * (18³ = 5,832 sets), each resolved in all 6 input orders, against the rules as invariants.
   */
  it('when every small combination is resolved in every order, then the rules always hold', () => {
    const kinds: [Priority, number, number][] = [];
    for (const p of ['normal', 'priority', 'emergency'] as const)
      for (const s of [0, 4, 8]) for (const d of [3, 6]) kinds.push([p, s, d]);
    const maxDelayMs = 7;
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    let checked = 0;
    for (const x of kinds)
      for (const y of kinds)
        for (const z of kinds) {
          const set = [x, y, z].map(([p, s, d], i) => c(`k${i}`, p, s, d, i));
          const reference = resolveTimeline(set, { maxDelayMs });
          for (const order of orders) {
            const again = resolveTimeline(
              order.map((i) => set[i] as Candidate),
              { maxDelayMs },
            );
            assert.deepEqual(again, reference, 'the input order changed the timeline');
          }
          checkInvariants(set, reference, maxDelayMs);
          checked++;
        }
    assert.equal(checked, 5832);
  });
});

function checkInvariants(set: Candidate[], t: Timeline, maxDelayMs: number) {
  const where = JSON.stringify(set.map((s) => [s.key, s.priority, s.start, s.durationMs]));
  // Each candidate is played or dropped, exactly once.
  const keys = [...t.plays.map((p) => p.key), ...t.dropped.map((d) => d.key)].sort();
  assert.deepEqual(keys, set.map((s) => s.key).sort(), where);
  const em = t.plays.filter((p) => p.priority === 'emergency');
  const others = t.plays.filter((p) => p.priority !== 'emergency');
  // Emergencies are never dropped, never cut, never overlap, and start on time unless one is playing.
  assert.ok(!t.dropped.some((d) => d.priority === 'emergency'), where);
  for (const [i, e] of em.entries()) {
    assert.equal(e.endsAt, e.at + e.durationMs, where);
    const prev = em[i - 1];
    if (prev) assert.ok(prev.endsAt <= e.at, where);
    if (e.at !== e.start) assert.equal(e.at, prev?.endsAt, where);
  }
  for (const p of t.plays) assert.ok(p.at >= p.start, `${where}: started early`);
  for (const p of others) {
    // Never later than allowed; never plays during an emergency.
    assert.ok(p.at - p.start <= maxDelayMs, `${where}: too late`);
    for (const e of em) assert.ok(p.endsAt <= e.at || p.at >= e.endsAt, `${where}: overlaps an emergency`);
    // Cut exactly when, and only when, an emergency begins inside it.
    const cutter = em.find((e) => e.at > p.at && e.at < p.at + p.durationMs);
    assert.equal(p.interruptedBy, cutter?.key, where);
    assert.equal(p.endsAt, cutter ? cutter.at : p.at + p.durationMs, where);
  }
  const sorted = [...others].sort((a, b) => a.at - b.at);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok((sorted[i - 1] as Planned).endsAt <= (sorted[i] as Planned).at, `${where}: overlap`);
  }
  // Work-conserving: a late start is explained by a play or an emergency ending at that moment.
  for (const p of others) {
    if (p.at === p.start) continue;
    assert.ok(
      t.plays.some((q) => q !== p && q.endsAt === p.at),
      `${where}: idle while ${p.key} waited`,
    );
  }
  // Priority: nothing of higher rank that was already waiting plays after a lower one began.
  for (const a of others)
    for (const b of others) {
      if (b.at > a.at && b.start <= a.at) {
        assert.ok(PRIORITY_RANK[b.priority] <= PRIORITY_RANK[a.priority], `${where}: ${b.key} jumped`);
      }
    }
}
