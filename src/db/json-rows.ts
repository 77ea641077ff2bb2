// Set-at-a-time statements over many rows, without per-row query building: rows travel as ONE JSON
// parameter (an array of arrays) that the database reads back as a table (SQLite's json_each, PostgreSQL's
// jsonb_array_elements), so a batch of any size is one statement with SQL text that is the same every time
// (compiled and prepared once) and no parameter limit to stay under (SQLite's 32766, PostgreSQL's 65535).
// Inserts on SQLite bind multi-row VALUES instead, which SQLite reads faster than JSON cells.
import { CompiledQuery, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from './database.ts';
import { isSqlite } from './planner.ts';

const isPostgres = (db: Db) => !isSqlite(db);

/** `rows` as a table source aliased `r`, each row's JSON array in `r.value` (read cells with jsonCell). */
export function jsonRows(db: Db, rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  return isPostgres(db) ? sql`jsonb_array_elements(${json}::jsonb) AS r(value)` : sql`json_each(${json}) AS r`;
}

/** Strings as a one-column table aliased `r` with the column `value` (text). */
function jsonValues(db: Db, values: readonly string[]): RawBuilder<unknown> {
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

/** Rows per statement on PostgreSQL: bounds the JSON text (a few megabytes) whatever the caller hands in. */
const ROWS_PER_STATEMENT = 10_000;
/** Bound parameters per statement on SQLite (its limit is 32766). */
const SQLITE_PARAMETERS = 32_000;

/**
 * INSERT INTO table (columns) the rows (arrays in column order), with `conflict` (an ON CONFLICT clause,
 * constant text) appended. PostgreSQL gets one JSON parameter per statement; `types` names its integer
 * columns (it reads every JSON cell as text). SQLite gets multi-row VALUES of bound parameters, as many
 * rows as its parameter limit allows, the SQL text built once per row count: there binding is cheaper than
 * extracting each cell from JSON.
 */
export async function insertRows(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { types?: Readonly<Record<string, 'integer' | 'bigint'>>; conflict?: string } = {},
): Promise<void> {
  if (!rows.length) return;
  if (isPostgres(db)) {
    const cells = sql.join(columns.map((column, i) => jsonCell(i, options.types?.[column])));
    const names = sql.join(columns.map((column) => sql.ref(column)));
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const part = rows.slice(i, i + ROWS_PER_STATEMENT);
      await sql`INSERT INTO ${sql.table(table)} (${names}) SELECT ${cells} FROM ${jsonRows(db, part)} ${sql.raw(options.conflict ?? '')}`.execute(db);
    }
    return;
  }
  const per = Math.max(1, Math.min(1000, Math.floor(SQLITE_PARAMETERS / columns.length)));
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const text = (count: number) => `${head}${Array.from({ length: count }, () => tuple).join(', ')} ${options.conflict ?? ''}`;
  const full = rows.length >= per ? text(per) : '';
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const parameters: unknown[] = [];
    for (const row of part) for (const cell of row) parameters.push(cell);
    await db.executeQuery(CompiledQuery.raw(part.length === per ? full : text(part.length), parameters));
  }
}

/**
 * `column IN (values)` with one bound parameter: a JSON list on SQLite, an array on PostgreSQL (there
 * `= ANY(array)` keeps the index plan; an IN over a set-returning function can be planned as a nested loop
 * that re-reads the list for every row).
 */
export function inValues(db: Db, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  return isPostgres(db)
    ? sql<SqlBool>`${sql.ref(column)} = ANY(${[...values]}::text[])`
    : sql<SqlBool>`${sql.ref(column)} IN (SELECT r.value FROM ${jsonValues(db, values)})`;
}
