// TypeBox schemas of GET /v3/usage: the query (granularity, start, end) and the app's series.
import { type Static, Type } from '@sinclair/typebox';

export const UsageQuery = Type.Object(
  {
    granularity: Type.Optional(Type.String({ description: '`day` (default) or `hour`', examples: ['day'] })),
    start: Type.Optional(
      Type.String({ description: 'First period: a date (2026-11-01) or ISO 8601 date-time with offset, rounded down to the period. Default: 30 days (24 hours) before `end`', examples: ['2026-11-01'] }),
    ),
    end: Type.Optional(Type.String({ description: 'Last period included (same forms). Default: now', examples: ['2026-11-30'] })),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

const Counts = {
  calls: Type.Integer({ description: 'API calls made with a token of the app, whatever their answer' }),
  status_2xx: Type.Integer(),
  status_4xx: Type.Integer({ description: '4xx answers, 429s included' }),
  status_5xx: Type.Integer(),
  status_429: Type.Integer({ description: 'Calls refused by a rate limit (the app\'s or its account\'s)' }),
  p95_ms: Type.Union([Type.Integer(), Type.Null()], { description: 'Bound (ms) of the latency bucket holding the 95th percentile; null without calls' }),
  tokens_issued: Type.Integer({ description: 'Access tokens issued to the app' }),
};

export const UsagePoint = Type.Object({
  start: Type.String({ format: 'date-time', description: 'Start of the day or hour (UTC)' }),
  ...Counts,
  active_grants: Type.Union([Type.Integer(), Type.Null()], { description: 'Most unexpired grants (connected customers) counted in the period; null if not counted' }),
});

export const UsageResponse = Type.Object({
  client_id: Type.String({ description: 'The API key of the calling token\'s app' }),
  granularity: Type.Union([Type.Literal('day'), Type.Literal('hour')]),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time', description: 'End of the last period (exclusive)' }),
  retention_days: Type.Integer({ description: 'How far back usage is kept (USAGE_RETENTION_DAYS)' }),
  usage: Type.Array(UsagePoint, { description: 'One entry per period, oldest first, periods without calls included' }),
  totals: Type.Object(Counts),
});
