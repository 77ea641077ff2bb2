// Reads a whole database through Kysely's introspection (every table, every column, both dialects): a text
// dump to search for secrets, and row counts to prove that a refused request wrote nothing.
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

async function tableNames(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_')).sort();
}

/** Every row of every table as `table: JSON`, one line per row. */
export async function dumpDatabase(db: Db): Promise<string> {
  const lines: string[] = [];
  for (const table of await tableNames(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) lines.push(`${table}: ${JSON.stringify(row)}`);
  }
  return lines.join('\n');
}

/** Rows per table, for before/after comparisons. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tableNames(db)) {
    const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(result.rows[0]?.n ?? 0);
  }
  return counts;
}
