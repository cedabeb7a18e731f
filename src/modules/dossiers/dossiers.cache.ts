import { LRUCache } from 'lru-cache';

/**
 * Small in-process caches, one per database (bounded, least recently used first out), for settings
 * that change a few times a year (the calendar's year overrides, SMS templates, agency codes, places)
 * and for tracking views checked against their dossier's version. A write made by this process
 * clears its cache at once; another instance sees it within the time-to-live. Keyed by the database object, so tests and bench runs that open
 * several databases in one process never share entries.
 */
export interface DbCache<V extends {}> {
  get(db: object, key: string, load: () => Promise<V>): Promise<V>;
  /** This database's entries, for callers that look up or keep several at once. */
  of(db: object): LRUCache<string, V>;
  clear(db: object): void;
}

export function dbCache<V extends {}>(ttlMs: number, maxEntries = 5000): DbCache<V> {
  const stores = new WeakMap<object, LRUCache<string, V>>();
  const of = (db: object) => {
    let store = stores.get(db);
    if (!store) {
      store = new LRUCache<string, V>({ max: maxEntries, ttl: ttlMs });
      stores.set(db, store);
    }
    return store;
  };
  return {
    of,
    async get(db, key, load) {
      const store = of(db);
      const hit = store.get(key);
      if (hit !== undefined) return hit;
      const value = await load();
      store.set(key, value);
      return value;
    },
    clear(db) {
      stores.delete(db);
    },
  };
}

/** Settings another instance may change: seen here within this time. */
export const SETTINGS_TTL_MS = 10_000;
