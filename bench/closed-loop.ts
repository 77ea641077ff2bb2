// A bounded closed-loop load generator over node:http with keep-alive: `concurrency` loops each send one
// request after another for `seconds` (after a short unrecorded warm-up); requests/s, p50/p99, failures.
import http from 'node:http';
import { percentile } from './http-load.ts';

export type Target = {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
};
export type Measured = {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
};

function send(agent: http.Agent, target: Target, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...target.headers,
      ...(target.body ? { 'content-length': String(Buffer.byteLength(target.body)) } : {}),
    };
    const req = http.request(url, { method: target.method ?? 'GET', agent, headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(target.body);
  });
}

export async function closedLoop(
  target: Target,
  options: { concurrency: number; seconds: number; warmupSeconds?: number },
): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(target.url);
  const latencies: number[] = [];
  let failures = 0;
  const loop = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const start = performance.now();
      const status = await send(agent, target, url).catch(() => 0);
      if (!record) continue;
      latencies.push(performance.now() - start);
      if (status < 200 || status >= 300) failures++;
    }
  };
  const run = (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    return Promise.all(Array.from({ length: options.concurrency }, () => loop(until, record)));
  };
  await run(options.warmupSeconds ?? 1, false);
  const started = performance.now();
  await run(options.seconds, true);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures,
  };
}
