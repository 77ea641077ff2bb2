// Per-API-key rate limits (per second and per day, from the operator's defaults or the app's own), with
// the IETF RateLimit headers on every API response and 429 + Retry-After when a limit is reached.
// Counters live in memory on one node and in Redis when several nodes share the budget.
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';
import type { CounterHit, CounterStore } from '../shared/counter-store.ts';

export type Limits = { perSecond: number; perDay: number };

export type RateLimiter = ReturnType<typeof createRateLimiter>;

const DAY_MS = 86_400_000;

export function createRateLimiter(deps: { counters: CounterStore; defaults: Limits; now?: () => number }) {
  const { counters, defaults } = deps;
  const now = deps.now ?? Date.now;

  /**
   * Counts one call of `key` against its limits, sets the headers, and throws 429 when over: `throttled`
   * for the per-second limit, `quota_exceeded` for the daily quota (the legacy platform's two kinds).
   */
  async function consume(key: string, reply: FastifyReply, own: Partial<Limits> = {}): Promise<void> {
    const limits = { perSecond: own.perSecond ?? defaults.perSecond, perDay: own.perDay ?? defaults.perDay };
    const [second, day] = (await counters.hitMany([
      { key: `rl:s:${key}`, windowMs: 1000 },
      { key: `rl:d:${key}`, windowMs: DAY_MS },
    ])) as [CounterHit, CounterHit];
    const t = now();
    const secondReset = Math.max(1, Math.ceil((second.resetAt - t) / 1000));
    const dayReset = Math.max(1, Math.ceil((day.resetAt - t) / 1000));
    const overDay = day.count > limits.perDay;
    const overSecond = second.count > limits.perSecond;
    // The tighter of the two policies is the one reported (draft-ietf-httpapi-ratelimit-headers).
    const secondRemaining = Math.max(0, limits.perSecond - second.count);
    const dayRemaining = Math.max(0, limits.perDay - day.count);
    const reportDay = overDay || dayRemaining < secondRemaining;
    reply.header('RateLimit-Policy', `${limits.perSecond};w=1, ${limits.perDay};w=86400`);
    reply.header('RateLimit-Limit', String(reportDay ? limits.perDay : limits.perSecond));
    reply.header('RateLimit-Remaining', String(reportDay ? dayRemaining : secondRemaining));
    reply.header('RateLimit-Reset', String(reportDay ? dayReset : secondReset));
    if (overDay) {
      throw new AppError('QUOTA_EXCEEDED', `The daily quota of ${limits.perDay} calls for this API key is used up`, {
        headers: { 'Retry-After': String(dayReset) },
      });
    }
    if (overSecond) {
      throw new AppError('THROTTLED', `More than ${limits.perSecond} calls per second for this API key`, {
        headers: { 'Retry-After': String(secondReset) },
      });
    }
  }

  return { consume };
}
