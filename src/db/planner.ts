// Steering the query planners where their defaults fail on data they have no statistics for. SQLite keeps
// none here (no ANALYZE): it takes an equality on an index's first column for a selective one, whatever the
// data. PostgreSQL has none for a table just loaded in bulk until autovacuum's next ANALYZE, and then takes
// the table for a small one.
import { type RawBuilder, SqliteAdapter, sql } from 'kysely';
import type { Db } from './database.ts';

/** Whether `db` (a Kysely instance or a transaction) talks to SQLite; the one dialect check of the project. */
export function isSqlite(db: Pick<Db, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

/**
 * `column` as a filter only: on SQLite the unary + (its documented way to disqualify a term from index use)
 * keeps a walk in primary-key order on the primary key, instead of reading every row the equality selects
 * through another index and sorting them for each page. PostgreSQL gets the plain column.
 */
export function filterOnly(db: Db, column: string): RawBuilder<unknown> {
  return isSqlite(db) ? sql`+${sql.ref(column)}` : sql.ref(column);
}

/**
 * Refreshes PostgreSQL's statistics of `tables` (ANALYZE: a sample of the rows, a fraction of a second)
 * after a bulk load grew them, so that the next lookups are planned for the table's real size rather than
 * as scans of a small one. SQLite keeps none: nothing to do.
 */
export async function refreshStatistics(db: Db, tables: readonly string[]): Promise<void> {
  if (isSqlite(db) || !tables.length) return;
  await sql`ANALYZE ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
}

/**
 * Runs `query` with PostgreSQL's sorts priced out (SET LOCAL enable_sort = off, reset after), so that a page
 * in index order reads the index in order rather than every row of the range and a sort. Call inside a
 * transaction (outside one, PostgreSQL ignores SET LOCAL). SQLite just runs the query.
 */
export async function inIndexOrder<T>(db: Db, query: () => Promise<T>): Promise<T> {
  if (isSqlite(db)) return query();
  await sql`SET LOCAL enable_sort = off`.execute(db);
  try {
    return await query();
  } finally {
    await sql`RESET enable_sort`.execute(db);
  }
}
