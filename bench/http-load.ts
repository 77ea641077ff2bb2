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

/** `concurrency` loops GET `url` back to back for `seconds` (after `warmup` requests per loop). */
export async function load(
  url: string,
  headers: Record<string, string>,
  options: { concurrency: number; seconds: number; warmup?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const once = async (record: boolean) => {
    const start = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
    if (record) latencies.push(performance.now() - start);
  };
  for (let i = 0; i < (options.warmup ?? 5); i++) await once(false);
  const started = performance.now();
  const end = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end) await once(true);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
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
