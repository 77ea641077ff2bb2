// Customer accounts now verify their email address before signing in. Accounts created before could sign
// in without it; they keep doing so (their address counts as verified from the day they signed up).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('users').set({ verified_at: sql.ref('created_at') }).where('verified_at', 'is', null).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(_db: Kysely<any>): Promise<void> {}
