// Crash points for the durability tests: LISTGATE_TEST_CRASH_AFTER_REFRESH=1 kills the process after the
// server answered a refresh and before the new pair is saved; ..._AFTER_PAGES=N after N feed pages.
export type CrashPoint = 'AFTER_REFRESH' | 'AFTER_PAGES';

/** Dies like `kill -9` (no exit handlers, locks left behind) when the matching variable is set. */
export function crashPoint(point: CrashPoint, count = 1): void {
  const wanted = process.env[`LISTGATE_TEST_CRASH_${point}`];
  if (wanted && Number(wanted) === count) process.kill(process.pid, 'SIGKILL');
}
