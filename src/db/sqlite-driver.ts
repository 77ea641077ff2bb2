// Adapts node:sqlite's DatabaseSync to the small interface Kysely's SqliteDialect expects, so SQLite needs
// no native addon. Also applies the pragmas every connection must have, creates the file owner-only, keeps
// the real error of a failed transaction, and tells the database health when the disk is full.
import { closeSync, existsSync, openSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { classifyDatabaseError, type DatabaseHealth } from './database-health.ts';

export function openSqlite(file: string): DatabaseSync {
  // Contact data is personal data: the file is created 0600, and SQLite gives its -wal and -shm files the
  // mode of the database file.
  if (file !== ':memory:' && !existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

/** Statements that end a write: their success means the disk took the change. */
const WRITE = /^\s*(insert|update|delete|replace|commit|end)\b/i;

export function wrapSqlite(db: DatabaseSync, health?: DatabaseHealth): SqliteDatabase {
  // Statements and their wrappers are cached per SQL text: Kysely asks for one on every query, and
  // `columns()` allocates, so the reader flag is computed once.
  const cache = new Map<string, SqliteStatement>();
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  function watched<T>(sql: string, call: () => T): T {
    let result: T;
    try {
      result = call();
    } catch (error) {
      if (classifyDatabaseError(error) === 'storage_full') health?.failed('storage_full', error);
      throw error;
    }
    if (health?.storageFull && !db.isTransaction && WRITE.test(sql)) health.recovered('storage_full');
    return result;
  }
  const wrap = (sql: string, statement: StatementSync): SqliteStatement => ({
    reader: statement.columns().length > 0,
    all: (p) => watched(sql, () => statement.all(...params(p))),
    run: (p) => watched(sql, () => statement.run(...params(p))),
    iterate: (p) => statement.iterate(...params(p)),
  });
  // After SQLITE_FULL (or an I/O error) SQLite may already have rolled the transaction back; Kysely's
  // ROLLBACK would then fail with "no transaction is active" and that error would replace the real one.
  const rollback = (statement: StatementSync): SqliteStatement => ({
    reader: false,
    all: () => [],
    run: () => (db.isTransaction ? statement.run() : { changes: 0, lastInsertRowid: 0 }),
    iterate: () => [][Symbol.iterator](),
  });
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (!statement) {
        const prepared = db.prepare(sql);
        statement = /^\s*rollback\s*;?\s*$/i.test(sql) ? rollback(prepared) : wrap(sql, prepared);
        if (cache.size > 500) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
