// Adapts node:sqlite's DatabaseSync to the small interface Kysely's SqliteDialect expects, so SQLite needs
// no native addon. Also applies the pragmas every connection must have.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function openSqlite(file: string): DatabaseSync {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

export function wrapSqlite(db: DatabaseSync): SqliteDatabase {
  // Statements and their wrappers are cached per SQL text: Kysely asks for one on every query, and
  // `columns()` allocates, so the reader flag is computed once.
  const cache = new Map<string, SqliteStatement>();
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  const wrap = (statement: StatementSync): SqliteStatement => ({
    reader: statement.columns().length > 0,
    all: (p) => statement.all(...params(p)),
    run: (p) => statement.run(...params(p)),
    iterate: (p) => statement.iterate(...params(p)),
  });
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        statement = wrap(db.prepare(sql));
        if (cache.size > 500) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
