// Contacts API benchmark: seeds an account with COUNT contacts on SQLite and on PostgreSQL, runs the real
// server as a separate process, and measures over loopback: GET /v3/contacts?limit=500 at the first page
// and at a deep cursor (req/s, p50, p99), full walks (plain, updated_after, change feed) in contacts/s,
// and the server's RSS during the updated_after walk. Writes the "Contacts API" section of
// docs/benchmarks.md.
//
//   npm exec -- node --import tsx bench/contacts.bench.ts [--count 1000000] [--dialects sqlite,postgres]
//        [--concurrency 4] [--seconds 5]      (PostgreSQL admin URL: BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/database.ts';
import { createServices } from '../src/services.ts';
import { load, type LoadResult, sampleRss } from './http-load.ts';
import { writeSection } from './report.ts';
import { seedContacts } from './seed-contacts.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    concurrency: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '5' },
  },
});
const COUNT = Number(args.count);
const pgAdmin =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const log = (message: string) => process.stderr.write(`${message}\n`);

type Walk = { contacts: number; seconds: number; perSecond: number; pages: number };
type Result = {
  dialect: string;
  seedSeconds: number;
  first: LoadResult;
  deep: LoadResult;
  plain: Walk;
  updated: Walk & { rss: { start: number; max: number; end: number } };
  feed: Walk;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh database: a SQLite file in a temporary directory, or a new PostgreSQL database. */
async function freshDatabase(
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

async function startServerProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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

async function clientToken(url: string, clientId: string, secret: string): Promise<string> {
  const res = await fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'contact_data' }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Follows next links from `path` to the end; `onPage` sees each page number and the next href. */
async function walk(
  base: string,
  headers: Record<string, string>,
  start: string,
  next: (body: Record<string, unknown>) => string | undefined,
  onPage: (page: number, href: string | undefined) => void = () => {},
): Promise<Walk> {
  let href: string | undefined = start;
  let contacts = 0;
  let pages = 0;
  const started = performance.now();
  while (href) {
    const res = await fetch(`${base}${href}`, { headers });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${href}: ${res.status} ${JSON.stringify(body)}`);
    contacts += ((body.contacts ?? body.changes) as unknown[]).length;
    href = next(body);
    onPage(++pages, href);
  }
  const seconds = (performance.now() - started) / 1000;
  return { contacts, seconds, perSecond: contacts / seconds, pages };
}

const linkOf = (body: Record<string, unknown>) =>
  (body._links as { next?: { href: string } } | undefined)?.next?.href;

async function benchDialect(dialect: string): Promise<Result> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-bench-'));
  const database = await freshDatabase(dialect, dataDir);
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    SECRET_KEYS: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_DAY: '1000000000',
  };
  let server: ChildProcess | undefined;
  try {
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

    log(`[${dialect}] seeding ${COUNT.toLocaleString()} contacts`);
    const seedStarted = performance.now();
    await seedContacts(database.url, account.account_id, COUNT);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const started = await startServerProcess(env);
    server = started.child;
    const { url } = started;
    const headers = {
      authorization: `Bearer ${await clientToken(url, app.client_id, client_secret!)}`,
      'x-api-key': app.client_id,
    };

    log(`[${dialect}] plain walk`);
    const deepAt = Math.floor((COUNT * 0.9) / 500);
    let deepHref = '';
    const plain = await walk(url, headers, '/v3/contacts?limit=500', linkOf, (page, href) => {
      if (page === deepAt && href) deepHref = href;
    });
    const opts = { concurrency: Number(args.concurrency), seconds: Number(args.seconds) };
    log(`[${dialect}] first page vs deep cursor (${opts.concurrency} connections, ${opts.seconds} s each)`);
    const first = await load(`${url}/v3/contacts?limit=500`, headers, opts);
    const deep = await load(`${url}${deepHref}`, headers, opts);

    log(`[${dialect}] updated_after walk`);
    const rss = sampleRss(server.pid!);
    const updated = await walk(
      url,
      headers,
      '/v3/contacts?limit=500&status=all&updated_after=2000-01-01T00:00:00Z',
      linkOf,
    );
    const memory = rss.stop();

    log(`[${dialect}] change feed walk`);
    const feed = await walk(url, headers, '/v3/contacts/changes?limit=1000', (body) =>
      body.more ? `/v3/contacts/changes?limit=1000&sync_token=${body.next_sync_token as string}` : undefined,
    );
    return { dialect, seedSeconds, first, deep, plain, updated: { ...updated, rss: memory }, feed };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(results: Result[]): string {
  const cols = (f: (r: Result) => string) => `| ${results.map(f).join(' | ')} |`;
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const rows: [string, (r: Result) => string][] = [
    ['Seeding (contacts/s)', (r) => `${int(COUNT / r.seedSeconds)} (${r.seedSeconds.toFixed(1)} s)`],
    ['First page `limit=500`: req/s', (r) => int(r.first.perSecond)],
    ['First page: p50 / p99', (r) => `${ms(r.first.p50)} / ${ms(r.first.p99)}`],
    ['Deep cursor (90 %): req/s', (r) => int(r.deep.perSecond)],
    ['Deep cursor: p50 / p99', (r) => `${ms(r.deep.p50)} / ${ms(r.deep.p99)}`],
    ['Deep / first p99', (r) => `${(r.deep.p99 / r.first.p99).toFixed(2)}×`],
    [
      'Full walk, no filter (contacts/s)',
      (r) => `${int(r.plain.perSecond)} (${r.plain.seconds.toFixed(1)} s)`,
    ],
    [
      'Full `updated_after` walk (contacts/s)',
      (r) => `${int(r.updated.perSecond)} (${r.updated.seconds.toFixed(1)} s)`,
    ],
    [
      'Server RSS during that walk: start / max / end',
      (r) => `${int(r.updated.rss.start)} / ${int(r.updated.rss.max)} / ${int(r.updated.rss.end)} MB`,
    ],
    [
      'Full change-feed walk `limit=1000` (changes/s)',
      (r) => `${int(r.feed.perSecond)} (${r.feed.seconds.toFixed(1)} s)`,
    ],
  ];
  const errors = results.reduce((n, r) => n + r.first.errors + r.deep.errors, 0);
  return [
    `${COUNT.toLocaleString('en-US')} contacts in one account; server and client on one machine over loopback`,
    `(${args.concurrency} connections for the req/s rows, ${args.seconds} s each; non-200 answers: ${errors}).`,
    '',
    `| | ${results.map((r) => (r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL')).join(' | ')} |`,
    `|---|${results.map(() => '---:').join('|')}|`,
    ...rows.map(([label, f]) => `| ${label} ${cols(f)}`),
  ].join('\n');
}

const results: Result[] = [];
const loadBefore = loadavg()[0]!;
for (const dialect of args.dialects.split(',')) {
  results.push(await benchDialect(dialect.trim()));
  log(JSON.stringify(results[results.length - 1]));
}
const table = report(results);
console.log(table);
writeSection('Contacts API', {
  command: `npm exec -- node --import tsx bench/contacts.bench.ts --count ${COUNT} --dialects ${args.dialects} --concurrency ${args.concurrency} --seconds ${args.seconds}`,
  body: table,
  loadBefore,
  notes: [
    "Goals (issue 3): deep-cursor latency at most 1.5× the first page's; a full `updated_after` walk at",
    '100,000 contacts/s or more on SQLite; server memory flat and under 300 MB during the walk. Pages are',
    'keyset pages (`created_seq` without a filter, `change_seq` with `updated_after`), so a deep cursor costs',
    'an index seek like the first page. Each walk is one client following `_links.next.href` (or',
    '`next_sync_token`) sequentially; the client parses every page. RSS is sampled every 50 ms from /proc.',
  ].join('\n'),
});
