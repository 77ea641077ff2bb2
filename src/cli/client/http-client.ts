// HTTP with bounded retries for unattended runs: network errors, 5xx and 429 are retried with exponential
// backoff and jitter, honouring Retry-After; other answers go back to the caller unchanged.
export type RetryPolicy = {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for (a daily quota, say): the run fails instead. */
  maxRetryAfterMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
};

export const defaultRetryPolicy: RetryPolicy = {
  retries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The server could not be reached at all (refused, reset, timed out, name not found). */
export class NetworkError extends Error {
  readonly url: string;
  readonly code: string;
  readonly attempts: number;

  constructor(url: string, code: string, attempts: number) {
    super(
      `cannot reach ${new URL(url).origin} (${code}) after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
    );
    this.url = url;
    this.code = code;
    this.attempts = attempts;
    this.name = 'NetworkError';
  }
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}

function networkCode(error: unknown): string {
  const err = error as {
    name?: string;
    code?: string;
    cause?: { code?: string; name?: string; message?: string };
  };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.code ?? err.name ?? 'network error';
}

/**
 * Sends the request, retrying what is worth retrying. Returns the last response (which may still be a
 * 429 or 5xx when the retries ran out, or when Retry-After asked for too long a wait).
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  policy: RetryPolicy = defaultRetryPolicy,
  /** What sends one attempt (fetch, or a file upload that opens its file anew each time). */
  transport: (url: string, init: RequestInit) => Promise<Response> = fetch,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    let failure: unknown;
    try {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      response = await transport(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
    } catch (error) {
      // Stopped by the caller (Ctrl+C): not a network failure to retry.
      if (init.signal?.aborted) throw error;
      failure = error;
    }
    const retriesLeft = attempt < policy.retries;
    if (response && !RETRYABLE_STATUS.has(response.status)) return response;
    if (response) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      if (!retriesLeft || (retryAfter !== null && retryAfter > policy.maxRetryAfterMs)) return response;
      await response.body?.cancel();
      const delayMs = retryAfter ?? backoffDelay(attempt, policy);
      policy.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: `HTTP ${response.status}` });
      await policy.sleep(delayMs);
      continue;
    }
    if (!retriesLeft) throw new NetworkError(url, networkCode(failure), attempt + 1);
    const delayMs = backoffDelay(attempt, policy);
    policy.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: networkCode(failure) });
    await policy.sleep(delayMs);
  }
}
