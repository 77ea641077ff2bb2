// v3 dialect fidelity: what the dialect's contacts and custom fields carry beyond the first schema.
// contacts.sms_channel (JSON, stored and returned; Listgate sends no SMS), custom field metadata (JSON) and
// version, the choice ids of a select-type custom value (JSON array); the account summary's phones, website,
// physical address and logo, and the account's sender addresses (/v3/account/emails).
import type { Kysely } from 'kysely';

const ACCOUNT_COLUMNS = ['contact_phone', 'organization_phone', 'website', 'physical_address', 'company_logo'];

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('sms_channel', 'text').execute();
  await db.schema.alterTable('contact_custom_fields').addColumn('metadata', 'text').execute();
  await db.schema.alterTable('contact_custom_fields').addColumn('version', 'integer').execute();
  await db.schema.alterTable('contact_custom_values').addColumn('choice_ids', 'text').execute();
  for (const column of ACCOUNT_COLUMNS) await db.schema.alterTable('accounts').addColumn(column, 'text').execute();
  await db.schema
    .createTable('account_emails')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email_id', 'integer', (c) => c.notNull())
    .addColumn('email_address', 'varchar(320)', (c) => c.notNull())
    .addColumn('confirm_status', 'varchar(16)', (c) => c.notNull())
    .addColumn('confirm_time', 'varchar(32)')
    .addColumn('confirm_source_type', 'varchar(32)')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_emails_pk', ['account_id', 'email_id'])
    .execute();
  await db.schema.createIndex('account_emails_address_uq').on('account_emails').columns(['account_id', 'email_address']).unique().execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account_emails').execute();
  for (const column of ACCOUNT_COLUMNS) await db.schema.alterTable('accounts').dropColumn(column).execute();
  await db.schema.alterTable('contact_custom_values').dropColumn('choice_ids').execute();
  await db.schema.alterTable('contact_custom_fields').dropColumn('version').execute();
  await db.schema.alterTable('contact_custom_fields').dropColumn('metadata').execute();
  await db.schema.alterTable('contacts').dropColumn('sms_channel').execute();
}
