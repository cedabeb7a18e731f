import { like, or, type SQL, sql } from 'drizzle-orm';

/**
 * What the module's queries files share. The queries are split by area, each the only place its
 * tables are reached through the query builder: `broadcast.clusters.queries.ts`, `.devices.` (sync
 * state), `.bulletins.`, `.programmes.`, `.commands.`, `.plays.`, `.alerts.`.
 */

/** One array parameter (drizzle would otherwise expand a JS array into a list of parameters). */
export const p = <T>(values: T[]) => sql.param(values);

/** Rows whose place path lies at or below any of these paths (a grant holds for its subtree). */
export const under = (column: Parameters<typeof like>[0], paths: string[]) =>
  or(...paths.map((path) => like(column, `${path}%`))) as SQL;
