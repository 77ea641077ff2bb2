// Adapts node:sqlite's DatabaseSync to the small interface Kysely's SqliteDialect expects, so SQLite needs
// no native addon. Also applies the pragmas every connection must have, creates the file owner-only, keeps
// the real error of a failed transaction, and tells the database health when the disk is full.
import { closeSync, existsSync, openSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
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

export function wrapSqlite(db: DatabaseSync, health?: DatabaseHealth): SqliteDatabase {
  // Statements and their wrappers are cached per SQL text: Kysely asks for one on every query, and
  // `columns()` allocates, so the reader flag is computed once.
  const cache = new Map<string, SqliteStatement>();
  const params = (p: ReadonlyArray<unknown>) => p as SQLInputValue[];
  function watched<T>(call: () => T): T {
    let result: T;
    try {
      result = call();
    } catch (error) {
      if (classifyDatabaseError(error) === 'storage_full') health?.failed('storage_full', error);
      throw error;
    }
    // The episode ends when /ready sees free space again, not on one small write that happened to fit.
    return result;
  }
  const wrap = (statement: StatementSync): SqliteStatement => {
    const columns = statement.columns();
    if (!columns.length) {
      return {
        reader: false,
        all: (p) => watched(() => statement.all(...params(p))),
        run: (p) => watched(() => statement.run(...params(p))),
        iterate: (p) => statement.iterate(...params(p)),
      };
    }
    // node:sqlite builds each row object through V8's API, which makes it a dictionary-mode object: every
    // later property read is a hash lookup (profile of a 500-contact page: reading the rows cost more than
    // fetching them). Rows come as arrays instead and become objects of one fixed shape.
    statement.setReturnArrays(true);
    const toRow = rowMaker(columns.map((c) => c.name));
    const rows = (arrays: unknown[]) => {
      const out = new Array(arrays.length);
      for (let i = 0; i < arrays.length; i++) out[i] = toRow(arrays[i] as SQLOutputValue[]);
      return out;
    };
    return {
      reader: true,
      all: (p) => watched(() => rows(statement.all(...params(p)))),
      run: (p) => watched(() => statement.run(...params(p))),
      *iterate(p) {
        for (const array of statement.iterate(...params(p))) yield toRow(array as unknown as SQLOutputValue[]);
      },
    };
  };
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
        statement = /^\s*rollback\s*;?\s*$/i.test(sql) ? rollback(prepared) : wrap(prepared);
        if (cache.size > 500) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * A function that turns a row array into an object with one property per column, written once per
 * statement as an object literal so that every row shares one hidden class. A repeated column name keeps
 * its last value, as node:sqlite's own row objects do.
 */
function rowMaker(names: readonly string[]): (values: SQLOutputValue[]) => Record<string, SQLOutputValue> {
  // `__proto__` in a literal would set the prototype: such a column is written as a computed key instead.
  const key = (name: string) => (name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name));
  const fields = names.map((name, i) => `${key(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as (values: SQLOutputValue[]) => Record<string, SQLOutputValue>;
}
