// `npm run bench`: runs every bench/*.bench.ts one after the other (never side by side, so that they do not
// disturb each other's figures), each in its own process with its default options. BENCH_ONLY=contacts,sync
// picks some; run a benchmark file directly to pass it options.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.env.BENCH_ONLY?.split(',');
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts') && (!only || only.some((o) => name.startsWith(o))))
  .sort();
let failed = 0;
for (const file of files) {
  process.stderr.write(`\n== ${file}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
