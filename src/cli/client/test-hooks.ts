// Hooks for the durability tests, inert unless their variable is set: LISTGATE_TEST_CRASH_AFTER_REFRESH=1
// kills the process after the server answered a refresh and before the new pair is saved;
// LISTGATE_TEST_CRASH_AFTER_PAGES=N after N feed pages; LISTGATE_TEST_WAIT_AFTER_LOCK=FILE makes a sync
// wait, holding its lock, until FILE exists (so a test can start a second run while the first one holds it).
import { existsSync } from 'node:fs';

export type CrashPoint = 'AFTER_REFRESH' | 'AFTER_PAGES';

/** Dies like `kill -9` (no exit handlers, locks left behind) when the matching variable is set. */
export function crashPoint(point: CrashPoint, count = 1): void {
  const wanted = process.env[`LISTGATE_TEST_CRASH_${point}`];
  if (wanted && Number(wanted) === count) process.kill(process.pid, 'SIGKILL');
}

export async function waitPoint(point: 'AFTER_LOCK'): Promise<void> {
  const file = process.env[`LISTGATE_TEST_WAIT_${point}`];
  if (!file) return;
  process.stderr.write(`listgate: test hook: waiting for ${file}\n`);
  while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
}
