#!/usr/bin/env node
// The `listgate` command. Runs the compiled dist/ when present, else the TypeScript sources: with Node's own
// type stripping where it has it, through tsx where not.
// It needs Node.js 22.12 or newer. Cron's PATH often finds an older system `node` first, so on an older
// Node it runs itself again on the Node.js 24 the project pins (node_modules/node), or refuses clearly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

// V8 sizes its young generation for throughput (semi-spaces of up to 16 MB), promotes the survivors of its
// frequent scavenges and lets old garbage pile up between full collections, growing the heap by a factor
// of up to 4 after each: a server importing or walking a million contacts, or a sync parsing page after
// page of JSON, then holds 300 MB or more of RSS for a live heap of a few tens of MB. The project sizes the
// heap itself (docs/benchmarks.md): 8 MB semi-spaces for the server, whose scavenges stay cheap; 2 MB for
// the one-off commands. The server's heap grows by 20% at a time, so a full collection comes before the
// garbage of an import's batches piles up (a 200,000-row import: 319 MB peak RSS by V8's default, 214 MB
// so); that is no cap, a heap that needs more still gets it. The two streaming commands, whose data is
// bounded by design (sync: one 16 MB batch and a merge of sorted files; import: a line at a time), get a
// 128 MB old space (growth alone left a 300,000-contact sync at 150 MB). A flag the user gives
// (NODE_OPTIONS or on the command line) wins.
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
const SEMI_SPACE = ['serve', 'worker'].includes(command) ? '--max-semi-space-size=8' : '--max-semi-space-size=2';
const HEAP = {
  serve: ['--heap-growing-percent=20'],
  worker: ['--heap-growing-percent=20'],
  sync: ['--max-old-space-size=128'],
  import: ['--max-old-space-size=128'],
}[command] ?? [];

/** The heap flags to add: those the user has not given. */
function missingHeapFlags() {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map((f) => f.split('=')[0]);
  return [SEMI_SPACE, ...HEAP].filter((flag) => !given.includes(flag.split('=')[0]));
}

const [major, minor] = process.versions.node.split('.').map(Number);

if (major < 22 || (major === 22 && minor < 12)) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `listgate: needs Node.js 22.12 or newer, but ${process.execPath} is Node.js ${process.versions.node}; ` +
        `run \`npm install\` in ${fileURLToPath(new URL('..', import.meta.url))} (it installs the pinned Node.js 24), or install a newer Node.js\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [...missingHeapFlags(), fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // cron, systemd and Ctrl+C signal this process: pass the signal on, and exit the way the child did.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
} else if (missingHeapFlags().length && typeof process.execve === 'function') {
  // Node 23.11+: the process becomes itself again with the heap flags (same pid, so cron, systemd and
  // Ctrl+C still signal the process that does the work).
  const args = [...missingHeapFlags(), ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  process.execve(process.execPath, [process.execPath, ...args], process.env);
} else {
  // Node keeps the compiled code (and the stripped TypeScript) of each module in a cache on disk (in the
  // system's temporary folder, NODE_COMPILE_CACHE to move it): a command then starts in about half the CPU,
  // which cron jobs and scripts that call listgate many times feel.
  nodeModule.enableCompileCache?.();
  const compiled = new URL('../dist/cli/main.js', import.meta.url);
  const sources = new URL('../src/cli/main.ts', import.meta.url);
  if (existsSync(compiled)) {
    await import(compiled.href);
  } else if (process.features.typescript && !sources.pathname.includes('/node_modules/')) {
    // Node.js strips the types itself (22.18+, 23.6+): no loader to start, compile or keep in memory. It
    // refuses to do so for files under node_modules (an `npm install -g` of a checkout), where tsx still runs.
    await import(sources.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/cli/main.ts');
  }
}
