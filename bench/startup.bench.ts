// Start-up benchmark: how long `npm start` (bin/listgate.js serve) takes from the process starting to
// GET /ready answering 200, its CPU time and RSS at that moment, over several runs on one SQLite data
// directory. Side by side in one run: the first start on an empty data directory (it creates the database
// and applies every migration), a restart with Node's compile cache cold (as right after `npm install`),
// a restart with it warm, and the same restart through the TypeScript loader (tsx), as the command started
// before it used Node's own type stripping. Writes the "Start-up" section of docs/benchmarks.md.
//
//   npm exec -- node --import tsx bench/startup.bench.ts [--runs 7]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, rssMb } from './http-load.ts';
import { writeSection } from './report.ts';
import { freePort } from './server-process.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Number(args.runs);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const log = (message: string) => process.stderr.write(`${message}\n`);


type Start = { ms: number; cpu: number; rss: number };

async function startOnce(command: string[], env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { ms: performance.now() - t0, cpu: cpuSeconds(child.pid!), rss: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const loadBefore = loadavg()[0]!;
const work = mkdtempSync(path.join(tmpdir(), 'listgate-startup-'));
const bin = ['bin/listgate.js', 'serve'];
// The flags bin/listgate.js gives `serve`, so that the loader row differs in the loader alone.
const tsx = ['--max-semi-space-size=8', '--heap-growing-percent=20', '--import', 'tsx', 'src/cli/main.ts', 'serve'];
const variants: { name: string; command: string[]; env: (run: number) => Record<string, string> }[] = [
  {
    name: 'First start: empty data directory (creates the database, applies the migrations), cold compile cache',
    command: bin,
    env: (run) => ({ DATA_DIR: path.join(work, `empty-${run}`), NODE_COMPILE_CACHE: path.join(work, `cache-empty-${run}`) }),
  },
  {
    name: 'Restart, cold compile cache (the first `npm start` after `npm install` on an existing database)',
    command: bin,
    env: (run) => ({ DATA_DIR: path.join(work, 'data'), NODE_COMPILE_CACHE: path.join(work, `cache-cold-${run}`) }),
  },
  {
    name: 'Restart, warm compile cache (`npm start` as it runs every later time)',
    command: bin,
    env: () => ({ DATA_DIR: path.join(work, 'data'), NODE_COMPILE_CACHE: path.join(work, 'cache-warm') }),
  },
  {
    name: 'Restart through the TypeScript loader (`node --import tsx src/cli/main.ts serve`), warm compile cache',
    command: tsx,
    env: () => ({ DATA_DIR: path.join(work, 'data'), NODE_COMPILE_CACHE: path.join(work, 'cache-tsx') }),
  },
];
try {
  // One start creates the shared data directory and warms the caches the restarts share.
  await startOnce(bin, variants[2]!.env(0));
  await startOnce(tsx, variants[3]!.env(0));
  const results = new Map<string, Start[]>(variants.map((v) => [v.name, []]));
  // Runs alternate between the variants, so that drift in the machine's load hits each alike.
  for (let run = 1; run <= RUNS; run++) {
    for (const v of variants) {
      const start = await startOnce(v.command, v.env(run));
      results.get(v.name)!.push(start);
      log(`run ${run} ${v.name.split(':')[0]!.split('(')[0]!.trim()}: ${start.ms.toFixed(0)} ms, CPU ${start.cpu.toFixed(2)} s, RSS ${start.rss.toFixed(0)} MB`);
    }
  }
  const rows = variants.map((v) => {
    const r = results.get(v.name)!;
    return `| ${v.name} | ${median(r.map((s) => s.ms)).toFixed(0)} ms (${Math.min(...r.map((s) => s.ms)).toFixed(0)}–${Math.max(...r.map((s) => s.ms)).toFixed(0)}) | ${median(r.map((s) => s.cpu)).toFixed(2)} s | ${median(r.map((s) => s.rss)).toFixed(0)} MB |`;
  });
  writeSection('Start-up', {
    command: args.runs === '7' ? 'npm exec -- node --import tsx bench/startup.bench.ts' : `npm exec -- node --import tsx bench/startup.bench.ts --runs ${args.runs}`,
    loadBefore,
    body: [
      `From the process starting to \`GET /ready\` answering 200 (SQLite under a data directory, mail to the outbox), ${RUNS} runs of each, alternating; median (fastest–slowest), the process's CPU time and RSS at that moment.`,
      '',
      '| Start | Ready after | CPU at ready | RSS at ready |',
      '|---|---:|---:|---:|',
      ...rows,
    ].join('\n'),
    notes: [
      'Goal: `npm start` serves in under 1 s after install. `bin/listgate.js` runs the TypeScript sources with',
      "Node.js's own type stripping (no loader to start, compile or keep in memory) and keeps each module's",
      "compiled code in Node's compile cache (in the system's temporary folder; `NODE_COMPILE_CACHE` moves it).",
    ].join('\n'),
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
