// Bulk activities: each job's checkpoint (the position after its last committed batch, so a restarted job
// continues there), and the per-row errors of imports, kept apart so that a file with a million bad rows
// does not grow the activity row.
import type { Kysely } from 'kysely';

const uuid = 'varchar(36)';
const account = 'varchar(64)';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  /** JSON position of the job after its last committed step, or NULL before the first */
  await db.schema.alterTable('activities').addColumn('checkpoint', 'text').execute();
  await db.schema
    .createTable('activity_row_errors')
    .addColumn('activity_id', uuid, (c) => c.notNull().references('activities.activity_id').onDelete('cascade'))
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_row_errors_pk', ['activity_id', 'row_number'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('activity_row_errors').ifExists().execute();
  await db.schema.alterTable('activities').dropColumn('checkpoint').execute();
}
