// Small load tools for the benchmarks: a bounded closed-loop load generator over fetch (keep-alive), latency
// percentiles, and a sampler of another process's resident memory (from /proc).
import { readFileSync } from 'node:fs';

export type LoadResult = {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
};

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type Run = { latencies: number[]; seconds: number; errors: number };

/** `concurrency` loops GET `url` back to back for `seconds` (after `warmup` requests per loop). */
async function run(
  url: string,
  headers: Record<string, string>,
  concurrency: number,
  seconds: number,
  warmup: number,
): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const once = async (record: boolean) => {
    const start = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
    if (record) latencies.push(performance.now() - start);
  };
  for (let i = 0; i < warmup; i++) await once(false);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await once(true);
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

function summarize(runs: Run[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

/**
 * Loads several URLs in alternating one-second rounds until each had `seconds`, so that a change in the
 * machine's load (it may be shared) weighs on every URL alike instead of on whichever ran last.
 */
export async function loadAlternating(
  urls: readonly string[],
  headers: Record<string, string>,
  options: { concurrency: number; seconds: number },
): Promise<LoadResult[]> {
  const runs: Run[][] = urls.map(() => []);
  for (const url of urls) await run(url, headers, 1, 0, 5);
  for (let round = 0; round < Math.max(1, Math.round(options.seconds)); round++) {
    for (const [i, url] of urls.entries()) runs[i]!.push(await run(url, headers, options.concurrency, 1, 0));
  }
  return runs.map(summarize);
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (Linux; 100 ticks/s): on a shared machine, steadier than wall time. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), counted here from field 3 (state)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples `pid`'s RSS every `everyMs` until stopped; returns the first, highest and last samples. */
export function sampleRss(
  pid: number,
  everyMs = 50,
): { stop(): { start: number; max: number; end: number } } {
  const samples = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      samples.push(rssMb(pid));
      return { start: samples[0]!, max: Math.max(...samples), end: samples[samples.length - 1]! };
    },
  };
}
