// API usage per app and hour (src/modules/usage): call counts by status class, 429s, a fixed-bucket latency
// histogram, tokens issued and the active grants last seen. Nodes add their counts into the same row.
import type { Kysely } from 'kysely';

/** Column names of the latency histogram, in the order of LATENCY_BOUNDS_MS (src/http/usage-collector.ts). */
const LATENCY_COLUMNS = ['ms_5', 'ms_10', 'ms_25', 'ms_50', 'ms_100', 'ms_250', 'ms_500', 'ms_1000', 'ms_2500', 'ms_5000', 'ms_10000', 'ms_over'];

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  let table = db.schema
    .createTable('usage_hourly')
    .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
    // ISO 8601 start of the hour, UTC (2026-11-29T05:00:00.000Z): its first ten characters are the day.
    .addColumn('hour', 'varchar(32)', (c) => c.notNull());
  for (const column of ['calls', 'status_2xx', 'status_4xx', 'status_5xx', 'status_429', 'tokens_issued', ...LATENCY_COLUMNS]) {
    table = table.addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0));
  }
  await table
    .addColumn('active_grants', 'bigint')
    .addPrimaryKeyConstraint('usage_hourly_pk', ['client_id', 'hour'])
    .execute();
  // The retention sweep and the all-apps view read by hour.
  await db.schema.createIndex('usage_hourly_hour_idx').on('usage_hourly').column('hour').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_hourly').execute();
}
