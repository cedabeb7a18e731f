/**
 * Small in-process caches, one per database, for settings that change a few times a year (the
 * calendar's year overrides, SMS templates, agency codes, places) and for rows that never change
 * (procedure snapshots). A write made by this process clears its cache at once; another instance
 * sees it within the time-to-live. Keyed by the database object, so tests and bench runs that open
 * several databases in one process never share entries.
 */
export interface DbCache<V> {
  get(db: object, key: string, load: () => Promise<V>): Promise<V>;
  clear(db: object): void;
}

export function dbCache<V>(ttlMs: number, maxEntries = 5000): DbCache<V> {
  const stores = new WeakMap<object, Map<string, { value: V; until: number }>>();
  return {
    async get(db, key, load) {
      let store = stores.get(db);
      if (!store) {
        store = new Map();
        stores.set(db, store);
      }
      const now = Date.now();
      const hit = store.get(key);
      if (hit && hit.until > now) return hit.value;
      const value = await load();
      if (store.size >= maxEntries) store.clear();
      store.set(key, { value, until: now + ttlMs });
      return value;
    },
    clear(db) {
      stores.delete(db);
    },
  };
}

/** Settings another instance may change: seen here within this time. */
export const SETTINGS_TTL_MS = 10_000;
