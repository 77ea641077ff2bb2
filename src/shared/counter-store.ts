// Fixed-window counters shared by the rate limiter and the sign-in throttle: in memory on one node, in
// Redis when several nodes must agree.
import type { Redis } from 'ioredis';

export type CounterHit = { count: number; resetAt: number };

export type CounterStore = {
  /** Adds `amount` to the counter of `key` in the current window of `windowMs`; returns the new count. */
  hit(key: string, windowMs: number, amount?: number): Promise<CounterHit>;
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
  return {
    async hit(key, windowMs, amount = 1) {
      const entry = current(key, windowMs);
      entry.count += amount;
      return { ...entry };
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

export function createRedisCounterStore(redis: Redis, now: () => number = Date.now): CounterStore {
  const windowKey = (key: string, windowMs: number) => {
    const resetAt = Math.floor(now() / windowMs) * windowMs + windowMs;
    return { redisKey: `lg:c:${key}:${resetAt}`, resetAt };
  };
  return {
    async hit(key, windowMs, amount = 1) {
      const { redisKey, resetAt } = windowKey(key, windowMs);
      const [[, count]] = (await redis.multi().incrby(redisKey, amount).pexpire(redisKey, windowMs + 1000).exec()) as [
        [unknown, number],
      ];
      return { count, resetAt };
    },
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
