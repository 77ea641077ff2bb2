// Fixed-window counters on both stores: several windows counted in one call, a window's count readable
// through the next window (for sliding limits) and gone after it, and (Redis) one round trip per call.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { randomToken } from './crypto.ts';
import { type CounterStore, createMemoryCounterStore, createRedisCounterStore } from './counter-store.ts';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl && process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis counter suite is required in CI');
const redisSkip = redisUrl ? false : 'TEST_REDIS_URL is not set: the Redis counter store is NOT tested';

async function countsTwoWindows(store: CounterStore, t: { now: number }) {
  const key = `k${randomToken(6)}`;
  const hits = [
    { key: `${key}:s`, windowMs: 1000 },
    { key: `${key}:d`, windowMs: 86_400_000, amount: 2 },
  ];
  assert.deepEqual((await store.hitMany(hits)).map((h) => h.count), [1, 2]);
  assert.deepEqual((await store.hitMany(hits)).map((h) => h.count), [2, 4]);
  t.now += 1000;
  const [second, day] = await store.hitMany(hits);
  assert.equal(second!.count, 1, 'a new second starts a new window');
  assert.equal(day!.count, 6);
  assert.equal(second!.resetAt % 1000, 0);
  assert.equal((await store.hit(`${key}:s`, 1000)).count, 2);
  assert.equal((await store.peek(`${key}:d`, 86_400_000)).count, 6);
}

/** The previous window's count stays readable for one window, and a reset clears both windows. */
async function keepsThePreviousWindow(store: CounterStore, t: { now: number }) {
  const key = `w${randomToken(6)}`;
  const windowMs = 60_000;
  const start = Math.floor(t.now / windowMs) * windowMs;
  await store.hit(key, windowMs, 3);
  assert.deepEqual(await store.peekWindows(key, windowMs), { current: 3, previous: 0, windowStart: start });
  t.now += windowMs;
  await store.hit(key, windowMs);
  assert.deepEqual(await store.peekWindows(key, windowMs), { current: 1, previous: 3, windowStart: start + windowMs });
  t.now += windowMs;
  assert.deepEqual(await store.peekWindows(key, windowMs), { current: 0, previous: 1, windowStart: start + 2 * windowMs });
  t.now += 2 * windowMs;
  assert.deepEqual(await store.peekWindows(key, windowMs), { current: 0, previous: 0, windowStart: start + 4 * windowMs });
  await store.hit(key, windowMs, 2);
  t.now += windowMs;
  await store.hit(key, windowMs, 5);
  await store.reset(key, windowMs);
  assert.deepEqual(await store.peekWindows(key, windowMs), { current: 0, previous: 0, windowStart: start + 5 * windowMs });
}

describe('counter store (memory)', () => {
  it('counts several windows in one call', async () => {
    const t = { now: Date.parse('2026-06-01T10:00:00.200Z') };
    await countsTwoWindows(createMemoryCounterStore(() => t.now), t);
  });

  it('keeps the previous window through the next one, and resets both', async () => {
    const t = { now: Date.parse('2026-06-01T10:00:12.000Z') };
    await keepsThePreviousWindow(createMemoryCounterStore(() => t.now), t);
  });
});

describe('counter store (Redis)', { skip: redisSkip }, () => {
  const redis = redisUrl ? new Redis(redisUrl) : null;
  after(() => redis?.quit());

  it('counts several windows in one round trip, and each key expires after its window', async () => {
    const t = { now: Math.floor(Date.now() / 1000) * 1000 + 200 };
    const store = createRedisCounterStore(redis!, () => t.now);
    // The first call loads the script into a fresh Redis (EVALSHA, NOSCRIPT, then EVAL): done before counting.
    await store.hit(`warm-${randomToken(6)}`, 1000);
    const monitor = await redis!.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    try {
      await countsTwoWindows(store, t);
    } finally {
      monitor.disconnect();
    }
    // The script's own INCRBY/PEXPIRE show as well; what the client sends is one EVALSHA (or EVAL) per call.
    const sent = commands.filter((c) => c === 'evalsha' || c === 'eval' || c === 'multi' || c === 'exec');
    assert.ok(sent.every((c) => c === 'evalsha' || c === 'eval'), commands.join(' '));
    assert.equal(sent.length, 4, commands.join(' '));
    const key = `lg:c:ttl-${randomToken(6)}`;
    await store.hit(key, 1000);
    const ttl = await redis!.pttl(`lg:c:${key}:${Math.floor(t.now / 1000) * 1000 + 1000}`);
    assert.ok(ttl > 2000 && ttl <= 3000, `ttl ${ttl}: kept through the next window, gone after it`);
  });

  it('keeps the previous window through the next one, and resets both', async () => {
    const t = { now: Date.parse('2026-06-01T10:00:12.000Z') };
    await keepsThePreviousWindow(createRedisCounterStore(redis!, () => t.now), t);
  });
});
