// Per-API-key rate limits (per second and per day, from the operator's defaults or the app's own) and, beside
// them, a per-customer-account budget that all apps acting on one account share, with the IETF RateLimit headers on every API response and 429 + Retry-After when a limit is reached.
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
/** One limit a call counts against: the API key's or its customer account's, per second or per day. */
type Budget = { owner: 'API key' | 'account'; limit: number; windowMs: number; window: Window };
/** Where this call stands in its window: its position (count) and when the window ends. */
type Position = { count: number; resetAt: number };

export function createRateLimiter(deps: { counters: CounterStore; defaults: Limits; account?: Limits; now?: () => number }) {
  const { counters, defaults, account } = deps;
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

  /** The budgets of one (API key, limits, account) and their RateLimit-Policy header, made once and reused. */
  type Plan = { budgets: Budget[]; policy: string };
  const plans = new Map<string, Plan>();

  function planOf(key: string, perSecond: number, perDay: number, accountId: string | undefined): Plan {
    const id = `${key}\n${perSecond}\n${perDay}\n${accountId ?? ''}`;
    let plan = plans.get(id);
    if (plan) return plan;
    const budgets: Budget[] = [
      { owner: 'API key', limit: perSecond, windowMs: 1000, window: { key: `rl:s:${key}`, windowMs: 1000, limit: perSecond, parts: LEASE_PARTS.second } },
      { owner: 'API key', limit: perDay, windowMs: DAY_MS, window: { key: `rl:d:${key}`, windowMs: DAY_MS, limit: perDay, parts: LEASE_PARTS.day } },
    ];
    if (accountId && account) {
      budgets.push(
        { owner: 'account', limit: account.perSecond, windowMs: 1000, window: { key: `rl:s:account:${accountId}`, windowMs: 1000, limit: account.perSecond, parts: LEASE_PARTS.second } },
        { owner: 'account', limit: account.perDay, windowMs: DAY_MS, window: { key: `rl:d:account:${accountId}`, windowMs: DAY_MS, limit: account.perDay, parts: LEASE_PARTS.day } },
      );
    }
    plan = { budgets, policy: budgets.map((b) => `${b.limit};w=${b.windowMs / 1000}`).join(', ') };
    if (plans.size >= 50_000) plans.clear();
    plans.set(id, plan);
    return plan;
  }

  /**
   * Counts one call of the API key `key` against its limits and, when `accountId` is given, against the
   * budget that every app of that customer account shares (per-tenant fairness); sets the headers and throws
   * 429 when any is over: `throttled` for a per-second limit, `quota_exceeded` for a daily quota (the legacy
   * platform's two kinds). A call whose every window still has a leased call left is counted synchronously.
   */
  async function consume(key: string, reply: FastifyReply, own: Partial<Limits> = {}, accountId?: string): Promise<void> {
    const { budgets, policy } = planOf(key, own.perSecond ?? defaults.perSecond, own.perDay ?? defaults.perDay, accountId);
    const positions: Position[] = new Array(budgets.length);
    const waiting: Promise<void>[] = [];
    for (let i = 0; i < budgets.length; i++) {
      const w = budgets[i]!.window;
      const held = current(w.key, w.windowMs, w.limit);
      if (held) positions[i] = spend(held);
      else
        waiting.push(
          take(w).then((position) => {
            positions[i] = position;
          }),
        );
    }
    if (waiting.length) await Promise.all(waiting);
    // A daily quota used up outranks a per-second limit (its wait is longer); otherwise the tightest budget is
    // the one reported (draft-ietf-httpapi-ratelimit-headers: the policy closest to refusing).
    let over = -1;
    let tightest = 0;
    for (let i = 0; i < budgets.length; i++) {
      const b = budgets[i]!;
      const count = positions[i]!.count;
      if (count > b.limit && (over < 0 || (b.windowMs === DAY_MS && budgets[over]!.windowMs !== DAY_MS))) over = i;
      if (i > 0 && b.limit - count < budgets[tightest]!.limit - positions[tightest]!.count) tightest = i;
    }
    const shown = over >= 0 ? over : tightest;
    const reported = budgets[shown]!;
    const reset = Math.max(1, Math.ceil((positions[shown]!.resetAt - now()) / 1000));
    reply.header('RateLimit-Policy', policy);
    reply.header('RateLimit-Limit', String(reported.limit));
    reply.header('RateLimit-Remaining', String(Math.max(0, reported.limit - positions[shown]!.count)));
    reply.header('RateLimit-Reset', String(reset));
    if (over < 0) return;
    const headers = { 'Retry-After': String(reset) };
    if (reported.windowMs === DAY_MS) {
      throw new AppError('QUOTA_EXCEEDED', `The daily quota of ${reported.limit} calls for this ${reported.owner} is used up`, { headers });
    }
    throw new AppError('THROTTLED', `More than ${reported.limit} calls per second for this ${reported.owner}`, { headers });
  }

  return { consume };
}
