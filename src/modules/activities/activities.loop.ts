// Keeps bulk jobs moving outside of requests: picks up jobs left pending or abandoned by a crashed node
// at start-up and then every few seconds. `listgate serve` runs it in-process; `listgate worker` alone.
import type { Logger } from 'pino';

export type JobLoop = { stop(): Promise<void> };

export function startJobLoop(deps: {
  runPending: () => Promise<number>;
  log: Logger;
  intervalMs?: number;
  /** What the loop does, for its log lines. */
  label?: string;
}): JobLoop {
  const { runPending, log } = deps;
  const label = deps.label ?? 'bulk jobs';
  let current: Promise<void> | null = null;
  let stopped = false;

  // One pass at a time: a slow pass is not overlapped by the next tick.
  const tick = () => {
    if (current || stopped) return;
    current = runPending()
      .then(
        (count) => {
          if (count) log.info({ count }, `${label}: done`);
        },
        (err: unknown) => log.error({ err }, `${label}: failed`),
      )
      .finally(() => {
        current = null;
      });
  };
  tick();
  const timer = setInterval(tick, deps.intervalMs ?? 5_000);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
