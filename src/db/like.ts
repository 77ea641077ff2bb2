// Case-insensitive substring search with the searched text escaped, so that `%` and `_` typed into a
// search box match themselves and never act as wildcards. Same SQL on SQLite and PostgreSQL.
import { type RawBuilder, sql } from 'kysely';

/** `text` with LIKE's wildcards and the escape character itself escaped (escape character: `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `lower(column) LIKE '%text%' ESCAPE '\'`: true when the column contains `text`, ignoring case. */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape ${'\\'}`;
}
