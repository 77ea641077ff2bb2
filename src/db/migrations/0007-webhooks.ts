// Webhooks: subscriptions (each one a cursor into its account's change log, with its delivery state and
// claim), events queued for a resend, and the recent delivery attempts shown in the delivery log.
import type { Kysely } from 'kysely';

const ts = 'varchar(32)';
const uuid = 'varchar(36)';
const account = 'varchar(64)';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('subscription_id', uuid, (c) => c.primaryKey())
    .addColumn('account_id', account, (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    .addColumn('description', 'varchar(255)')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('list_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('disabled_reason', 'varchar(32)')
    // Secrets sealed with a key derived from SECRET_KEYS (AES-256-GCM): the server must sign with them.
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_expires_at', ts)
    // The last change-log seq delivered (or skipped as not wanted).
    .addColumn('cursor_seq', 'bigint', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull())
    .addColumn('failing_since', ts)
    .addColumn('next_attempt_at', ts)
    .addColumn('lease_owner', 'varchar(64)')
    .addColumn('lease_until', ts)
    .addColumn('delivered_count', 'bigint', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_subscriptions_account_idx')
    .on('webhook_subscriptions')
    .columns(['account_id', 'client_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('webhook_subscriptions_due_idx')
    .on('webhook_subscriptions')
    .columns(['status', 'next_attempt_at'])
    .execute();

  // One event asked to be sent again (by seq); delivered before the cursor's backlog.
  await db.schema
    .createTable('webhook_resends')
    .addColumn('subscription_id', uuid, (c) => c.notNull().references('webhook_subscriptions.subscription_id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_resends_pk', ['subscription_id', 'seq'])
    .execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('attempt_id', uuid, (c) => c.primaryKey())
    .addColumn('subscription_id', uuid, (c) => c.notNull().references('webhook_subscriptions.subscription_id').onDelete('cascade'))
    .addColumn('message_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('first_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('error', 'varchar(255)')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'varchar(1024)')
    .addColumn('attempted_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_attempts_subscription_idx')
    .on('webhook_attempts')
    .columns(['subscription_id', 'attempted_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_resends', 'webhook_subscriptions']) {
    await db.schema.dropTable(table).execute();
  }
}
