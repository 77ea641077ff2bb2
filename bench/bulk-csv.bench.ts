// Bulk CSV benchmark: a file of ROWS contacts (six columns) imported and exported through the API
// (contacts_file_import, contact_exports + download) on each dialect, against the `sqlite3` command-line
// tool importing and exporting the same file in the same run; the server's peak RSS during the import, and
// `listgate import` of the same file with the CLI's peak RSS. Writes the "Bulk CSV" section of
// docs/benchmarks.md.
//
//   BENCH_ONLY=bulk-csv npm run bench       (1,000,000 rows, SQLite and PostgreSQL)
//   npm exec -- node --import tsx bench/bulk-csv.bench.ts [--rows 1000000] [--dialects sqlite,postgres] [--profile DIR]
//        (PostgreSQL admin URL: BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, rssMb } from './http-load.ts';
import { writeSection } from './report.ts';
import { benchEnv, clientToken, createBenchAccount, freshDatabase, startServerProcess, stopServer } from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
    /** Writes the server's CPU profile (--cpu-prof) into this directory. */
    profile: { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const BIN = path.resolve('bin/listgate.js');
const log = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (start: number) => (performance.now() - start) / 1000;


async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('email,first_name,last_name,job_title,company_name,anniversary\n');
  for (let i = 0; i < ROWS; i++) {
    const line = `person${i}@example.com,First${i},Last${i},Engineer of things ${i % 97},Company number ${i % 1013} Limited,20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 9}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** The sqlite3 tool's own import (.import --csv into a new table) and export (-csv SELECT *), timed. */
function sqlite3Baseline(dir: string, csv: string) {
  const db = path.join(dir, 'baseline.db');
  let start = performance.now();
  const imported = spawnSync('sqlite3', [db, `.import --csv ${csv} contacts`]);
  if (imported.status !== 0) throw new Error(`sqlite3 import failed: ${imported.stderr}`);
  const importSeconds = seconds(start);
  start = performance.now();
  const exported = spawnSync('sh', ['-c', `sqlite3 -header -csv ${db} "SELECT * FROM contacts" > ${path.join(dir, 'baseline-out.csv')}`]);
  if (exported.status !== 0) throw new Error(`sqlite3 export failed: ${exported.stderr}`);
  return { importSeconds, exportSeconds: seconds(start) };
}

type Activity = { activity_id: string; state: string; status: { items_completed_count: number }; _links: { results?: { href: string } } };

async function poll(url: string, headers: Record<string, string>, id: string): Promise<Activity> {
  for (;;) {
    const a = (await (await fetch(`${url}/v3/activities/${id}`, { headers })).json()) as Activity;
    if (a.state === 'completed' || a.state === 'failed') return a;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function apiRun(dialect: string, csv: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `listgate-bulk-${dialect}-`));
  const database = await freshDatabase(dialect, dataDir);
  const env = benchEnv(database.url, dataDir);
  try {
    const account = await createBenchAccount(env);
    // Started as `listgate serve` is, with the settings the command applies itself.
    const profile = args.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(args.profile)] : [];
    const server = await startServerProcess(env, profile, [BIN, 'serve']);
    const token = await clientToken(server.url, account.clientId, account.clientSecret);
    const headers = { authorization: `Bearer ${token}` };
    const list = (await (await fetch(`${server.url}/v3/contact_lists`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bench' }) })).json()) as { list_id: string };
    const idleMb = rssMb(server.child.pid!);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(server.child.pid!));
    }, 100);
    let start = performance.now();
    let cpu = cpuSeconds(server.child.pid!);
    const form = new FormData();
    form.append('file', await (await import('node:fs')).openAsBlob(csv), 'bench.csv');
    form.append('list_ids', list.list_id);
    const created = (await (await fetch(`${server.url}/v3/activities/contacts_file_import`, { method: 'POST', headers, body: form })).json()) as Activity;
    const imported = await poll(server.url, headers, created.activity_id);
    const importSeconds = seconds(start);
    const importCpu = cpuSeconds(server.child.pid!) - cpu;
    clearInterval(sampler);
    if (imported.state !== 'completed' || imported.status.items_completed_count !== ROWS) throw new Error(`import ${imported.state}`);
    const errors = (imported.status as { error_count?: number }).error_count;
    if (errors) throw new Error(`the import refused ${errors} rows`);
    start = performance.now();
    cpu = cpuSeconds(server.child.pid!);
    const exp = (await (await fetch(`${server.url}/v3/activities/contact_exports`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ list_ids: [list.list_id], fields: ['email', 'first_name', 'last_name', 'job_title', 'company_name', 'anniversary'] }) })).json()) as Activity;
    const exported = await poll(server.url, headers, exp.activity_id);
    const file = await fetch(`${server.url}${exported._links.results!.href}`, { headers });
    const out = createWriteStream(path.join(dataDir, 'api-out.csv'));
    for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const exportSeconds = seconds(start);
    const exportCpu = cpuSeconds(server.child.pid!) - cpu;
    // The CLI imports the same file again (every row an update that changes nothing) from its own process.
    const cli = await cliImport(server.url, account, list.list_id, csv, dataDir);
    await stopServer(server.child);
    return { importSeconds, importCpu, exportSeconds, exportCpu, serverIdleMb: idleMb, serverPeakMb: peak, cli };
  } finally {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function cliImport(url: string, account: { clientId: string; clientSecret: string }, listId: string, csv: string, dir: string) {
  const configDir = path.join(dir, 'cli');
  const secret = path.join(dir, 'secret');
  writeFileSync(secret, account.clientSecret, { mode: 0o600 });
  const cliEnv = { PATH: process.env.PATH, HOME: dir, LISTGATE_CONFIG_DIR: configDir };
  spawnSync(process.execPath, [BIN, 'login', '--server', url, '--client-id', account.clientId, '--client-secret-file', secret], { env: cliEnv });
  const start = performance.now();
  const child = spawn(process.execPath, [BIN, 'import', '--list', listId, csv], { env: cliEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(child.pid!) || 0);
  }, 50);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  return { seconds: seconds(start), peakMb: peak, code };
}

const loadBefore = loadavg()[0]!;
let loadMax = loadBefore;
const loadTimer = setInterval(() => {
  loadMax = Math.max(loadMax, loadavg()[0]!);
}, 2000);
const dir = mkdtempSync(path.join(tmpdir(), 'listgate-bulk-bench-'));
const csv = path.join(dir, 'contacts.csv');
await writeCsv(csv);
const mb = statSync(csv).size / 2 ** 20;
log(`${ROWS} rows, ${mb.toFixed(0)} MB`);
const baseline = sqlite3Baseline(dir, csv);
log(`sqlite3: import ${baseline.importSeconds.toFixed(2)} s, export ${baseline.exportSeconds.toFixed(2)} s`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
const rows: string[] = [];
for (const dialect of args.dialects.split(',')) {
  const r = await apiRun(dialect, csv);
  log(`${dialect}: ${JSON.stringify(r)}`);
  log(
    `${dialect}: import ${ratio(r.importSeconds, baseline.importSeconds)} sqlite3 (${Math.round(ROWS / r.importSeconds)} rows/s), export ${ratio(r.exportSeconds, baseline.exportSeconds)} sqlite3; server RSS ${Math.round(r.serverIdleMb)} MB idle, ${Math.round(r.serverPeakMb)} MB peak (goal ≤ 300); listgate import peak ${Math.round(r.cli.peakMb)} MB (goal ≤ 150)`,
  );
  rows.push(
    `| ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${r.importSeconds.toFixed(1)} s (${Math.round(ROWS / r.importSeconds).toLocaleString('en')}/s, ${ratio(r.importSeconds, baseline.importSeconds)} sqlite3; server CPU ${r.importCpu.toFixed(1)} s) | ${r.exportSeconds.toFixed(1)} s (${ratio(r.exportSeconds, baseline.exportSeconds)} sqlite3; server CPU ${r.exportCpu.toFixed(1)} s) | ${Math.round(r.serverIdleMb)} MB idle, ${Math.round(r.serverPeakMb)} MB peak | ${r.cli.seconds.toFixed(1)} s, ${Math.round(r.cli.peakMb)} MB peak (exit ${r.cli.code}) |`,
  );
}
clearInterval(loadTimer);
rmSync(dir, { recursive: true, force: true });
const defaults = args.rows === '1000000' && args.dialects === 'sqlite,postgres' && !args.profile;
writeSection('Bulk CSV', {
  command: defaults
    ? 'BENCH_ONLY=bulk-csv npm run bench'
    : `npm exec -- node --import tsx bench/bulk-csv.bench.ts --rows ${args.rows} --dialects ${args.dialects}`,
  loadBefore,
  body: [
    `${ROWS.toLocaleString('en')} contacts, six columns, ${mb.toFixed(0)} MB. sqlite3 ${spawnSync('sqlite3', ['--version']).stdout.toString().split(' ')[0]} in the same run: import (\`.import --csv\` into a new table) ${baseline.importSeconds.toFixed(2)} s, export (\`-csv SELECT *\`) ${baseline.exportSeconds.toFixed(2)} s. Highest load average during the run: ${loadMax.toFixed(1)}.`,
    '',
    '| Database | API import (upload to completed) | API export (to file downloaded) | Server RSS (`listgate serve`, during the import) | `listgate import` of the same file again (all unchanged) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n'),
  notes: [
    'Goals: API import and export each within 3× of the sqlite3 times of the same run; server peak RSS ≤ 300 MB;',
    '`listgate import` peak RSS ≤ 150 MB. Wall times suffer from other work on a shared machine far more than the',
    "single C process of sqlite3 does; the server's CPU seconds are the steadier figure to compare runs by.",
    '`--profile DIR` writes the server\'s CPU profile (`--cpu-prof`) there.',
  ].join('\n'),
});
