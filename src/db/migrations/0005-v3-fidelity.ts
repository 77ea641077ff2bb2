// v3 dialect fidelity: what the dialect's contacts and custom fields carry beyond the first schema.
// contacts.sms_channel (JSON, stored and returned; Listgate sends no SMS), custom field metadata (JSON) and
// version, and the choice ids of a select-type custom value (JSON array).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('sms_channel', 'text').execute();
  await db.schema.alterTable('contact_custom_fields').addColumn('metadata', 'text').execute();
  await db.schema.alterTable('contact_custom_fields').addColumn('version', 'integer').execute();
  await db.schema.alterTable('contact_custom_values').addColumn('choice_ids', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contact_custom_values').dropColumn('choice_ids').execute();
  await db.schema.alterTable('contact_custom_fields').dropColumn('version').execute();
  await db.schema.alterTable('contact_custom_fields').dropColumn('metadata').execute();
  await db.schema.alterTable('contacts').dropColumn('sms_channel').execute();
}
