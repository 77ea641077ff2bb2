import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  backoffDelay,
  defaultRetryPolicy,
  fetchWithRetry,
  NetworkError,
  parseRetryAfter,
  type RetryPolicy,
} from './http-client.ts';

/** A server that answers each request with the next scripted [status, headers] (then 200). */
let script: Array<[number, Record<string, string>]> = [];
let hits = 0;
let server: Server;
let base: string;

before(async () => {
  server = createServer((_req, res) => {
    hits++;
    const [status, headers] = script.shift() ?? [200, {}];
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return {
    ...defaultRetryPolicy,
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    waits,
    ...overrides,
  };
}

describe('fetchWithRetry', () => {
  it('retries 5xx with growing backoff and returns the first success', async () => {
    script = [
      [503, {}],
      [502, {}],
      [500, {}],
    ];
    hits = 0;
    const p = policy();
    const res = await fetchWithRetry(base, {}, p);
    assert.equal(res.status, 200);
    assert.equal(hits, 4);
    assert.deepEqual(p.waits, [375, 750, 1500]);
  });

  it('waits what Retry-After says on a 429', async () => {
    script = [[429, { 'retry-after': '7' }]];
    const p = policy();
    assert.equal((await fetchWithRetry(base, {}, p)).status, 200);
    assert.deepEqual(p.waits, [7000]);
  });

  it('gives up at once when Retry-After asks for longer than it may wait', async () => {
    script = [[429, { 'retry-after': '86400' }]];
    const p = policy();
    assert.equal((await fetchWithRetry(base, {}, p)).status, 429);
    assert.deepEqual(p.waits, []);
  });

  it('returns the last failure once the retries run out', async () => {
    script = [
      [503, {}],
      [503, {}],
      [503, {}],
    ];
    hits = 0;
    const res = await fetchWithRetry(base, {}, policy({ retries: 2 }));
    assert.equal(res.status, 503);
    assert.equal(hits, 3);
    script = [];
  });

  it('does not retry other client errors', async () => {
    script = [[404, {}]];
    hits = 0;
    assert.equal((await fetchWithRetry(base, {}, policy())).status, 404);
    assert.equal(hits, 1);
  });

  it('retries refused connections, then reports them as a NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const p = policy({ retries: 2 });
    await assert.rejects(
      fetchWithRetry(url, {}, p),
      (e: unknown) => e instanceof NetworkError && e.code === 'ECONNREFUSED' && e.attempts === 3,
    );
    assert.equal(p.waits.length, 2);
  });
});

describe('retry timing helpers', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('12'), 12_000);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      10_000,
    );
    assert.equal(parseRetryAfter('soon'), null);
    assert.equal(parseRetryAfter(null), null);
  });

  it('caps the backoff', () => {
    const p = { baseDelayMs: 500, maxDelayMs: 30_000, random: () => 1 };
    assert.equal(backoffDelay(0, p), 500);
    assert.equal(backoffDelay(20, p), 30_000);
  });
});
