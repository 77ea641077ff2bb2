// Numeric ids of the legacy v2 API and of the v3 xrefs endpoints: a per-account integer for each list,
// handed out from accounts.list_seq at creation and never reused. Contacts already carry one: created_seq,
// the immutable seq of their creation (unique per account since 0002), so they need no new column.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('list_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('contact_lists').addColumn('sequence_id', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  // Existing lists are numbered per account in creation order (ties by list_id), then each account's
  // counter starts after its highest number. Lists are few per account, so the correlated count is cheap.
  await sql`
    UPDATE contact_lists SET sequence_id = (
      SELECT count(*) FROM contact_lists AS l
      WHERE l.account_id = contact_lists.account_id
        AND (l.created_at < contact_lists.created_at
             OR (l.created_at = contact_lists.created_at AND l.list_id <= contact_lists.list_id)))
  `.execute(db);
  await sql`
    UPDATE accounts SET list_seq = COALESCE(
      (SELECT max(sequence_id) FROM contact_lists WHERE contact_lists.account_id = accounts.id), 0)
  `.execute(db);
  await db.schema
    .createIndex('contact_lists_sequence_uq')
    .on('contact_lists')
    .columns(['account_id', 'sequence_id'])
    .unique()
    .execute();
}

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contact_lists_sequence_uq').execute();
  await db.schema.alterTable('contact_lists').dropColumn('sequence_id').execute();
  await db.schema.alterTable('accounts').dropColumn('list_seq').execute();
}
