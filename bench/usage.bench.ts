// What usage collection costs on the authenticated hot path: two servers on one database, one with
// USAGE_COLLECTION=true (the default) and one with USAGE_COLLECTION=false, driven by autocannon on
// GET /v3/account/summary in alternating rounds (on, off, off, on, …) so that drift in the machine's load
// hits both alike; besides calls per second, the CPU time each server spent per call (steadier than calls per
// second on a shared machine; its inverse is the capacity of a CPU-bound node). SQLite, then PostgreSQL +
// Redis. Prints the table (and the calls the collecting server wrote to usage_hourly); it writes nothing into
// docs/benchmarks.md.
//
//   npm exec -- node --import tsx bench/usage.bench.ts [--seconds 5] [--rounds 4] [--connections 50] [--dialects sqlite,postgres]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { createUsageCollector } from '../src/http/usage-collector.ts';
import { machine } from './report.ts';
import { cpuSeconds } from './http-load.ts';
import {
  benchEnv,
  clientToken,
  createBenchAccount,
  freshDatabase,
  startServerProcess,
  stopServer,
} from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    'log-level': { type: 'string', default: 'warn' },
    // Also run the collecting server under --cpu-prof and report the share of its CPU samples in the collector.
    profile: { type: 'boolean', default: false },
    // A/A control: both servers collect, so the table shows what noise and server order alone make of the ratio.
    control: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const log = (message: string) => process.stderr.write(`${message}\n`);
const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Result = { rps: number; p99: number; total: number; failures: number; cpuMs: number };

/** CPU time (ms) the process has used so far: on a shared machine, CPU per call is steadier than calls per second. */
const cpuMs = (pid: number) => cpuSeconds(pid) * 1000;

function load(
  server: { url: string; child: ChildProcess },
  headers: Record<string, string>,
  seconds = SECONDS,
): Promise<Result> {
  const cpuBefore = cpuMs(server.child.pid!);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${server.url}/v3/account/summary`,
        connections: CONNECTIONS,
        duration: seconds,
        headers,
        pipelining: 1,
      },
      (err, result) => {
        if (err) return reject(err);
        const cpu = cpuMs(server.child.pid!) - cpuBefore;
        resolve({
          rps: result.requests.average,
          p99: result.latency.p99,
          total: result['2xx'],
          failures: result.errors + result.non2xx,
          cpuMs: cpu,
        });
      },
    );
  });
}

const perCall = (r: Result) => r.cpuMs / Math.max(1, r.total);

type Row = {
  dialect: string;
  on: Result[];
  off: Result[];
  sent: number;
  counted: number;
  collectorShare?: number;
};

type CpuProfile = { nodes: { id: number; hitCount?: number; callFrame: { url: string } }[] };

/** Share of the CPU samples (self time) spent in src/http/usage-collector.ts, over the server's whole run. */
function collectorShare(dir: string): number {
  let total = 0;
  let inCollector = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    for (const node of profile.nodes) {
      total += node.hitCount ?? 0;
      if (node.callFrame.url.endsWith('/usage-collector.ts')) inCollector += node.hitCount ?? 0;
    }
  }
  return total ? inCollector / total : 0;
}

async function measure(dialect: string): Promise<Row> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-usage-bench-'));
  const database = await freshDatabase(dialect, dataDir);
  // One public URL for both servers, as behind a load balancer: a token of one is valid on the other.
  const env: Record<string, string> = {
    ...benchEnv(database.url, dataDir),
    LOG_LEVEL: args['log-level'],
    PUBLIC_URL: 'http://listgate.bench.test',
  };
  if (dialect === 'postgres') env.REDIS_URL = redisUrl;
  const { clientId, clientSecret } = await createBenchAccount(env);
  const profileDir = path.join(dataDir, 'profile');
  const on = await startServerProcess(
    { ...env, USAGE_COLLECTION: 'true' },
    args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const off = await startServerProcess({ ...env, USAGE_COLLECTION: args.control ? 'true' : 'false' });
  const row: Row = { dialect, on: [], off: [], sent: 0, counted: 0 };
  try {
    // Each server issues the token it is measured with: a server that has issued a token was measured
    // slower on bearer calls than one that has not, which would otherwise bias the comparison.
    const auth = async (server: { url: string }) => ({
      authorization: `Bearer ${await clientToken(server.url, clientId, clientSecret, 'contact_data account_read')}`,
      'x-api-key': clientId,
    });
    const headers = { on: await auth(on), off: await auth(off) };
    // warm-up: JIT, caches, connection pools
    row.sent += (await load(on, headers.on, 2)).total;
    await load(off, headers.off, 2);
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const which of order) {
        const result = await load(which === 'on' ? on : off, headers[which]);
        row[which].push(result);
        if (which === 'on') row.sent += result.total;
      }
      const a = row.on.at(-1)!;
      const b = row.off.at(-1)!;
      log(
        `  ${dialect} round ${round}: collection on ${Math.round(a.rps)} req/s ${perCall(a).toFixed(3)} CPU ms/call, off ${Math.round(b.rps)} req/s ${perCall(b).toFixed(3)} CPU ms/call`,
      );
    }
  } finally {
    // SIGTERM: the collecting server writes its last counts on the way out.
    await stopServer(on.child);
    await stopServer(off.child);
  }
  const db = createDatabase(loadConfig({ ...env, NODE_ENV: 'development' }).databaseUrl);
  const counted = await db.db
    .selectFrom('usage_hourly')
    .select((eb) => eb.fn.sum<number>('status_2xx').as('n'))
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  row.counted = Number(counted?.n ?? 0);
  if (args.profile) row.collectorShare = collectorShare(profileDir);
  await db.destroy();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
  return row;
}

const mean = (results: Result[]) => results.reduce((s, r) => s + r.rps, 0) / results.length;
/** CPU ms the server spent per answered call, over all rounds. */
const cpuPerCall = (results: Result[]) =>
  results.reduce((s, r) => s + r.cpuMs, 0) /
  Math.max(
    1,
    results.reduce((s, r) => s + r.total, 0),
  );
const loadBefore = loadavg()[0]!;
const rows: Row[] = [];
for (const dialect of args.dialects.split(',')) {
  log(`== ${dialect}`);
  rows.push(await measure(dialect.trim()));
}
const table = [
  `Usage collection on the authenticated hot path (GET /v3/account/summary, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s, LOG_LEVEL=${args['log-level']})`,
  `${machine(loadBefore)}`,
  ...(args.control
    ? [
        'A/A CONTROL (--control): the "off" server collects too; any ratio away from 1.0 is noise and server order.',
      ]
    : []),
  '',
  '| database | off req/s | on req/s | throughput on/off | off CPU ms/call | on CPU ms/call | CPU-bound capacity on/off | p99 on / off (ms) | 2xx of the collecting server | counted in usage_hourly | failures |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => {
    const db = r.dialect === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite';
    const ratio = mean(r.on) / mean(r.off);
    const failures = [...r.on, ...r.off].reduce((s, x) => s + x.failures, 0);
    const cpuOn = cpuPerCall(r.on);
    const cpuOff = cpuPerCall(r.off);
    return `| ${db} | ${Math.round(mean(r.off))} | ${Math.round(mean(r.on))} | **${ratio.toFixed(3)}×** | ${cpuOff.toFixed(3)} | ${cpuOn.toFixed(3)} | **${(cpuOff / cpuOn).toFixed(3)}×** | ${Math.max(...r.on.map((x) => x.p99))} / ${Math.max(...r.off.map((x) => x.p99))} | ${r.sent} | ${r.counted} | ${failures} |`;
  }),
];

/**
 * The collector's own cost, in this process: CPU time of a million recordCall() over 200 apps (what the
 * request path adds per call), against the CPU a server spent per call above. A bound that load on a shared
 * machine cannot blur the way it blurs calls per second.
 */
function collectorCost(): number {
  const collector = createUsageCollector({
    enabled: true,
    flushMs: 3_600_000,
    sink: async () => undefined,
    onError: () => undefined,
  });
  const apps = Array.from({ length: 200 }, (_, i) => `app-${i}`);
  const statuses = [200, 200, 200, 201, 404, 429, 500];
  for (let i = 0; i < 100_000; i++) collector.recordCall(apps[i % 200]!, statuses[i % 7]!, i % 300);
  const before = process.cpuUsage();
  const calls = 1_000_000;
  for (let i = 0; i < calls; i++) collector.recordCall(apps[i % 200]!, statuses[i % 7]!, i % 300);
  const used = process.cpuUsage(before);
  void collector.stop();
  return ((used.user + used.system) * 1000) / calls;
}
const nsPerCall = collectorCost();
for (const r of rows) {
  if (r.collectorShare === undefined) continue;
  table.push(
    '',
    `${r.dialect}: ${(r.collectorShare * 100).toFixed(3)}% of the collecting server's CPU samples were in src/http/usage-collector.ts (--cpu-prof over the whole run).`,
  );
}
const cheapest = Math.min(...rows.flatMap((r) => [cpuPerCall(r.off), cpuPerCall(r.on)]));
table.push(
  '',
  `The collector's increment: ${nsPerCall.toFixed(0)} ns of CPU per call (1,000,000 calls over 200 apps); against the cheapest CPU per call above (${cheapest.toFixed(3)} ms), collection keeps at least ${(1 / (1 + nsPerCall / (cheapest * 1e6))).toFixed(4)}× of a CPU-bound node's capacity.`,
);
process.stdout.write(`${table.join('\n')}\n`);
