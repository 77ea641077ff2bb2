// Authorization server storage: indexes that cover only the rows with a value, so that the most frequent
// write (a client-credentials token: no grant, subject or uid) updates three B-trees instead of seven.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

const PARTIAL: [string, string[]][] = [
  ['oauth_payloads_grant_idx', ['grant_id']],
  ['oauth_payloads_uid_idx', ['uid']],
  ['oauth_payloads_subject_idx', ['subject', 'model']],
];

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, columns] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('oauth_payloads').columns(columns).where(sql.ref(columns[0]!), 'is not', null).execute();
  }
  // user codes are found through their own sealed rows now (src/oauth/adapter.ts), not this column
  await db.schema.dropIndex('oauth_payloads_user_code_idx').execute();
}

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('oauth_payloads_user_code_idx').on('oauth_payloads').column('user_code').execute();
  for (const [name, columns] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('oauth_payloads').columns(columns).execute();
  }
}
