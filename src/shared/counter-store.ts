// Fixed-window counters shared by the rate limiter and the attempt throttles: in memory on one node, in
// Redis when several nodes must agree. Each window's count is kept through the next window, so that the
// attempt throttles can weigh the previous window in (a sliding window, src/shared/sliding-window.ts).
import type { Redis } from 'ioredis';

export type CounterHit = { count: number; resetAt: number };
export type CounterIncrement = { key: string; windowMs: number; amount?: number };
/** The counts of the current window of `key` (which started at `windowStart`) and of the one before it. */
export type CounterWindows = { current: number; previous: number; windowStart: number };

export type CounterStore = {
  /** Adds `amount` to the counter of `key` in the current window of `windowMs`; returns the new count. */
  hit(key: string, windowMs: number, amount?: number): Promise<CounterHit>;
  /** Several hits at once: one round trip to Redis (the API's rate limit counts two windows per call). */
  hitMany(hits: readonly CounterIncrement[]): Promise<CounterHit[]>;
  peek(key: string, windowMs: number): Promise<CounterHit>;
  peekWindows(key: string, windowMs: number): Promise<CounterWindows>;
  /** Clears the counts of `key` in the current and the previous window: exact keys, never a pattern. */
  reset(key: string, windowMs: number): Promise<void>;
  close(): Promise<void>;
};

export function createMemoryCounterStore(now: () => number = Date.now): CounterStore {
  type Entry = CounterHit & { previous: number; windowMs: number };
  const counters = new Map<string, Entry>();
  let sweeps = 0;
  const current = (key: string, windowMs: number): Entry => {
    const t = now();
    const resetAt = Math.floor(t / windowMs) * windowMs + windowMs;
    const entry = counters.get(key);
    if (entry && entry.resetAt === resetAt) return entry;
    const previous = entry && entry.resetAt === resetAt - windowMs ? entry.count : 0;
    const fresh = { count: 0, resetAt, previous, windowMs };
    counters.set(key, fresh);
    if (++sweeps % 10_000 === 0) {
      for (const [k, v] of counters) if (v.resetAt + v.windowMs <= t) counters.delete(k);
    }
    return fresh;
  };
  const hit = (key: string, windowMs: number, amount = 1): CounterHit => {
    const entry = current(key, windowMs);
    entry.count += amount;
    return { count: entry.count, resetAt: entry.resetAt };
  };
  return {
    async hit(key, windowMs, amount = 1) {
      return hit(key, windowMs, amount);
    },
    async hitMany(hits) {
      return hits.map((h) => hit(h.key, h.windowMs, h.amount));
    },
    async peek(key, windowMs) {
      const { count, resetAt } = current(key, windowMs);
      return { count, resetAt };
    },
    async peekWindows(key, windowMs) {
      const { count, previous, resetAt } = current(key, windowMs);
      return { current: count, previous, windowStart: resetAt - windowMs };
    },
    async reset(key) {
      counters.delete(key);
    },
    async close() {
      counters.clear();
    },
  };
}

// Adds ARGV[2i-1] to KEYS[i] and gives a new key the time to live ARGV[2i] (ms: two windows and a second,
// so a window's count is still there while it is the previous one); returns the new counts.
// One script for every window of a call: one round trip instead of a MULTI per window.
const HIT_SCRIPT = `
local counts = {}
for i, key in ipairs(KEYS) do
  local amount = tonumber(ARGV[2 * i - 1])
  local count = redis.call('INCRBY', key, amount)
  if count == amount then redis.call('PEXPIRE', key, ARGV[2 * i]) end
  counts[i] = count
end
return counts`;

type HitCommand = { listgateHits(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]> };

export function createRedisCounterStore(redis: Redis, now: () => number = Date.now): CounterStore {
  const windowKey = (key: string, windowMs: number) => {
    const resetAt = Math.floor(now() / windowMs) * windowMs + windowMs;
    return { redisKey: `lg:c:${key}:${resetAt}`, resetAt };
  };
  // ioredis sends the script by its SHA1 (EVALSHA) and loads it again after a Redis restart.
  if (!('listgateHits' in redis)) redis.defineCommand('listgateHits', { lua: HIT_SCRIPT });
  const script = redis as unknown as HitCommand;

  async function hitMany(hits: readonly CounterIncrement[]): Promise<CounterHit[]> {
    const windows = hits.map((h) => windowKey(h.key, h.windowMs));
    const args = hits.flatMap((h) => [h.amount ?? 1, 2 * h.windowMs + 1000]);
    const counts = await script.listgateHits(hits.length, ...windows.map((w) => w.redisKey), ...args);
    return counts.map((count, i) => ({ count, resetAt: windows[i]!.resetAt }));
  }

  return {
    async hit(key, windowMs, amount = 1) {
      return (await hitMany([{ key, windowMs, amount }]))[0]!;
    },
    hitMany,
    async peek(key, windowMs) {
      const { redisKey, resetAt } = windowKey(key, windowMs);
      return { count: Number((await redis.get(redisKey)) ?? 0), resetAt };
    },
    async peekWindows(key, windowMs) {
      const { redisKey, resetAt } = windowKey(key, windowMs);
      const [current, previous] = await redis.mget(redisKey, `lg:c:${key}:${resetAt - windowMs}`);
      return { current: Number(current ?? 0), previous: Number(previous ?? 0), windowStart: resetAt - windowMs };
    },
    async reset(key, windowMs) {
      // The exact keys of the two windows: a key may hold user input (an email), so it is never a pattern.
      const { redisKey, resetAt } = windowKey(key, windowMs);
      await redis.del(redisKey, `lg:c:${key}:${resetAt - windowMs}`);
    },
    async close() {},
  };
}
