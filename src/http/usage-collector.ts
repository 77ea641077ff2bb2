// API usage counted on the request path: one in-memory increment per response, per app and hour (calls,
// status classes, 429s, a fixed-bucket latency histogram) and per token issued. A timer hands the counts to
// a sink (the database, which adds them up across nodes) every few seconds and on shutdown; nothing on the
// request path waits on it.

/** Upper bounds (ms) of the latency buckets; a last bucket takes everything slower. Enough for a p95. */
export const LATENCY_BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** What one node counted for one app in one hour since its last flush. */
export type UsageDelta = {
  clientId: string;
  /** Epoch ms of the start of the hour (UTC). */
  hour: number;
  calls: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  status429: number;
  tokensIssued: number;
  /** Counts per latency bucket: LATENCY_BOUNDS_MS, then the slower ones. */
  latency: number[];
};

export type UsageCollector = ReturnType<typeof createUsageCollector>;

const HOUR_MS = 3_600_000;
/** Counts a failed flush keeps for the next one; past this many rows they are dropped (and logged). */
const MAX_PENDING_ROWS = 100_000;

function bucketOf(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]!) return i;
  return LATENCY_BOUNDS_MS.length;
}

export function createUsageCollector(deps: {
  enabled: boolean;
  flushMs: number;
  sink: (deltas: UsageDelta[]) => Promise<void>;
  onError: (error: unknown, dropped: number) => void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  let pending = new Map<string, UsageDelta>();
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;

  function delta(clientId: string): UsageDelta {
    const t = now();
    const hour = t - (t % HOUR_MS);
    const key = `${hour}|${clientId}`;
    let d = pending.get(key);
    if (!d) {
      d = { clientId, hour, calls: 0, status2xx: 0, status4xx: 0, status5xx: 0, status429: 0, tokensIssued: 0, latency: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0) };
      pending.set(key, d);
      // The timer starts with the first count, so a process that serves nothing (the CLI) holds none.
      if (!timer) {
        timer = setInterval(() => void flush(), deps.flushMs);
        timer.unref();
      }
    }
    return d;
  }

  /** Counts one API response of the app `clientId`. */
  function recordCall(clientId: string, status: number, ms: number): void {
    if (!deps.enabled) return;
    const d = delta(clientId);
    d.calls++;
    if (status >= 500) d.status5xx++;
    else if (status >= 400) {
      d.status4xx++;
      if (status === 429) d.status429++;
    } else if (status >= 200 && status < 300) d.status2xx++;
    d.latency[bucketOf(ms)]!++;
  }

  /** Counts one access token issued to the app `clientId`. */
  function recordToken(clientId: string): void {
    if (deps.enabled) delta(clientId).tokensIssued++;
  }

  function merge(into: Map<string, UsageDelta>, rows: UsageDelta[]): void {
    for (const row of rows) {
      const key = `${row.hour}|${row.clientId}`;
      const d = into.get(key);
      if (!d) {
        into.set(key, row);
        continue;
      }
      d.calls += row.calls;
      d.status2xx += row.status2xx;
      d.status4xx += row.status4xx;
      d.status5xx += row.status5xx;
      d.status429 += row.status429;
      d.tokensIssued += row.tokensIssued;
      for (let i = 0; i < row.latency.length; i++) d.latency[i]! += row.latency[i]!;
    }
  }

  /** Hands every count so far to the sink; counts of a failed attempt are kept for the next one. */
  function flush(): Promise<void> {
    if (flushing) return flushing.then(flush);
    if (!pending.size) return Promise.resolve();
    const rows = [...pending.values()];
    pending = new Map();
    flushing = deps
      .sink(rows)
      .catch((error: unknown) => {
        const keep = pending.size + rows.length <= MAX_PENDING_ROWS;
        if (keep) merge(pending, rows);
        deps.onError(error, keep ? 0 : rows.length);
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  /** Stops the timer and writes what is left (the server's shutdown). */
  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = null;
    await flush();
  }

  return { enabled: deps.enabled, recordCall, recordToken, flush, stop };
}
