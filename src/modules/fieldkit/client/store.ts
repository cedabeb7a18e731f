/**
 * The kit's local copy in IndexedDB (through `idb`): one database per person on this phone, so two
 * people sharing a phone never send or see each other's changes. The outbox is the only place an
 * unsent change lives; nothing deletes it but the server's answer (or the member, after a warning).
 */
import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from 'idb';
import type { KitProcedure } from '../assisted.service.ts';
import type {
  ChecklistOut,
  CommandResult,
  HamletOut,
  HouseholdOut,
  PullResponse,
} from '../fieldkit.schemas.ts';
import type { Command } from '../kit-forms.ts';

export const DB_PREFIX = 'xaso-fieldkit-u';
const DB_VERSION = 2;

export interface OutboxEntry {
  seq?: number;
  command: Command;
  householdId: string;
  createdAt: string;
  tries: number;
}

export interface RefusedEntry {
  id: string;
  command: Command;
  householdId: string;
  result: CommandResult;
  at: string;
}

/** A photo waiting to be sent (resized on the phone), by the upload id the filing names. */
export interface BlobEntry {
  id: string;
  blob: Blob;
  name: string;
}

export interface Filed {
  id: string;
  code: string;
  name: string;
  at: string;
}

export interface Meta {
  clientId: string;
  catalogue: { version: string; procedures: KitProcedure[] };
  filed: Filed[];
  cursor: string;
  hamlets: HamletOut[];
  notSynced: HamletOut[];
  checklist: ChecklistOut;
  lastPullAt: string;
  userName: string;
}

interface KitSchema extends DBSchema {
  meta: { key: string; value: unknown };
  households: { key: string; value: HouseholdOut; indexes: { hamlet: number } };
  outbox: { key: number; value: OutboxEntry; indexes: { household: string } };
  refused: { key: string; value: RefusedEntry };
  blobs: { key: string; value: BlobEntry };
}

export type KitDb = IDBPDatabase<KitSchema>;

export function openKit(userId: number): Promise<KitDb> {
  return openDB<KitSchema>(`${DB_PREFIX}${userId}`, DB_VERSION, {
    // Each version adds to the one before: a phone that kept version 1 (with changes waiting in its
    // outbox) upgrades in place, and nothing is dropped.
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('meta');
        db.createObjectStore('households', { keyPath: 'id' }).createIndex('hamlet', 'hamletId');
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex(
          'household',
          'householdId',
        );
        db.createObjectStore('refused', { keyPath: 'id' });
      }
      if (oldVersion < 2) db.createObjectStore('blobs', { keyPath: 'id' });
    },
  });
}

export async function getMeta<K extends keyof Meta>(db: KitDb, key: K): Promise<Meta[K] | undefined> {
  return (await db.get('meta', key)) as Meta[K] | undefined;
}

export async function setMeta<K extends keyof Meta>(db: KitDb, key: K, value: Meta[K]) {
  await db.put('meta', value, key);
}

export const pendingCount = (db: KitDb) => db.count('outbox');
export const refusedList = (db: KitDb) => db.getAll('refused');

/**
 * Keep a change: the outbox entry (and the photos it names) are written in one transaction before
 * anything tells the member it is saved.
 */
export async function enqueue(db: KitDb, command: Command, householdId: string, blobs: BlobEntry[] = []) {
  const tx = db.transaction(['outbox', 'blobs'], 'readwrite');
  for (const b of blobs) await tx.objectStore('blobs').put(b);
  await tx.objectStore('outbox').add({ command, householdId, createdAt: new Date().toISOString(), tries: 0 });
  await tx.done;
}

export const blobById = (db: KitDb, id: string) => db.get('blobs', id);
export const blobSizes = async (db: KitDb) => (await db.getAll('blobs')).map((b) => b.blob.size);

/** The oldest waiting changes, in the order they were made. */
export async function nextBatch(db: KitDb, max: number) {
  const out: OutboxEntry[] = [];
  let cursor = await db.transaction('outbox').store.openCursor();
  while (cursor && out.length < max) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/** The server answered these: they leave the outbox (refused ones go to the refused list). */
export async function settle(db: KitDb, sent: OutboxEntry[], results: CommandResult[]) {
  const tx = db.transaction(['outbox', 'refused', 'blobs', 'meta'], 'readwrite');
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const e of sent) {
    const r = byId.get(e.command.id);
    if (!r || e.seq === undefined) continue;
    if (r.status === 'rejected') {
      await tx.objectStore('refused').put({
        id: e.command.id,
        command: e.command,
        householdId: e.householdId,
        result: r,
        at: new Date().toISOString(),
      });
    }
    await tx.objectStore('outbox').delete(e.seq);
    if (e.command.type === 'dossier.assist') {
      // Its photos are on the server now (or the filing was refused): they leave the phone.
      for (const id of uploadIdsOf(e.command)) await tx.objectStore('blobs').delete(id);
      if (r.dossierCode) {
        const filed = ((await tx.objectStore('meta').get('filed')) as Filed[] | undefined) ?? [];
        const applicant = e.command.data.applicant as { name?: string };
        filed.unshift({
          id: e.command.id,
          code: r.dossierCode,
          name: applicant.name ?? '',
          at: new Date().toISOString(),
        });
        await tx.objectStore('meta').put(filed.slice(0, 20), 'filed');
      }
    }
  }
  await tx.done;
}

/** The photos a filing names: its papers and a photographed consent. */
export function uploadIdsOf(command: Command): string[] {
  if (command.type !== 'dossier.assist') return [];
  const d = command.data as { files?: { uploadId: string }[]; consent?: { kind: string; uploadId?: string } };
  return [...(d.files ?? []).map((f) => f.uploadId), ...(d.consent?.uploadId ? [d.consent.uploadId] : [])];
}

export async function countTry(db: KitDb, sent: OutboxEntry[]) {
  const tx = db.transaction('outbox', 'readwrite');
  for (const e of sent) if (e.seq !== undefined) await tx.store.put({ ...e, tries: e.tries + 1 });
  await tx.done;
}

/** One page of a pull: the server's copies replace the local ones; tombstones remove them. */
export async function applyPull(db: KitDb, page: PullResponse) {
  const tx = db.transaction(['households', 'meta'], 'readwrite');
  const store = tx.objectStore('households');
  for (const h of page.households) {
    if (h.deleted) await store.delete(h.id);
    else await store.put(h);
  }
  // Hamlets no longer the member's: what the phone held of them goes.
  const keep = new Set(page.hamlets.map((h) => h.id));
  let cursor = await store.openCursor();
  while (cursor) {
    if (!keep.has(cursor.value.hamletId)) await cursor.delete();
    cursor = await cursor.continue();
  }
  const meta = tx.objectStore('meta');
  await meta.put(page.cursor, 'cursor');
  await meta.put(page.hamlets, 'hamlets');
  await meta.put(page.notSynced, 'notSynced');
  if (page.checklist) await meta.put(page.checklist, 'checklist');
  await tx.done;
}

export async function householdsOf(db: KitDb, hamletId: number) {
  return db.getAllFromIndex('households', 'hamlet', hamletId);
}

export async function householdById(db: KitDb, id: string) {
  return db.get('households', id);
}

export async function outboxOf(db: KitDb, householdId?: string) {
  return householdId ? db.getAllFromIndex('outbox', 'household', householdId) : db.getAll('outbox');
}

/** Every kit database on this phone and how many changes each still holds (for a new version's check). */
export async function pendingEverywhere(): Promise<number> {
  const list = indexedDB.databases ? await indexedDB.databases() : [];
  let total = 0;
  for (const d of list) {
    if (!d.name?.startsWith(DB_PREFIX)) continue;
    const db = await openDB(d.name);
    try {
      if (db.objectStoreNames.contains('outbox')) total += await db.count('outbox');
    } finally {
      db.close();
    }
  }
  return total;
}

export async function erase(db: KitDb) {
  const name = db.name;
  db.close();
  await deleteDB(name);
}
