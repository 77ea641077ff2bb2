// The progress line of `listgate sync` on a terminal (stderr, redrawn at most ten times a second);
// silent otherwise, so cron mail carries only the JSON summary.
export type Progress = {
  fetched(count: number): void;
  merging(): void;
  note(message: string): void;
  done(): void;
};

export function createProgress(enabled: boolean): Progress {
  let last = 0;
  const started = Date.now();
  const draw = (text: string, force = false) => {
    if (!enabled) return;
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    process.stderr.write(`\r\x1b[K${text}`);
  };
  return {
    fetched(count) {
      const rate = Math.round(count / Math.max(0.001, (Date.now() - started) / 1000));
      draw(`Fetching changes: ${count.toLocaleString('en-US')} (${rate.toLocaleString('en-US')}/s)`);
    },
    merging: () => draw('Writing the output file…', true),
    note(message) {
      if (enabled) process.stderr.write(`\r\x1b[K`);
      process.stderr.write(`listgate: ${message}\n`);
    },
    done: () => draw('', true),
  };
}
