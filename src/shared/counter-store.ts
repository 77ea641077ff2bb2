// Fixed-window counters shared by the rate limiter and the sign-in throttle: in memory on one node, in
// Redis when several nodes must agree.
import type { Redis } from 'ioredis';

export type CounterHit = { count: number; resetAt: number };
export type CounterIncrement = { key: string; windowMs: number; amount?: number };

export type CounterStore = {
  /** Adds `amount` to the counter of `key` in the current window of `windowMs`; returns the new count. */
  hit(key: string, windowMs: number, amount?: number): Promise<CounterHit>;
  /** Several hits at once: one round trip to Redis (the API's rate limit counts two windows per call). */
  hitMany(hits: readonly CounterIncrement[]): Promise<CounterHit[]>;
  peek(key: string, windowMs: number): Promise<CounterHit>;
  /** Clears the counter of `key` in the current window of `windowMs`: one exact key, never a pattern. */
  reset(key: string, windowMs: number): Promise<void>;
  close(): Promise<void>;
};

export function createMemoryCounterStore(now: () => number = Date.now): CounterStore {
  const counters = new Map<string, CounterHit>();
  let sweeps = 0;
  const current = (key: string, windowMs: number): CounterHit => {
    const t = now();
    const resetAt = Math.floor(t / windowMs) * windowMs + windowMs;
    const entry = counters.get(key);
    if (entry && entry.resetAt === resetAt) return entry;
    const fresh = { count: 0, resetAt };
    counters.set(key, fresh);
    if (++sweeps % 10_000 === 0) {
      for (const [k, v] of counters) if (v.resetAt <= t) counters.delete(k);
    }
    return fresh;
  };
  const hit = (key: string, windowMs: number, amount = 1): CounterHit => {
    const entry = current(key, windowMs);
    entry.count += amount;
    return { ...entry };
  };
  return {
    async hit(key, windowMs, amount = 1) {
      return hit(key, windowMs, amount);
    },
    async hitMany(hits) {
      return hits.map((h) => hit(h.key, h.windowMs, h.amount));
    },
    async peek(key, windowMs) {
      return { ...current(key, windowMs) };
    },
    async reset(key) {
      counters.delete(key);
    },
    async close() {
      counters.clear();
    },
  };
}

// Adds ARGV[2i-1] to KEYS[i] and gives a new key the time to live ARGV[2i] (ms); returns the new counts.
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
    const args = hits.flatMap((h) => [h.amount ?? 1, h.windowMs + 1000]);
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
    async reset(key, windowMs) {
      // The exact key of the current window: a key may hold user input (an email), so it is never a pattern.
      await redis.del(windowKey(key, windowMs).redisKey);
    },
    async close() {},
  };
}
