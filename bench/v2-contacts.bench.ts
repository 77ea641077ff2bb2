// Legacy v2 walk benchmark: seeds an account with COUNT contacts on SQLite and on PostgreSQL, runs the real
// server as a separate process, and walks every contact through /v2/contacts?modified_since=… (following
// meta.pagination.next_link) and through /v3/contacts?updated_after=… (following _links.next.href) in
// alternating rounds, in contacts/s. Writes the "Legacy v2 walk" section of docs/benchmarks.md.
//
//   npm exec -- node --import tsx bench/v2-contacts.bench.ts [--count 1000000] [--dialects sqlite,postgres]
//        [--rounds 2]      (PostgreSQL admin URL: BENCH_DATABASE_URL or TEST_DATABASE_URL)
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sampleRss } from './http-load.ts';
import { dialectTable, perDialect, writeSection } from './report.ts';
import { seedContacts } from './seed-contacts.ts';
import { benchEnv, clientToken, createBenchAccount, freshDatabase, startServerProcess, stopServer } from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    rounds: { type: 'string', default: '2' },
  },
});
const COUNT = Number(args.count);
const ROUNDS = Number(args.rounds);
const SINCE = '2000-01-01T00:00:00Z';
const log = (message: string) => process.stderr.write(`${message}\n`);

type Walk = { contacts: number; seconds: number; perSecond: number; rssMax: number };
type Result = { dialect: string; v3: Walk[]; v2: Walk[] };

/** Follows the next links from `start` to the end, parsing every page. */
async function walk(pid: number, base: string, headers: Record<string, string>, start: string, dialect: 'v2' | 'v3', key: string): Promise<Walk> {
  let href: string | undefined = start;
  let contacts = 0;
  const rss = sampleRss(pid);
  const started = performance.now();
  while (href) {
    const res = await fetch(`${base}${href}`, { headers });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${href}: ${res.status} ${JSON.stringify(body)}`);
    if (dialect === 'v3') {
      contacts += (body.contacts as unknown[]).length;
      href = (body._links as { next?: { href: string } } | undefined)?.next?.href;
    } else {
      contacts += (body.results as unknown[]).length;
      const link = (body.meta as { pagination: { next_link?: string } }).pagination.next_link;
      href = link ? `${link}&api_key=${key}` : undefined;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (contacts !== COUNT) throw new Error(`${dialect} walk met ${contacts} contacts, not ${COUNT}`);
  return { contacts, seconds, perSecond: contacts / seconds, rssMax: rss.stop().max };
}

async function benchDialect(dialect: string): Promise<Result> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-bench-'));
  const database = await freshDatabase(dialect, dataDir);
  const env = benchEnv(database.url, dataDir);
  let server: ChildProcess | undefined;
  try {
    const bench = await createBenchAccount(env);
    log(`[${dialect}] seeding ${COUNT.toLocaleString()} contacts`);
    await seedContacts(database.url, bench.accountId, COUNT);
    const started = await startServerProcess(env);
    server = started.child;
    const headers = { authorization: `Bearer ${await clientToken(started.url, bench.clientId, bench.clientSecret)}`, 'x-api-key': bench.clientId };
    const result: Result = { dialect, v3: [], v2: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      log(`[${dialect}] round ${round}: /v3 updated_after walk`);
      result.v3.push(await walk(server.pid!, started.url, headers, `/v3/contacts?limit=500&status=all&updated_after=${SINCE}`, 'v3', bench.clientId));
      log(`[${dialect}] round ${round}: /v2 modified_since walk`);
      result.v2.push(await walk(server.pid!, started.url, headers, `/v2/contacts?limit=500&modified_since=${SINCE}&api_key=${bench.clientId}`, 'v2', bench.clientId));
    }
    return result;
  } finally {
    await stopServer(server);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(results: Result[], loadMax: number): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const best = (walks: Walk[]) => Math.max(...walks.map((w) => w.perSecond));
  const all = (walks: Walk[]) => walks.map((w) => int(w.perSecond)).join(', ');
  const rows: [string, (r: Result) => string][] = [
    ['`/v3/contacts?updated_after` walk, each round (contacts/s)', (r) => all(r.v3)],
    ['`/v2/contacts?modified_since` walk, each round (contacts/s)', (r) => all(r.v2)],
    ['Best round: v3 / v2 (contacts/s)', (r) => `${int(best(r.v3))} / ${int(best(r.v2))}`],
    ['v2 time / v3 time (best rounds; goal: at most 1.2×)', (r) => `${(best(r.v3) / best(r.v2)).toFixed(2)}×`],
    ['Server RSS, max during the v3 / v2 walks', (r) => `${int(Math.max(...r.v3.map((w) => w.rssMax)))} / ${int(Math.max(...r.v2.map((w) => w.rssMax)))} MB`],
  ];
  return [
    `${COUNT.toLocaleString('en-US')} contacts in one account, \`limit=500\`, ${ROUNDS} alternating rounds; server and client on one`,
    `machine over loopback (1-minute load average up to ${loadMax.toFixed(1)} during the run on ${cpus().length} CPUs).`,
    '',
    ...dialectTable(results, rows),
  ].join('\n');
}

const { results, loadBefore, loadMax } = await perDialect(args.dialects, benchDialect, log);
const table = report(results, loadMax);
console.log(table);
writeSection('Legacy v2 walk', {
  command: `npm exec -- node --import tsx bench/v2-contacts.bench.ts --count ${COUNT} --dialects ${args.dialects} --rounds ${ROUNDS}`,
  body: table,
  loadBefore,
  notes: [
    'Goal (issue 12): a full `modified_since` walk through `/v2/contacts` at the rate of the `/v3` walk, within',
    '1.2×. Both follow the change sequence (`change_seq`) from the same starting point; the v2 page also loads',
    "each contact's lists, phones, addresses, custom fields and notes (a v2 Contact always carries them), the",
    'v3 page none (no `include`). The seeded contacts have no such parts. Rounds alternate so that the shared',
    "machine's changing load weighs on both alike.",
  ].join('\n'),
});
