// Contacts domain: contacts and their sub-resources, lists, tags, custom fields, bulk activities, and the
// per-account change log that the change feed and incremental sync read.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

const ts = 'varchar(32)';
const uuid = 'varchar(36)';
const account = 'varchar(64)';

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('contact_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    // Stored lower-cased; NULL for contacts known only by name (several NULLs never collide).
    .addColumn('email_address', 'varchar(320)')
    .addColumn('first_name', 'varchar(255)')
    .addColumn('last_name', 'varchar(255)')
    .addColumn('job_title', 'varchar(255)')
    .addColumn('company_name', 'varchar(255)')
    .addColumn('birthday_month', 'integer')
    .addColumn('birthday_day', 'integer')
    .addColumn('anniversary', 'varchar(10)')
    .addColumn('create_source', 'varchar(16)', (c) => c.notNull())
    .addColumn('update_source', 'varchar(16)')
    .addColumn('permission_to_send', 'varchar(32)', (c) => c.notNull())
    .addColumn('opt_in_source', 'varchar(32)')
    .addColumn('opt_in_date', ts)
    .addColumn('opt_out_source', 'varchar(32)')
    .addColumn('opt_out_date', ts)
    .addColumn('opt_out_reason', 'varchar(255)')
    .addColumn('confirm_status', 'varchar(16)')
    .addColumn('email_created_at', ts)
    .addColumn('email_updated_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    // Sequence number of the contact's last change (unique per account, commit-ordered) and of its creation.
    .addColumn('change_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_seq', 'bigint', (c) => c.notNull())
    .execute();
  // Deleted contacts keep their address, so re-creating one answers 409 as the dialect does.
  await db.schema
    .createIndex('contacts_email_uq')
    .on('contacts')
    .columns(['account_id', 'email_address'])
    .unique()
    .execute();
  await db.schema.createIndex('contacts_change_uq').on('contacts').columns(['account_id', 'change_seq']).unique().execute();
  await db.schema
    .createIndex('contacts_created_uq')
    .on('contacts')
    .columns(['account_id', 'created_seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('contacts_updated_idx')
    .on('contacts')
    .columns(['account_id', 'updated_at', 'change_seq'])
    .execute();

  await db.schema
    .createTable('contact_phone_numbers')
    .addColumn('phone_number_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('phone_number', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('create_source', 'varchar(16)')
    .addColumn('update_source', 'varchar(16)')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_phone_numbers_contact_idx').on('contact_phone_numbers').column('contact_id').execute();

  await db.schema
    .createTable('contact_street_addresses')
    .addColumn('street_address_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('street', 'varchar(255)')
    .addColumn('city', 'varchar(64)')
    .addColumn('state', 'varchar(64)')
    .addColumn('postal_code', 'varchar(32)')
    .addColumn('country', 'varchar(128)')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_street_addresses_contact_idx')
    .on('contact_street_addresses')
    .column('contact_id')
    .execute();

  await db.schema
    .createTable('contact_notes')
    .addColumn('note_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_notes_contact_idx').on('contact_notes').column('contact_id').execute();

  await db.schema
    .createTable('contact_lists')
    .addColumn('list_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('favorite', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .execute();
  // A deleted list frees its name.
  await db.schema
    .createIndex('contact_lists_name_uq')
    .on('contact_lists')
    .columns(['account_id', 'name'])
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('contact_lists_account_idx')
    .on('contact_lists')
    .columns(['account_id', 'created_at', 'list_id'])
    .execute();

  await db.schema
    .createTable('list_memberships')
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('list_id', uuid, (c) => c.notNull().references('contact_lists.list_id').onDelete('cascade'))
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('list_memberships_pk', ['list_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('list_memberships_contact_idx').on('list_memberships').column('contact_id').execute();

  await db.schema
    .createTable('contact_tags')
    .addColumn('tag_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('tag_source', 'varchar(64)')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_tags_name_uq').on('contact_tags').columns(['account_id', 'name']).unique().execute();

  await db.schema
    .createTable('taggings')
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('tag_id', uuid, (c) => c.notNull().references('contact_tags.tag_id').onDelete('cascade'))
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('taggings_pk', ['tag_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('taggings_contact_idx').on('taggings').column('contact_id').execute();

  await db.schema
    .createTable('contact_custom_fields')
    .addColumn('custom_field_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('label', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    /** JSON array of choices, or NULL */
    .addColumn('choices', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_custom_fields_name_uq')
    .on('contact_custom_fields')
    .columns(['account_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('contact_custom_values')
    .addColumn('account_id', account, (c) => c.notNull())
    .addColumn('contact_id', uuid, (c) => c.notNull().references('contacts.contact_id').onDelete('cascade'))
    .addColumn('custom_field_id', uuid, (c) =>
      c.notNull().references('contact_custom_fields.custom_field_id').onDelete('cascade'),
    )
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_custom_values_pk', ['contact_id', 'custom_field_id'])
    .execute();
  await db.schema
    .createIndex('contact_custom_values_field_idx')
    .on('contact_custom_values')
    .column('custom_field_id')
    .execute();

  await db.schema
    .createTable('activities')
    .addColumn('activity_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    /** JSON input of the job (ids, fields, import rows…), or NULL */
    .addColumn('payload', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('started_at', ts)
    .addColumn('completed_at', ts)
    .addColumn('percent_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('items_total_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('items_completed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON array of {message, line_number?, email?} */
    .addColumn('errors', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON result summary, or NULL */
    .addColumn('result', 'text')
    /** Path of a result file (exports), or NULL */
    .addColumn('result_file', 'text')
    .execute();
  await db.schema
    .createIndex('activities_account_idx')
    .on('activities')
    .columns(['account_id', 'created_at', 'activity_id'])
    .execute();
  await db.schema.createIndex('activities_state_idx').on('activities').columns(['state', 'created_at']).execute();

  // The change log: one row per change, seq allocated from accounts.change_seq inside the writer's
  // transaction, so seq order is commit order. No foreign key on contact_id: compaction and contact
  // purges must be free to run in either order.
  await db.schema
    .createTable('contact_changes')
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', uuid, (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('list_id', uuid)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_changes_pk', ['account_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('contact_changes_contact_idx')
    .on('contact_changes')
    .columns(['account_id', 'contact_id', 'seq'])
    .execute();

  // How far the change log has been compacted: sync tokens older than this seq answer 410.
  await db.schema
    .createTable('contact_change_horizons')
    .addColumn('account_id', account, (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('compacted_through_seq', 'bigint', (c) => c.notNull())
    .addColumn('compacted_at', ts, (c) => c.notNull())
    .execute();
}

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'contact_change_horizons',
    'contact_changes',
    'activities',
    'contact_custom_values',
    'contact_custom_fields',
    'taggings',
    'contact_tags',
    'list_memberships',
    'contact_lists',
    'contact_notes',
    'contact_street_addresses',
    'contact_phone_numbers',
    'contacts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
