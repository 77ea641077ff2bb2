// Set-at-a-time statements over many rows with ONE bound parameter: the rows travel as a JSON array of
// arrays and the database reads them back as a table (SQLite's json_each, PostgreSQL's
// jsonb_array_elements). One statement per batch whatever its size: no parameter limit to stay under
// (SQLite's 32766, PostgreSQL's 65535), no per-row query building, and SQL text that is the same for every
// batch, so it is compiled and prepared once.
import { PostgresAdapter, type RawBuilder, sql } from 'kysely';
import type { Db } from './database.ts';

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** `rows` as a table source aliased `r`, each row's JSON array in `r.value` (read cells with jsonCell). */
export function jsonRows(db: Db, rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  return isPostgres(db) ? sql`jsonb_array_elements(${json}::jsonb) AS r(value)` : sql`json_each(${json}) AS r`;
}

/** Strings as a one-column table aliased `r` with the column `value` (text). */
export function jsonValues(db: Db, values: readonly string[]): RawBuilder<unknown> {
  const json = JSON.stringify(values);
  return isPostgres(db) ? sql`jsonb_array_elements_text(${json}::jsonb) AS r(value)` : sql`json_each(${json}) AS r`;
}

/**
 * Cell `index` of the current `r.value` row: text, or an integer with `integer` (JSON null stays NULL).
 * Both dialects read `->>` with an integer index as the array element.
 */
export function jsonCell(index: number, type?: 'integer' | 'bigint'): RawBuilder<unknown> {
  const cell = sql.raw(`(r.value ->> ${Math.trunc(index)})`);
  return type ? sql`CAST(${cell} AS ${sql.raw(type)})` : cell;
}

/** Rows per statement: bounds the JSON text (a few megabytes) whatever the caller hands in. */
const ROWS_PER_STATEMENT = 10_000;

/**
 * INSERT INTO table (columns) SELECT … FROM the rows, in statements of ROWS_PER_STATEMENT rows. `types`
 * names the integer columns (PostgreSQL reads every cell as text); `conflict` is an ON CONFLICT clause.
 */
export async function insertJsonRows(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { types?: Readonly<Record<string, 'integer' | 'bigint'>>; conflict?: RawBuilder<unknown> } = {},
): Promise<void> {
  const cells = sql.join(columns.map((column, i) => jsonCell(i, options.types?.[column])));
  const names = sql.join(columns.map((column) => sql.ref(column)));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const part = rows.slice(i, i + ROWS_PER_STATEMENT);
    // `WHERE true`: SQLite needs it to read an ON CONFLICT after INSERT … SELECT … FROM without ambiguity.
    await sql`INSERT INTO ${sql.table(table)} (${names}) SELECT ${cells} FROM ${jsonRows(db, part)} WHERE true ${options.conflict ?? sql``}`.execute(db);
  }
}
