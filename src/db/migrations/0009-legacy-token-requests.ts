// The app setting "Legacy token requests" (docs/oauth.md): a confidential web app may use the authorization
// code flow without PKCE and send token-endpoint parameters in the query string. 0/1, off by default.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('apps').addColumn('legacy_token_requests', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('apps').dropColumn('legacy_token_requests').execute();
}
