// Table types of API usage (migration 0013): one row per app and hour, summed across nodes.
import type { ColumnType } from 'kysely';

/** A counter: optional on insert (0), added to on conflict. */
type Counter = ColumnType<number, number | undefined, number>;

export interface UsageHourlyTable {
  client_id: string;
  /** ISO 8601 start of the hour (UTC). */
  hour: string;
  calls: Counter;
  status_2xx: Counter;
  /** 4xx answers, 429s included. */
  status_4xx: Counter;
  status_5xx: Counter;
  status_429: Counter;
  tokens_issued: Counter;
  ms_5: Counter;
  ms_10: Counter;
  ms_25: Counter;
  ms_50: Counter;
  ms_100: Counter;
  ms_250: Counter;
  ms_500: Counter;
  ms_1000: Counter;
  ms_2500: Counter;
  ms_5000: Counter;
  ms_10000: Counter;
  ms_over: Counter;
  /** Grants of the app not yet expired, as last counted in that hour; null when not counted. */
  active_grants: ColumnType<number | null, number | null | undefined, number | null>;
}
