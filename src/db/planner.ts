// Terms the query planner must not answer through an index. SQLite keeps no statistics here (no ANALYZE),
// so it takes an equality on an index's first column for a selective one whatever the data; PostgreSQL
// plans by its statistics and gets the plain term.
import { type RawBuilder, SqliteAdapter, sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * `column` as a filter only: on SQLite the unary + (its documented way to disqualify a term from index use)
 * keeps a walk in primary-key order on the primary key, instead of reading every row the equality selects
 * through another index and sorting them for each page.
 */
export function filterOnly(db: Db, column: string): RawBuilder<unknown> {
  return db.getExecutor().adapter instanceof SqliteAdapter ? sql`+${sql.ref(column)}` : sql.ref(column);
}
