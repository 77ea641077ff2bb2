// The authenticated hot path as a user meets it: `listgate serve` started the way `npm start` starts it
// (default log level, default settings, only the per-key limits raised so that they count but never refuse),
// driven by autocannon on keep-alive connections. The cheapest route (GET /health) is the baseline; GET
// /v3/account/summary with a bearer token and x-api-key is measured against it, alternating rounds so that
// drift in the machine's load hits both alike. SQLite, then PostgreSQL + Redis.
// Writes the "Authenticated hot path" section of docs/benchmarks.md.
//
//   npm run bench -- hot-path           (BENCH_ONLY=hot-path npm run bench)
//   npm exec -- node --import tsx bench/hot-path.bench.ts [--seconds 5] [--rounds 3] [--connections 8,50]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { writeSection } from './report.ts';
import { benchEnv, clientToken, createBenchAccount, freePort, freshDatabase } from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8,50' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = args.connections.split(',').map(Number);
const here = path.dirname(new URL(import.meta.url).pathname);
const log = (message: string) => process.stderr.write(`${message}\n`);
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `listgate serve` exactly as `npm start` runs it (bin/listgate.js), on a free port; resolves once ready. */
async function startServe(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(here, '../bin/listgate.js'), 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    // stdout and stderr are read and dropped, as a terminal would show them: logging still costs what it costs
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (ready) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('serve did not become ready');
}

type Result = { rps: number; p99: number; errors: number; non2xx: number };

function load(url: string, connections: number, headers: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: SECONDS, headers, pipelining: 1 }, (err, result) => {
      if (err) return reject(err);
      resolve({ rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx });
    });
  });
}

type Row = { dialect: string; connections: number; health: Result[]; summary: Result[] };

async function measureDialect(dialect: string): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-hot-path-'));
  const database = await freshDatabase(dialect, dataDir);
  const env: Record<string, string> = { ...benchEnv(database.url, dataDir), LOG_LEVEL: args['log-level'] };
  if (dialect === 'postgres') env.REDIS_URL = redisUrl;
  const { clientId, clientSecret } = await createBenchAccount(env);
  const server = await startServe(env);
  const rows: Row[] = [];
  try {
    const token = await clientToken(server.url, clientId, clientSecret, 'contact_data account_read');
    const auth = { authorization: `Bearer ${token}`, 'x-api-key': clientId };
    const check = await fetch(`${server.url}/v3/account/summary`, { headers: auth });
    if (!check.ok) throw new Error(`account summary answered ${check.status}`);
    // warm-up: JIT, caches, connection pools
    await load(`${server.url}/health`, 8);
    await load(`${server.url}/v3/account/summary`, 8, auth);
    for (const connections of CONNECTIONS) {
      const row: Row = { dialect, connections, health: [], summary: [] };
      for (let round = 1; round <= ROUNDS; round++) {
        row.health.push(await load(`${server.url}/health`, connections));
        row.summary.push(await load(`${server.url}/v3/account/summary`, connections, auth));
        const h = row.health.at(-1)!;
        const s = row.summary.at(-1)!;
        log(`  ${dialect} c=${connections} round ${round}: /health ${Math.round(h.rps)} req/s, summary ${Math.round(s.rps)} req/s (${(s.rps / h.rps).toFixed(2)}×)`);
      }
      rows.push(row);
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const mean = (results: Result[]) => results.reduce((s, r) => s + r.rps, 0) / results.length;
const worstP99 = (results: Result[]) => Math.max(...results.map((r) => r.p99));
const failed = (results: Result[]) => results.reduce((s, r) => s + r.errors + r.non2xx, 0);

const loadBefore = loadavg()[0]!;
const rows: Row[] = [];
for (const dialect of args.dialects.split(',')) {
  log(`== ${dialect}`);
  rows.push(...(await measureDialect(dialect)));
}
const table = [
  '| database | connections | `/health` req/s | `/v3/account/summary` req/s | ratio | p99 summary (ms) | failures |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => {
    const h = mean(r.health);
    const s = mean(r.summary);
    const db = r.dialect === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite';
    return `| ${db} | ${r.connections} | ${Math.round(h)} | ${Math.round(s)} | **${(s / h).toFixed(2)}×** | ${worstP99(r.summary)} | ${failed(r.health) + failed(r.summary)} |`;
  }),
];
const body = [
  `\`listgate serve\` started as \`npm start\` starts it (LOG_LEVEL=${args['log-level']}; per-key limits raised so that`,
  `they count but never refuse), autocannon with keep-alive connections, ${ROUNDS} alternating rounds of ${SECONDS} s per`,
  'route; the ratio is the authenticated route over the cheapest one, on the same server in the same run.',
  '',
  ...table,
].join('\n');
log(table.join('\n'));
writeSection(`Authenticated hot path (LOG_LEVEL=${args['log-level']})`, {
  command: `npm exec -- node --import tsx bench/hot-path.bench.ts --log-level ${args['log-level']}${args.rounds === '3' ? '' : ` --rounds ${args.rounds}`}`,
  body,
  loadBefore,
  notes: [
    'What the authenticated call adds to `/health`: the bearer check (SHA-256 of the token, then the per-node',
    'token cache), the per-key and per-account rate-limit windows (leased in blocks and counted in memory,',
    'synchronously while a lease lasts), the scope check, the account summary (cached per node for the token',
    "cache's TTL) and the RateLimit headers. Request logging: at `LOG_LEVEL=info` every request writes one",
    "log line; compare `/health` here with the other LOG_LEVEL's section for what that costs on this machine.",
    '`LOG_LEVEL=warn` keeps errors and warnings only (docs/operations.md).',
  ].join('\n'),
});
