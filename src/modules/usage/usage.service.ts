// API usage per app: the sink of the request path's collector, the periodic grant count and retention
// sweep, and the series (per hour or per day) that the developer portal, /v3/usage and the operators'
// console show: calls, status classes, 429s, p95 latency, tokens issued, active grants.
import type { Db } from '../../db/database.ts';
import { invalidFields } from '../../errors.ts';
import { LATENCY_BOUNDS_MS, type UsageDelta } from '../../http/usage-collector.ts';
import type { Clock } from '../../shared/clock.ts';
import { csvLine } from '../../shared/csv.ts';
import { type AppUsageTotals, addUsage, deleteUsageBefore, findTopApps, findUsage, LATENCY_COLUMNS, snapshotActiveGrants, type UsageRow } from './usage.repository.ts';

export type { AppUsageTotals } from './usage.repository.ts';

export type Granularity = 'day' | 'hour';

/** One period of a series: what the API answers and the charts draw. */
export type UsagePoint = {
  start: string;
  calls: number;
  status_2xx: number;
  status_4xx: number;
  status_5xx: number;
  status_429: number;
  /** Upper bound of the latency bucket that holds the 95th percentile (ms); null without calls. */
  p95_ms: number | null;
  tokens_issued: number;
  /** The most grants seen unexpired in the period; null when they were not counted in it. */
  active_grants: number | null;
};

export type UsageSeries = { granularity: Granularity; start: string; end: string; points: UsagePoint[]; totals: Omit<UsagePoint, 'start' | 'active_grants'> };

export type UsageQuery = { granularity?: string; start?: string; end?: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const STEP: Record<Granularity, number> = { hour: HOUR_MS, day: DAY_MS };
/** The longest period one request may ask for, in steps: a year of days, a month of hours. */
const MAX_POINTS: Record<Granularity, number> = { day: 366, hour: 744 };
const DEFAULT_POINTS: Record<Granularity, number> = { day: 30, hour: 24 };

export type UsageService = ReturnType<typeof createUsageService>;

/** The 95th percentile's bucket bound from a histogram (LATENCY_BOUNDS_MS, then the slower ones). */
export function percentile95(buckets: readonly number[]): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (!total) return null;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= total * 0.95) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)]!;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}

function parseInstant(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  // A date (2026-11-01) or an ISO 8601 date-time with its offset; nothing looser (Date.parse accepts much).
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) {
    throw invalidFields({ [name]: `${name} must be a date (2026-11-01) or an ISO 8601 date-time with its offset` });
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidFields({ [name]: `${name} is not a valid date` });
  return ms;
}

export function createUsageService(deps: { db: Db; clock: Clock; retentionDays: number }) {
  const { db, clock } = deps;
  const now = () => clock.now().getTime();

  /** The period a query asks for, aligned to its granularity: [start, end), start defaulting to 30 days (24 h) back. */
  function resolvePeriod(query: UsageQuery): { granularity: Granularity; start: number; end: number } {
    const granularity = query.granularity ?? 'day';
    if (granularity !== 'day' && granularity !== 'hour') throw invalidFields({ granularity: 'granularity must be day or hour' });
    const step = STEP[granularity];
    const endAt = parseInstant(query.end, 'end') ?? now();
    // The period holding `end` is included, so the default reaches up to the current hour or day.
    const end = Math.floor(endAt / step) * step + step;
    const startAt = parseInstant(query.start, 'start');
    const start = startAt === undefined ? end - DEFAULT_POINTS[granularity] * step : Math.floor(startAt / step) * step;
    if (start >= end) throw invalidFields({ start: 'start must be before end' });
    if ((end - start) / step > MAX_POINTS[granularity]) {
      throw invalidFields({ start: `at most ${MAX_POINTS[granularity]} ${granularity}s per request; ask for a shorter period` });
    }
    return { granularity, start, end };
  }

  function toSeries(rows: UsageRow[], period: { granularity: Granularity; start: number; end: number }): UsageSeries {
    const step = STEP[period.granularity];
    const points: UsagePoint[] = [];
    const histograms: number[][] = [];
    for (let t = period.start; t < period.end; t += step) {
      points.push({ start: new Date(t).toISOString(), calls: 0, status_2xx: 0, status_4xx: 0, status_5xx: 0, status_429: 0, p95_ms: null, tokens_issued: 0, active_grants: null });
      histograms.push(new Array(LATENCY_COLUMNS.length).fill(0));
    }
    for (const row of rows) {
      const i = Math.floor((Date.parse(row.hour) - period.start) / step);
      const point = points[i];
      if (!point) continue;
      point.calls += Number(row.calls);
      point.status_2xx += Number(row.status_2xx);
      point.status_4xx += Number(row.status_4xx);
      point.status_5xx += Number(row.status_5xx);
      point.status_429 += Number(row.status_429);
      point.tokens_issued += Number(row.tokens_issued);
      if (row.active_grants !== null) point.active_grants = Math.max(point.active_grants ?? 0, Number(row.active_grants));
      for (const [b, column] of LATENCY_COLUMNS.entries()) histograms[i]![b]! += Number(row[column]);
    }
    for (const [i, p] of points.entries()) p.p95_ms = percentile95(histograms[i]!);
    const all = histograms.reduce((acc, h) => acc.map((n, b) => n + h[b]!), new Array(LATENCY_COLUMNS.length).fill(0));
    const sum = (k: 'calls' | 'status_2xx' | 'status_4xx' | 'status_5xx' | 'status_429' | 'tokens_issued') => points.reduce((a, p) => a + p[k], 0);
    return {
      granularity: period.granularity,
      start: new Date(period.start).toISOString(),
      end: new Date(period.end).toISOString(),
      points,
      totals: {
        calls: sum('calls'),
        status_2xx: sum('status_2xx'),
        status_4xx: sum('status_4xx'),
        status_5xx: sum('status_5xx'),
        status_429: sum('status_429'),
        p95_ms: percentile95(all),
        tokens_issued: sum('tokens_issued'),
      },
    };
  }

  /** The usage of one app (the /v3/usage caller's own). */
  async function forApp(clientId: string, query: UsageQuery = {}): Promise<UsageSeries> {
    const period = resolvePeriod(query);
    return toSeries(await findUsage(db, { clientId }, period.start, period.end), period);
  }

  /** GET /v3/usage's answer: the app's series with its key and the retention period. */
  async function report(clientId: string, query: UsageQuery = {}) {
    const series = await forApp(clientId, query);
    const { granularity, start, end, points, totals } = series;
    return { client_id: clientId, granularity, start, end, retention_days: deps.retentionDays, usage: points, totals };
  }

  /** The usage of an app, counted only if `developerId` owns it (the portal checks ownership first, for its 404). */
  async function forDeveloperApp(developerId: string, clientId: string, query: UsageQuery = {}): Promise<UsageSeries> {
    const period = resolvePeriod(query);
    return toSeries(await findUsage(db, { clientId, developerId }, period.start, period.end), period);
  }

  /** Every app summed (the operators' console). */
  async function overall(query: UsageQuery = {}): Promise<UsageSeries> {
    const period = resolvePeriod(query);
    return toSeries(await findUsage(db, { clientId: null }, period.start, period.end), period);
  }

  /** The apps with the most calls in the period (the console's overall page). */
  async function topApps(query: UsageQuery = {}, limit = 20): Promise<AppUsageTotals[]> {
    const period = resolvePeriod(query);
    return findTopApps(db, period.start, period.end, limit);
  }

  return {
    forApp,
    report,
    topApps,
    forDeveloperApp,
    overall,
    /** The collector's sink: adds one node's counts to the shared rows. */
    record: (deltas: UsageDelta[]) => addUsage(db, deltas),
    /** Counts the unexpired grants of every app into the current hour (maintenance, every few minutes). */
    countActiveGrants: () => snapshotActiveGrants(db, Math.floor(now() / HOUR_MS) * HOUR_MS, Math.floor(now() / 1000)),
    /** Deletes the hours older than the retention period (maintenance, hourly). */
    sweep: () => deleteUsageBefore(db, now() - deps.retentionDays * DAY_MS),
  };
}

/** A series as CSV, one line per period, for spreadsheets. */
export function usageCsv(clientId: string, series: UsageSeries): string {
  const header = ['client_id', 'period_start', 'granularity', 'calls', 'status_2xx', 'status_4xx', 'status_5xx', 'status_429', 'p95_ms', 'tokens_issued', 'active_grants'];
  const lines = series.points.map((p) =>
    csvLine([clientId, p.start, series.granularity, p.calls, p.status_2xx, p.status_4xx, p.status_5xx, p.status_429, p.p95_ms, p.tokens_issued, p.active_grants]),
  );
  return [csvLine(header), ...lines].join('');
}
