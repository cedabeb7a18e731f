import { and, asc, desc, eq, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '#platform/db/client.ts';
import type { ProcedureDefinition } from './procedures.schemas.ts';
import { procedures } from './procedures.tables.ts';

export type ProcedureRow = typeof procedures.$inferSelect;

export async function findByCode(db: Db, code: string) {
  const [row] = await db.select().from(procedures).where(eq(procedures.code, code));
  return row;
}

export async function listRows(db: Db) {
  return db.select().from(procedures).orderBy(asc(procedures.code));
}

export async function countRows(db: Db) {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(procedures);
  return row?.n ?? 0;
}

const summary = {
  code: procedures.code,
  name: procedures.name,
  nameEn: sql<string | null>`${procedures.definition} -> 'name' ->> 'en'`,
  field: procedures.field,
  days: procedures.days,
  onlineLevel: procedures.onlineLevel,
  competentLevel: procedures.competentLevel,
  verified: procedures.verified,
};

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Catalogue search that ignores diacritics and tone-mark placement: every word typed must occur
 * in the name ("khai sinh dang ky" finds "Đăng ký khai sinh"), or the text starts a code. Names
 * holding the words as one phrase come first, shorter (more specific) names before longer ones.
 * Uses the trigram index on search_key(name).
 */
export async function searchSummaries(db: Db, opts: { q?: string | undefined; field?: string | undefined }) {
  const where: (SQL | undefined)[] = [opts.field ? eq(procedures.field, opts.field) : undefined];
  const order: SQL[] = [];
  const q = opts.q?.trim().normalize('NFC') ?? '';
  const words = q
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 10);
  if (q) {
    const name = sql`search_key(${procedures.name})`;
    const byWords = words.length
      ? and(...words.map((w) => sql`${name} like '%' || search_key(${likeEscape(w)}) || '%'`))
      : undefined;
    where.push(or(byWords, sql`${procedures.code} like ${`${likeEscape(q)}%`}`));
    order.push(
      sql`(${name} like '%' || search_key(${likeEscape(words.join(' '))}) || '%') desc`,
      sql`length(${procedures.name})`,
    );
  }
  order.push(sql`search_key(${procedures.field})`, sql`search_key(${procedures.name})`);
  return db
    .select(summary)
    .from(procedures)
    .where(and(...where))
    .orderBy(...order)
    .limit(500);
}

export async function listFields(db: Db) {
  return db
    .select({ field: procedures.field, count: sql<number>`count(*)::int` })
    .from(procedures)
    .groupBy(procedures.field)
    .orderBy(desc(sql`count(*)`), sql`search_key(${procedures.field})`);
}

function columnsOf(def: ProcedureDefinition) {
  return {
    code: def.code,
    name: def.name.vi,
    field: def.field,
    onlineLevel: def.onlineLevel,
    days: def.days,
    competentLevel: def.competentLevel,
    verified: def.verified,
    definition: def,
  };
}

/** Insert unless the code exists; returns the row, or nothing when it was there already. */
export async function insertProcedure(
  db: Db,
  def: ProcedureDefinition,
  at: Date,
  verifiedBy: string | null,
): Promise<ProcedureRow | undefined> {
  const [row] = await db
    .insert(procedures)
    .values({
      ...columnsOf(def),
      verifiedAt: def.verified ? at : null,
      verifiedBy: def.verified ? verifiedBy : null,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing({ target: procedures.code })
    .returning();
  return row;
}

/**
 * Replace a definition and bump the version, only if the row is still at `version` (so two
 * editors cannot overwrite each other unknowingly). Returns nothing when someone got there first.
 */
export async function updateProcedure(
  db: Db,
  current: ProcedureRow,
  def: ProcedureDefinition,
  at: Date,
  verifiedBy: string | null,
): Promise<ProcedureRow | undefined> {
  const becameVerified = def.verified && !current.verified;
  const [row] = await db
    .update(procedures)
    .set({
      ...columnsOf(def),
      verifiedAt: def.verified ? (becameVerified ? at : current.verifiedAt) : null,
      verifiedBy: def.verified ? (becameVerified ? verifiedBy : current.verifiedBy) : null,
      version: sql`${procedures.version} + 1`,
      updatedAt: at,
    })
    .where(and(eq(procedures.id, current.id), eq(procedures.version, current.version)))
    .returning();
  return row;
}
