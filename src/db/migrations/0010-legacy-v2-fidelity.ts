// Legacy v2 fidelity: what a v2 contact and list carry that v3 has no field for. contact_v2_fields keeps a
// contact's prefix_name, middle_name and department_name (one row per contact that has any; v3 never reads
// or touches it); contact_lists.v2_status keeps a list's v2 status (null = ACTIVE, or HIDDEN).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contact_v2_fields')
    .addColumn('contact_id', 'varchar(36)', (c) => c.primaryKey().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('prefix_name', 'varchar(255)')
    .addColumn('middle_name', 'varchar(255)')
    .addColumn('department_name', 'varchar(255)')
    .execute();
  await db.schema.createIndex('contact_v2_fields_account_idx').on('contact_v2_fields').columns(['account_id', 'contact_id']).execute();
  await db.schema.alterTable('contact_lists').addColumn('v2_status', 'varchar(16)').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contact_lists').dropColumn('v2_status').execute();
  await db.schema.dropTable('contact_v2_fields').execute();
}
