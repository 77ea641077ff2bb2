// What the API benchmarks share: a fresh database per run with an account and a private integration, the
// real server as a separate process (so that its memory can be measured apart from the client's), and a token.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/database.ts';
import { createServices } from '../src/services.ts';

const pgAdmin =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh database: a SQLite file in a temporary directory, or a new PostgreSQL database. */
export async function freshDatabase(
  dialect: string,
  dataDir: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite')
    return { url: `sqlite:${path.join(dataDir, 'listgate.db')}`, drop: async () => {} };
  const name = `listgate_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: pgAdmin });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The server's environment for a run: its database and data directory, quiet logs, limits out of the way. */
export function benchEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SECRET_KEYS: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_DAY: '1000000000',
    ACCOUNT_RATE_LIMIT_PER_SECOND: '10000000',
    ACCOUNT_RATE_LIMIT_PER_DAY: '10000000000',
  };
}

/** Migrates the database, then signs up the benchmark's account and registers a private integration on it. */
export async function createBenchAccount(
  env: Record<string, string>,
): Promise<{ accountId: string; clientId: string; clientSecret: string }> {
  const services = await createServices(loadConfig({ ...env, NODE_ENV: 'development' }));
  await migrateToLatest(services.db);
  const account = await services.accounts.signUp({
    email: 'bench@example.com',
    password: 'correct horse battery staple',
  });
  const { app, client_secret } = await services.apps.createApp({
    name: 'Bench',
    kind: 'private',
    ownerAccountId: account.account_id,
  });
  await services.close();
  return { accountId: account.account_id, clientId: app.client_id, clientSecret: client_secret! };
}

export async function startServerProcess(
  env: Record<string, string>,
  nodeArgs: string[] = [],
  /** What to run: the server as users start it by default. */
  entry: string[] = ['bin/listgate.js', 'serve'],
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  // As `npm start` runs it (bin/listgate.js applies its own heap flags unless nodeArgs set them), or the
  // entry given.
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    // The port accepts connections before the app is attached: bound each probe.
    const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not become ready');
}

export async function clientToken(
  url: string,
  clientId: string,
  secret: string,
  scope = 'contact_data',
): Promise<string> {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function stopServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}
