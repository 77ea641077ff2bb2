// Attempt limits over a sliding window, from two fixed windows (the "sliding window counter"): the previous
// window's count weighs in by the share of it that still lies within one window of now. A limit spent at the
// end of one window is therefore not granted again at the start of the next.
import type { CounterWindows } from './counter-store.ts';

/** The attempts counted in the last `windowMs` before `now`, the previous window's evenly spread. */
export function slidingCount(windows: CounterWindows, windowMs: number, now: number): number {
  const elapsed = Math.min(1, Math.max(0, (now - windows.windowStart) / windowMs));
  return windows.previous * (1 - elapsed) + windows.current;
}

/** 0 while another attempt is allowed; otherwise the time (ms) from which one is, if nothing more is counted. */
export function slidingRetryAt(windows: CounterWindows, windowMs: number, limit: number, now: number): number {
  if (slidingCount(windows, windowMs, now) < limit) return 0;
  const { current, windowStart } = windows;
  // If this window alone reaches the limit, wait for the next one, where this one is the previous; there,
  // previous × (1 − elapsed) + current < limit from elapsed = window − (limit − current) × window / previous on.
  const from: CounterWindows = current >= limit ? { current: 0, previous: current, windowStart: windowStart + windowMs } : windows;
  // Multiplied before divided, so that a threshold on a whole millisecond is exact.
  let retryAt = from.windowStart + Math.floor(windowMs - ((limit - from.current) * windowMs) / from.previous) + 1;
  while (slidingCount(from, windowMs, retryAt) >= limit) retryAt++;
  return retryAt;
}
