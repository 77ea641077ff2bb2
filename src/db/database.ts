// createDatabase(config): a Kysely instance over SQLite (node:sqlite, WAL) or PostgreSQL (pg), plus the
// migrator that runs at start-up and from `listgate migrate`.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { type MigrationResultSet, Migrator } from 'kysely/migration';
import { createRequire } from 'node:module';
import type pgModule from 'pg';
import { migrations } from './migrations/index.ts';
import { createDatabaseHealth, type DatabaseHealth, type HealthLog } from './database-health.ts';
import type { Database } from './schema.ts';
import { openSqlite, wrapSqlite } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export type Db = Kysely<Database>;

export type DatabaseHandle = {
  db: Db;
  dialect: Dialect;
  /** Path of the SQLite file, or null on PostgreSQL. */
  file: string | null;
  /** Outage and full-disk episodes as this node sees them (read by /ready and the error handler). */
  health: DatabaseHealth;
  destroy(): Promise<void>;
};

// pg is loaded only for a PostgreSQL database: a SQLite install starts without it.
const requireModule = createRequire(import.meta.url);

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** How long a new PostgreSQL connection may take before the request fails (503) instead of hanging. */
const CONNECT_TIMEOUT_MS = 5000;

export function createDatabase(databaseUrl: string, options: { poolSize?: number; log?: HealthLog } = {}): DatabaseHandle {
  const health = createDatabaseHealth(options.log);
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    const raw = openSqlite(file);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: wrapSqlite(raw, health) }) });
    return { db, dialect: 'sqlite', file, health, destroy: () => db.destroy() };
  }
  const pg = requireModule('pg') as typeof pgModule;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    types: {
      // bigint columns (counters, epoch seconds) fit in a double; return numbers, not strings
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the server drops (restart, failover, an administrator) is an 'error' event: on the pool for
  // an idle client, on the client itself for a checked-out one. Unheard, either would end the process. The
  // query in flight fails on its own (503), and the pool discards the broken client and connects anew.
  const dropped = (error: unknown) => health.failed('unavailable', error);
  pool.on('error', dropped);
  pool.on('connect', (client) => {
    client.on('error', dropped);
    health.recovered('unavailable');
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', file: null, health, destroy: () => db.destroy() };
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
