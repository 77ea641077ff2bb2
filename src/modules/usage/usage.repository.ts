// Queries of API usage: counts added into one row per app and hour (an upsert that adds, so that every
// node's flush sums up), the active-grants snapshot, the retention sweep, and the rows of a period.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { UsageDelta } from '../../http/usage-collector.ts';

export const LATENCY_COLUMNS = ['ms_5', 'ms_10', 'ms_25', 'ms_50', 'ms_100', 'ms_250', 'ms_500', 'ms_1000', 'ms_2500', 'ms_5000', 'ms_10000', 'ms_over'] as const;
const COUNTERS = ['calls', 'status_2xx', 'status_4xx', 'status_5xx', 'status_429', 'tokens_issued', ...LATENCY_COLUMNS] as const;
type CounterColumn = (typeof COUNTERS)[number];

export type UsageRow = { client_id: string; hour: string; active_grants: number | null } & Record<CounterColumn, number>;

const iso = (ms: number) => new Date(ms).toISOString();
/** Rows per insert: 20 parameters each, far below PostgreSQL's 65,535. */
const CHUNK = 500;

/** Adds each delta to its app's row of its hour (creating it), in one statement per chunk. */
export async function addUsage(db: Db, deltas: readonly UsageDelta[]): Promise<void> {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const values = deltas.slice(i, i + CHUNK).map((d) => {
      const row: Record<string, string | number> = {
        client_id: d.clientId,
        hour: iso(d.hour),
        calls: d.calls,
        status_2xx: d.status2xx,
        status_4xx: d.status4xx,
        status_5xx: d.status5xx,
        status_429: d.status429,
        tokens_issued: d.tokensIssued,
      };
      for (const [b, column] of LATENCY_COLUMNS.entries()) row[column] = d.latency[b] ?? 0;
      return row as { client_id: string; hour: string } & Record<CounterColumn, number>;
    });
    await db
      .insertInto('usage_hourly')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['client_id', 'hour']).doUpdateSet(
          Object.fromEntries(COUNTERS.map((c) => [c, sql<number>`${sql.ref(`usage_hourly.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as Record<CounterColumn, RawBuilder<number>>,
        ),
      )
      .execute();
  }
}

/** Writes the number of unexpired grants of every app into its row of `hour` (the latest count wins). */
export async function snapshotActiveGrants(db: Db, hour: number, nowSeconds: number): Promise<number> {
  const counts = await db
    .selectFrom('oauth_payloads')
    .select(['client_id', (eb) => eb.fn.countAll<number>().as('grants')])
    .where('model', '=', 'Grant')
    .where('client_id', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowSeconds)]))
    .groupBy('client_id')
    .execute();
  for (let i = 0; i < counts.length; i += CHUNK) {
    await db
      .insertInto('usage_hourly')
      .values(counts.slice(i, i + CHUNK).map((c) => ({ client_id: c.client_id!, hour: iso(hour), active_grants: Number(c.grants) })))
      .onConflict((oc) => oc.columns(['client_id', 'hour']).doUpdateSet((eb) => ({ active_grants: eb.ref('excluded.active_grants') })))
      .execute();
  }
  return counts.length;
}

/** Deletes the rows of hours before `before` (the retention period). */
export async function deleteUsageBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('usage_hourly').where('hour', '<', iso(before)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The rows of hours in [start, end): of one app (and, with `developerId`, only if that developer owns it),
 * or of every app summed per hour when `clientId` is null.
 */
export async function findUsage(db: Db, scope: { clientId: string | null; developerId?: string }, start: number, end: number): Promise<UsageRow[]> {
  let query = db.selectFrom('usage_hourly').where('hour', '>=', iso(start)).where('hour', '<', iso(end));
  if (scope.clientId !== null) {
    query = query.where('usage_hourly.client_id', '=', scope.clientId);
    if (scope.developerId !== undefined) {
      const developerId = scope.developerId;
      query = query.where((eb) =>
        eb.exists(
          eb.selectFrom('apps').select('apps.client_id').whereRef('apps.client_id', '=', 'usage_hourly.client_id').where('apps.owner_developer_id', '=', developerId),
        ),
      );
    }
    return (await query.selectAll().orderBy('hour').execute()) as UsageRow[];
  }
  const sums = COUNTERS.map((column) => sql<number>`sum(${sql.ref(column)})`.as(column));
  const rows = await query
    .select(['hour', sql<number | null>`sum(active_grants)`.as('active_grants'), ...sums])
    .groupBy('hour')
    .orderBy('hour')
    .execute();
  return rows.map((r) => ({ ...(r as unknown as UsageRow), client_id: '*' }));
}

export type AppUsageTotals = { client_id: string; name: string | null; calls: number; status_4xx: number; status_5xx: number; status_429: number };

/** The `limit` apps with the most calls in [start, end), with their names (an app deleted since has none). */
export async function findTopApps(db: Db, start: number, end: number, limit: number): Promise<AppUsageTotals[]> {
  const rows = await db
    .selectFrom('usage_hourly')
    .leftJoin('apps', 'apps.client_id', 'usage_hourly.client_id')
    .where('hour', '>=', iso(start))
    .where('hour', '<', iso(end))
    .select([
      'usage_hourly.client_id',
      sql<string | null>`max(apps.name)`.as('name'),
      sql<number>`sum(calls)`.as('calls'),
      sql<number>`sum(status_4xx)`.as('status_4xx'),
      sql<number>`sum(status_5xx)`.as('status_5xx'),
      sql<number>`sum(status_429)`.as('status_429'),
    ])
    .groupBy('usage_hourly.client_id')
    .having(sql<number>`sum(calls)`, '>', 0)
    .orderBy(sql`sum(calls)`, 'desc')
    .orderBy('usage_hourly.client_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, calls: Number(r.calls), status_4xx: Number(r.status_4xx), status_5xx: Number(r.status_5xx), status_429: Number(r.status_429) }));
}
