#!/usr/bin/env node
// The `listgate` command. Runs the TypeScript sources through tsx, or the compiled dist/ when present.
// It needs Node.js 22.12 or newer. Cron's PATH often finds an older system `node` first, so on an older
// Node it runs itself again on the Node.js 24 the project pins (node_modules/node), or refuses clearly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);

// The long-running commands (serve, worker) start with a smaller young generation than V8's default: a
// server's memory then stays near what it holds (measured: 148 MB idle and 193 MB at the peak of a
// 20,000-row import, against 220 MB and 290 MB) for a little more garbage-collection work.
const V8_SETTINGS = ['--max-semi-space-size=4'];
function needsV8Settings() {
  const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  return (
    (command === 'serve' || command === 'worker') &&
    typeof process.execve === 'function' &&
    // An operator's own choice (node's command line or NODE_OPTIONS) stands.
    ![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'))
  );
}
if (major < 22 || (major === 22 && minor < 12)) {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `listgate: needs Node.js 22.12 or newer, but ${process.execPath} is Node.js ${process.versions.node}; ` +
        `run \`npm install\` in ${fileURLToPath(new URL('..', import.meta.url))} (it installs the pinned Node.js 24), or install a newer Node.js\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // cron, systemd and Ctrl+C signal this process: pass the signal on, and exit the way the child did.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
} else if (needsV8Settings()) {
  // Same process (execve keeps the pid, so supervisors and signals see no change), with the V8 settings.
  process.execve(process.execPath, [process.execPath, ...V8_SETTINGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], process.env);
} else {
  const compiled = new URL('../dist/cli/main.js', import.meta.url);
  if (existsSync(compiled)) {
    await import(compiled.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../src/cli/main.ts');
  }
}
