import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyReply } from 'fastify';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { createAccountWithToken } from '../../test/helpers/tokens.ts';
import type { AppError } from '../errors.ts';
import { createMemoryCounterStore } from '../shared/counter-store.ts';
import { createRateLimiter } from './rate-limit.ts';

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
