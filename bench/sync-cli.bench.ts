// Sync CLI benchmark: for each COUNT, seeds an account, runs the real server as a separate process and
// the real `listgate sync --all` as another (under `env -i`, as cron runs it), and measures a full sync
// to CSV (contacts/s, the CLI's peak RSS); on the largest COUNT it then changes 1,000 contacts through the
// API and measures the incremental sync. Writes the "Sync CLI" section of docs/benchmarks.md.
//
// Each sync runs twice: as shipped (bin/listgate.js sizes the heap itself: 2 MB semi-spaces, 128 MB old
// space), and with the NODE_OPTIONS of --node-options, which override those flags (by default V8's own
// semi-space size and a large old space, to show what the project's sizing saves).
//
//   npm exec -- node --import tsx bench/sync-cli.bench.ts [--counts 100000,1000000] [--dialect sqlite|postgres]
//        [--changes 1000] [--rounds 3] [--node-options="--max-semi-space-size=16 --max-old-space-size=4096"]
//        (PostgreSQL admin URL: BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeSection } from './report.ts';
import { seedContacts } from './seed-contacts.ts';
import { benchEnv, createBenchAccount, freshDatabase, startServerProcess, stopServer } from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    counts: { type: 'string', default: '100000,1000000' },
    dialect: { type: 'string', default: 'sqlite' },
    changes: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    'node-options': { type: 'string', default: '--max-semi-space-size=16 --max-old-space-size=4096' },
  },
});
const COUNTS = args.counts.split(',').map(Number);
const CHANGES = Number(args.changes);
const BIN = path.resolve('bin/listgate.js');
const log = (message: string) => process.stderr.write(`${message}\n`);

type Run = { seconds: number; peakMb: number; summary: Record<string, number> };
/** Index 0: as shipped; index 1: with --node-options. */
type Pair = [Run, Run];
type Result = { count: number; seedSeconds: number; bytes: number; full: Pair; incremental: Pair[] };

/**
 * Runs `listgate ARGS` under `env -i` and GNU time, which reports the CLI's peak RSS exactly (the
 * highest resident set size of the process over its life).
 */
async function cli(
  cliArgs: string[],
  home: string,
  nodeOptions = '',
): Promise<{ code: number | null; stdout: string; stderr: string; peakMb: number; seconds: number }> {
  const vars = [
    `PATH=${path.dirname(process.execPath)}`,
    `HOME=${home}`,
    `LISTGATE_CONFIG_DIR=${path.join(home, 'config')}`,
  ];
  if (nodeOptions) vars.push(`NODE_OPTIONS=${nodeOptions}`);
  const timed = existsSync('/usr/bin/time');
  const command = timed
    ? ['/usr/bin/time', '-f', 'peak_rss_kb=%M', 'env', '-i', ...vars]
    : ['env', '-i', ...vars];
  const started = performance.now();
  const child = spawn(command[0]!, [...command.slice(1), 'node', BIN, ...cliArgs], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  const peak = /peak_rss_kb=(\d+)/.exec(stderr);
  return {
    code,
    stdout,
    stderr: stderr.replace(/peak_rss_kb=\d+\n?/, ''),
    peakMb: peak ? Number(peak[1]) / 1024 : Number.NaN,
    seconds,
  };
}

async function sync(out: string, home: string, nodeOptions = ''): Promise<Run> {
  const run = await cli(['sync', '--all', '--out', out], home, nodeOptions);
  if (run.code !== 0) throw new Error(`sync exited ${run.code}: ${run.stderr}`);
  return {
    seconds: run.seconds,
    peakMb: run.peakMb,
    summary: JSON.parse(run.stdout) as Record<string, number>,
  };
}

/** The same sync as shipped (into `out`) and with --node-options (into a second file). */
async function syncPair(out: string, home: string): Promise<Pair> {
  const plain = await sync(out, home);
  const tuned = await sync(out.replace(/\.csv$/, '.tuned.csv'), home, args['node-options']);
  return [plain, tuned];
}

/**
 * Changes `count` contacts spread over the output through the API: 90 % renamed, 5 % unsubscribed, 5 %
 * deleted; each `round` picks other contacts.
 */
async function changeContacts(
  url: string,
  headers: Record<string, string>,
  out: string,
  count: number,
  round: number,
): Promise<void> {
  const ids = readFileSync(out, 'utf8')
    .split('\n')
    .slice(1, -1)
    .map((line) => line.slice(0, line.indexOf(',')));
  const step = Math.floor(ids.length / count);
  const picked = Array.from({ length: count }, (_, i) => ids[i * step + round]!);
  let next = 0;
  const worker = async () => {
    while (next < picked.length) {
      const i = next++;
      const id = picked[i]!;
      const target = `${url}/v3/contacts/${id}`;
      const res =
        i % 20 === 0
          ? await fetch(target, { method: 'DELETE', headers })
          : await fetch(target, {
              method: 'PUT',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({
                email_address: {
                  address: `changed-${round}-${i}@example.com`,
                  ...(i % 20 === 1 ? { permission_to_send: 'unsubscribed' } : {}),
                },
                first_name: `Changed ${i}`,
                update_source: 'Account',
              }),
            });
      if (res.status !== 200 && res.status !== 204)
        throw new Error(`${target}: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function benchCount(count: number, withIncremental: boolean): Promise<Result> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-bench-'));
  const home = mkdtempSync(path.join(tmpdir(), 'listgate-bench-home-'));
  const database = await freshDatabase(args.dialect, dataDir);
  const env = benchEnv(database.url, dataDir);
  let server: ChildProcess | undefined;
  try {
    const bench = await createBenchAccount(env);

    log(`[${count.toLocaleString()}] seeding`);
    const seedStarted = performance.now();
    await seedContacts(database.url, bench.accountId, count);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const started = await startServerProcess(env);
    server = started.child;

    const secretFile = path.join(home, 'secret');
    writeFileSync(secretFile, bench.clientSecret, { mode: 0o600 });
    const login = await cli(
      ['login', '--server', started.url, '--client-id', bench.clientId, '--client-secret-file', secretFile],
      home,
    );
    if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
    const out = path.join(home, 'contacts.csv');
    log(`[${count.toLocaleString()}] full sync`);
    const full = await syncPair(out, home);
    const result: Result = { count, seedSeconds, bytes: statSync(out).size, full, incremental: [] };
    const profile = JSON.parse(
      readFileSync(path.join(home, 'config', 'profiles', 'default.json'), 'utf8'),
    ) as { access_token: string };
    const headers = { authorization: `Bearer ${profile.access_token}`, 'x-api-key': bench.clientId };
    for (let round = 0; withIncremental && round < Number(args.rounds); round++) {
      log(
        `[${count.toLocaleString()}] round ${round + 1}: ${CHANGES} changes through the API, then incremental syncs`,
      );
      await changeContacts(started.url, headers, out, CHANGES, round);
      result.incremental.push(await syncPair(out, home));
    }
    return result;
  } finally {
    await stopServer(server);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

function report(results: Result[]): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const mb = (n: number) => `${Math.round(n)} MB`;
  const summary = ({ added, updated, removed, total }: Record<string, number>) =>
    `+${added} ~${updated} −${removed} = ${int(total!)}`;
  const lines = [
    `The server (${args.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}) and the CLI run as separate processes on one machine, over loopback;`,
    'the CLI runs under `env -i` without a terminal, as cron runs it; its peak RSS is what GNU time reports.',
    'The first columns are the CLI as shipped (it sizes its heap itself); "Other heap" is the same run with',
    `\`NODE_OPTIONS="${args['node-options']}"\`, which overrides that sizing.`,
    '',
    '| Run | Contacts | Wall time | Contacts/s | CLI peak RSS | Other heap: time | Other heap: peak RSS | Summary |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const [plain, tuned] = r.full;
    lines.push(
      `| Full sync to CSV (${mb(r.bytes / 2 ** 20)}) | ${int(r.count)} | ${plain.seconds.toFixed(1)} s | ${int(r.count / plain.seconds)} | ${mb(plain.peakMb)} | ${tuned.seconds.toFixed(1)} s | ${mb(tuned.peakMb)} | ${summary(plain.summary)} |`,
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const r of results.filter((x) => x.incremental.length)) {
    const pick = (i: 0 | 1) => r.incremental.map((pair) => pair[i]);
    const [plain, tuned] = [pick(0), pick(1)];
    lines.push(
      `| Incremental, ${int(CHANGES)} changes (median of ${plain.length}) | ${int(r.count)} | ${median(plain.map((x) => x.seconds)).toFixed(2)} s | – | ${mb(Math.max(...plain.map((x) => x.peakMb)))} | ${median(tuned.map((x) => x.seconds)).toFixed(2)} s | ${mb(Math.max(...tuned.map((x) => x.peakMb)))} | ${summary(plain.at(-1)!.summary)} |`,
    );
  }
  lines.push(
    '',
    'Goals (issue 5): peak RSS under 150 MB at 1,000,000 contacts (streaming), and an incremental sync of',
    '1,000 changes among 1,000,000 contacts under 3 s end to end. Wall time is the whole process: start-up',
    '(Node.js loading the sources), the token check, the change feed and the merge that rewrites the',
    'output file (written, fsynced and renamed). The incremental changes are 90 % renames, 5 % unsubscribes',
    'and 5 % deletes, spread over the file; each round changes other contacts, and the table gives the',
    'median wall time and the highest peak RSS of the rounds.',
  );
  return lines.join('\n');
}

const NOTES = [
  'Where the memory goes: Node.js takes about 45 MB before any work (the TypeScript sources run through',
  "Node's own type stripping, no loader) and its HTTP client about 17 MB more. The sync's own data is",
  'bounded whatever the list size: one 16 MB batch of rows, 1 MiB read and write buffers, and at most 16',
  "sorted run files open in the final merge. The rest is V8's heap: with V8's defaults, a long job that",
  'parses page after page of JSON grows the young generation to 48 MB and lets old-space garbage pile up.',
  'bin/listgate.js caps both for `sync` and `import` (2 MB semi-spaces, 128 MB old space), with no flag for',
  'the user to set.',
  '',
  "Where the time goes (CPU profile of a 200,000-contact full sync): the CLI, not the server's change feed",
  '(about 64,000 contacts/s, Contacts API section), is the bound. Of its busy time about a quarter turns',
  "each page's bytes into objects (UTF-8 decoding and JSON.parse), a quarter is garbage collection (the",
  'price of the 2 MB semi-spaces that keep it under 150 MB), a tenth compares keys to sort the spill runs;',
  'building the CSV rows is small.',
].join('\n');

const loadBefore = loadavg()[0]!;
const results: Result[] = [];
const largest = Math.max(...COUNTS);
for (const count of COUNTS) results.push(await benchCount(count, count === largest));
const body = report(results);
log(body);
writeSection('Sync CLI', {
  command: `npm exec -- node --import tsx bench/sync-cli.bench.ts --counts ${args.counts} --dialect ${args.dialect} --changes ${CHANGES} --rounds ${args.rounds} --node-options="${args['node-options']}"`,
  body,
  loadBefore,
  notes: NOTES,
});
