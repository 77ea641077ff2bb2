import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyReply } from 'fastify';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { createAccountWithToken } from '../../test/helpers/tokens.ts';
import type { AppError } from '../errors.ts';
import { type CounterStore, createMemoryCounterStore } from '../shared/counter-store.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';

function fakeReply() {
  const headers: Record<string, string> = {};
  const reply = {
    header(k: string, v: string) {
      headers[k] = v;
      return reply;
    },
  } as unknown as FastifyReply;
  return { reply, headers };
}

describe('rate limiter', () => {
  it('throttles the call after the per-second limit and lets the next second through', async () => {
    let t = Date.parse('2026-03-01T10:00:00.000Z');
    const limiter = createRateLimiter({ counters: createMemoryCounterStore(() => t), defaults: { perSecond: 2, perDay: 100 }, now: () => t });
    await limiter.consume('key', fakeReply().reply);
    const second = fakeReply();
    await limiter.consume('key', second.reply);
    assert.equal(second.headers['RateLimit-Remaining'], '0');
    const third = fakeReply();
    await assert.rejects(limiter.consume('key', third.reply), (e: AppError) => e.status === 429 && e.key === 'throttled' && e.headers['Retry-After'] === '1');
    t += 1000;
    await limiter.consume('key', fakeReply().reply);
  });

  it('reports quota_exceeded once the daily quota is used, with the seconds until midnight UTC', async () => {
    const t = Date.parse('2026-03-01T23:00:00.000Z');
    const limiter = createRateLimiter({ counters: createMemoryCounterStore(() => t), defaults: { perSecond: 100, perDay: 1 }, now: () => t });
    await limiter.consume('key', fakeReply().reply);
    await assert.rejects(limiter.consume('key', fakeReply().reply), (e: AppError) => e.key === 'quota_exceeded' && e.headers['Retry-After'] === '3600');
  });

  it('keeps separate budgets per API key and honours the app\'s own limits', async () => {
    const t = Date.parse('2026-03-01T10:00:00.000Z');
    const limiter = createRateLimiter({ counters: createMemoryCounterStore(() => t), defaults: { perSecond: 1, perDay: 100 }, now: () => t });
    await limiter.consume('a', fakeReply().reply);
    await limiter.consume('b', fakeReply().reply);
    await limiter.consume('c', fakeReply().reply, { perSecond: 3 });
    await limiter.consume('c', fakeReply().reply, { perSecond: 3 });
    await assert.rejects(limiter.consume('a', fakeReply().reply));
  });
});

describe('rate limiter leases', () => {
  const at = Date.parse('2026-03-01T10:00:00.000Z');
  const counting = (store: CounterStore) => {
    const calls = { hit: 0 };
    const wrapped: CounterStore = {
      ...store,
      hit(key, windowMs, amount) {
        calls.hit++;
        return store.hit(key, windowMs, amount);
      },
    };
    return { wrapped, calls };
  };
  const admitted = async (limiter: RateLimiter, key: string) =>
    limiter.consume(key, fakeReply().reply).then(
      () => true,
      () => false,
    );

  it('spends a large budget from local leases: one counter update per 1% of the per-second limit', async () => {
    const { wrapped, calls } = counting(createMemoryCounterStore(() => at));
    const limiter = createRateLimiter({ counters: wrapped, defaults: { perSecond: 1000, perDay: 1_000_000 }, now: () => at });
    const remaining: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { reply, headers } = fakeReply();
      await limiter.consume('key', reply);
      remaining.push(headers['RateLimit-Remaining']!);
    }
    // 100 calls: ten leases of 10 in the second's window, one lease of 1,000 in the day's.
    assert.equal(calls.hit, 11);
    assert.equal(remaining[0], '999');
    assert.equal(remaining[99], '900');
  });

  it('never lets two nodes sharing the counters admit more than the limit, and refuses early by at most a lease each', async () => {
    const store = createMemoryCounterStore(() => at);
    const nodes = [0, 1].map(() => createRateLimiter({ counters: store, defaults: { perSecond: 1000, perDay: 1_000_000 }, now: () => at }));
    let count = 0;
    for (let i = 0; i < 1500; i++) if (await admitted(nodes[(i * 7919) % 3 === 0 ? 0 : 1]!, 'shared')) count++;
    assert.ok(count <= 1000 && count >= 1000 - 2 * 10, `admitted ${count}`);
  });

  it('admits concurrent calls far below the limit while a lease of the other window is being taken', async () => {
    const store = createMemoryCounterStore(() => at);
    // A counter store that answers later, as Redis does: calls overlap while one awaits its lease.
    const slow: CounterStore = {
      ...store,
      async hit(key, windowMs, amount) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return store.hit(key, windowMs, amount);
      },
    };
    const limiter = createRateLimiter({ counters: slow, defaults: { perSecond: 1000, perDay: 1_000_000 }, now: () => at });
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => admitted(limiter, 'busy')));
    assert.equal(outcomes.filter(Boolean).length, 200);
  });

  it('stays exact for a small limit (the legacy 4 per second) across two nodes', async () => {
    const store = createMemoryCounterStore(() => at);
    const nodes = [0, 1].map(() => createRateLimiter({ counters: store, defaults: { perSecond: 4, perDay: 10_000 }, now: () => at }));
    const outcomes: boolean[] = [];
    for (let i = 0; i < 10; i++) outcomes.push(await admitted(nodes[i % 2]!, 'legacy'));
    assert.deepEqual(outcomes, [true, true, true, true, false, false, false, false, false, false]);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`API rate limits (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect, { RATE_LIMIT_PER_DAY: '2' });
    });
    after(() => server.close());

    it('sends RateLimit headers and answers 429 quota_exceeded with Retry-After past the quota', async () => {
      const token = await createAccountWithToken(server);
      const first = await fetch(`${server.url}/v3/account/summary`, { headers: token.headers });
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('ratelimit-limit'), '2');
      assert.equal(first.headers.get('ratelimit-remaining'), '1');
      await fetch(`${server.url}/v3/account/summary`, { headers: token.headers });
      const over = await fetch(`${server.url}/v3/account/summary`, { headers: token.headers });
      assert.equal(over.status, 429);
      assert.ok(Number(over.headers.get('retry-after')) > 0);
      const body = (await over.json()) as { error_key: string }[];
      assert.equal(body[0]?.error_key, 'quota_exceeded');
    });
  });
}
