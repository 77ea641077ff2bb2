// Which databases the suites run on: SQLite always; PostgreSQL when TEST_DATABASE_URL is set, and
// required when CI=true. Each test server gets its own fresh database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TestDialect = 'sqlite' | 'postgres';

const pgUrl = process.env.TEST_DATABASE_URL;

if (!pgUrl) {
  if (process.env.CI === 'true') {
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite is required in CI');
  }
  process.stderr.write(
    '\n!!! TEST_DATABASE_URL is not set: the PostgreSQL suites are SKIPPED (SQLite only).\n' +
      '!!! Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.\n\n',
  );
}

export const TEST_DIALECTS: TestDialect[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export type TestDatabase = { url: string; dataDir: string; drop(): Promise<void> };

/** A fresh, empty database of the dialect and a temporary data directory. */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-test-'));
  if (dialect === 'sqlite') {
    return {
      url: `sqlite:${path.join(dataDir, 'listgate.db')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `listgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
