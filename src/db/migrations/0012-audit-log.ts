// The audit log's columns beyond 0001's sketch: who acted (operator, developer, customer, app or system),
// on which object, from which IP and user agent, and the developer whose app the entry concerns (so the
// portal shows each developer only their own apps' entries). Rows are only ever inserted, and removed by
// the retention sweep.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  for (const [column, type] of [
    ['actor_type', 'varchar(16)'],
    ['actor_id', 'varchar(64)'],
    ['object_type', 'varchar(32)'],
    ['object_id', 'varchar(128)'],
    ['client_id', 'varchar(64)'],
    ['developer_id', 'varchar(64)'],
    ['ip', 'varchar(64)'],
    ['user_agent', 'varchar(500)'],
  ] as const) {
    await db.schema.alterTable('audit_events').addColumn(column, type).execute();
  }
  await db.schema.createIndex('audit_events_developer_idx').on('audit_events').columns(['developer_id', 'created_at']).execute();
  await db.schema.createIndex('audit_events_created_idx').on('audit_events').column('created_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_created_idx').execute();
  await db.schema.dropIndex('audit_events_developer_idx').execute();
  for (const column of ['user_agent', 'ip', 'developer_id', 'client_id', 'object_id', 'object_type', 'actor_id', 'actor_type']) {
    await db.schema.alterTable('audit_events').dropColumn(column).execute();
  }
}
