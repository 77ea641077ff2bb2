// Per-API-key rate limits (per second and per day, from the operator's defaults or the app's own), with
// the IETF RateLimit headers on every API response and 429 + Retry-After when a limit is reached.
// Counters live in memory on one node and in Redis when several nodes share the budget.
//
// A node takes its share of a window in leases: one counter update reserves max(1, limit / LEASE_PARTS)
// calls, which the node then spends locally. A large budget thus costs one Redis round trip per lease, not per
// call; a small one (the legacy 4/s) leases one call at a time, so it stays exact. Reserved calls are counted
// in the shared window when leased, so the nodes together never admit more than the limit; a node's unspent
// lease can refuse others early by at most one lease per node and window.
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';
import type { CounterStore } from '../shared/counter-store.ts';

export type Limits = { perSecond: number; perDay: number };

export type RateLimiter = ReturnType<typeof createRateLimiter>;

const DAY_MS = 86_400_000;
const LEASE_PARTS = { second: 100, day: 1000 } as const;

type Lease = { resetAt: number; left: number; total: number; limit: number; full: boolean };
type Window = { key: string; windowMs: number; limit: number; parts: number };
/** Where this call stands in its window: its position (count) and when the window ends. */
type Position = { count: number; resetAt: number };

export function createRateLimiter(deps: { counters: CounterStore; defaults: Limits; now?: () => number }) {
  const { counters, defaults } = deps;
  const now = deps.now ?? Date.now;
  const leases = new Map<string, Lease>();
  const pending = new Map<string, Promise<Lease>>();

  /** The lease of `key` for the current window, if it still has a call to spend (and the same limit). */
  function current(key: string, windowMs: number, limit: number): Lease | undefined {
    const resetAt = Math.floor(now() / windowMs) * windowMs + windowMs;
    const lease = leases.get(key);
    if (!lease || lease.resetAt !== resetAt || lease.limit !== limit || lease.left <= 0) return undefined;
    return lease;
  }

  /** Spends one call from a lease that has one left: synchronously, so that concurrent calls never share it. */
  function spend(lease: Lease): Position {
    lease.left--;
    return { count: lease.total - lease.left, resetAt: lease.resetAt };
  }

  /** Takes a new lease of `w` from the counter store; concurrent callers of one key share one request. */
  function lease(w: Window): Promise<Lease> {
    const inFlight = pending.get(w.key);
    if (inFlight) return inFlight;
    const amount = Math.max(1, Math.floor(w.limit / w.parts));
    const request = counters
      .hit(w.key, w.windowMs, amount)
      .then((hit) => {
        const before = hit.count - amount;
        // Past the limit only the part of the lease that fits is spendable; the rest stays counted (the window is full).
        const usable = Math.max(0, Math.min(amount, w.limit - before));
        const fresh: Lease = { resetAt: hit.resetAt, left: usable, total: before + usable, limit: w.limit, full: usable < amount };
        leases.set(w.key, fresh);
        if (leases.size > 50_000) for (const [k, l] of leases) if (l.resetAt <= now()) leases.delete(k);
        return fresh;
      })
      .finally(() => pending.delete(w.key));
    pending.set(w.key, request);
    return request;
  }

  /** Spends one call of the window, from the node's lease or, when it is spent, from a new one. */
  async function take(w: Window): Promise<Position> {
    for (;;) {
      const held = current(w.key, w.windowMs, w.limit);
      if (held) return spend(held);
      const fresh = await lease(w);
      if (fresh.left > 0) return spend(fresh);
      // The window is full: this call stands past the limit.
      if (fresh.full) return { count: Math.max(fresh.total + 1, w.limit + 1), resetAt: fresh.resetAt };
    }
  }

  /**
   * Counts one call of `key` against its limits, sets the headers, and throws 429 when over: `throttled`
   * for the per-second limit, `quota_exceeded` for the daily quota (the legacy platform's two kinds).
   */
  async function consume(key: string, reply: FastifyReply, own: Partial<Limits> = {}): Promise<void> {
    const limits = { perSecond: own.perSecond ?? defaults.perSecond, perDay: own.perDay ?? defaults.perDay };
    const [second, day] = await Promise.all([
      take({ key: `rl:s:${key}`, windowMs: 1000, limit: limits.perSecond, parts: LEASE_PARTS.second }),
      take({ key: `rl:d:${key}`, windowMs: DAY_MS, limit: limits.perDay, parts: LEASE_PARTS.day }),
    ]);
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
