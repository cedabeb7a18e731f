import type { SqlRunner } from '#platform/db/client.ts';
import type { Events } from '#platform/events.ts';
import type { Text } from './indicators.schemas.ts';

/**
 * How a module fills data elements from its own work (decision 027).
 *
 * A collector says, for a subtree of places and a range of days, how much of each element
 * happened at each place on each day: rows (element, place_path, day, value), additive, so a day's
 * rows add up to a week or a month. It says it as a SELECT over the views the module publishes
 * (`facts`, parameters $1 the subtree's path prefix, $2 the first day, $3 the day after the last),
 * or as a function over its index.ts when it has no view. The engine turns the rows into monthly
 * and ISO-weekly values in one statement, replacing what it wrote before for those places and
 * periods, and never touching approved (frozen) values.
 *
 * It also says when its facts change: `watch` subscribes to the module's events and calls `touch`
 * with the place and the days a change affects. Touched months are refreshed within a fraction of
 * a second, in the process that saw the event; a periodic sweep of the last two months heals what
 * a crash between a commit and its event would have lost.
 */
export interface CollectedElement {
  code: string;
  name: Text;
  description?: Text;
  valueType: 'integer' | 'number';
}

export interface FactRow {
  element: string;
  placePath: string;
  /** 'YYYY-MM-DD', the day in Vietnam. */
  day: string;
  value: number;
}

export interface FactQuery {
  /** The subtree's path prefix, e.g. '/1/20/'. */
  path: string;
  /** First day, 'YYYY-MM-DD'. */
  from: string;
  /** The day after the last one. */
  to: string;
}

export type Touch = (placePath: string, days: (string | null | undefined)[]) => void;

export interface Collector {
  /** The source written on each value: 'dossiers', 'feedback', … */
  source: string;
  name: Text;
  elements: CollectedElement[];
  facts: string | ((sql: SqlRunner, q: FactQuery) => Promise<FactRow[]>);
  /** The first day with facts (for the first fill), or null when there are none yet. */
  firstDay(sql: SqlRunner): Promise<string | null>;
  watch?(events: Events, sql: SqlRunner, touch: Touch): void;
}

const registry = new Map<string, Collector>();

/** Add a collector (a module calls this from its composition; built-in ones are added by index.ts). */
export function registerCollector(c: Collector) {
  registry.set(c.source, c);
}

export function listCollectors(): Collector[] {
  return [...registry.values()];
}

export function findCollectedElement(
  code: string,
): { collector: Collector; element: CollectedElement } | undefined {
  for (const collector of registry.values()) {
    const element = collector.elements.find((e) => e.code === code);
    if (element) return { collector, element };
  }
  return undefined;
}
