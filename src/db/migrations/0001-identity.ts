// Identity core: accounts and their users, developers, apps (OAuth clients) with hashed secrets, the
// authorization server's storage, web sessions and the audit log.
import type { Kysely } from 'kysely';

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('contact_email', 'varchar(320)', (c) => c.notNull())
    .addColumn('first_name', 'varchar(255)')
    .addColumn('last_name', 'varchar(255)')
    .addColumn('time_zone_id', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('country_code', 'varchar(2)')
    .addColumn('state_code', 'varchar(8)')
    .addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('first_name', 'varchar(255)')
    .addColumn('last_name', 'varchar(255)')
    .addColumn('verified_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_account_idx').on('users').column('account_id').execute();

  await db.schema
    .createTable('developers')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('name', 'varchar(255)')
    .addColumn('verified_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('email_tokens')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('used_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_tokens_subject_idx').on('email_tokens').columns(['subject_id', 'purpose']).execute();

  await db.schema
    .createTable('apps')
    .addColumn('client_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('logo_uri', 'text')
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('owner_developer_id', 'varchar(64)', (c) => c.references('developers.id').onDelete('cascade'))
    .addColumn('owner_account_id', 'varchar(64)', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('access_token_ttl', 'integer', (c) => c.notNull())
    .addColumn('refresh_policy', 'varchar(16)', (c) => c.notNull().defaultTo('rotating'))
    .addColumn('refresh_idle_ttl', 'integer', (c) => c.notNull())
    .addColumn('rate_per_second', 'integer')
    .addColumn('rate_per_day', 'integer')
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('apps_developer_idx').on('apps').column('owner_developer_id').execute();
  await db.schema.createIndex('apps_account_idx').on('apps').column('owner_account_id').execute();

  await db.schema
    .createTable('app_secrets')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    .addColumn('secret_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('hint', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('app_secrets_client_idx').on('app_secrets').column('client_id').execute();

  await db.schema
    .createTable('oauth_payloads')
    .addColumn('model', 'varchar(40)', (c) => c.notNull())
    .addColumn('id', 'varchar(128)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(128)')
    .addColumn('user_code', 'varchar(128)')
    .addColumn('uid', 'varchar(128)')
    .addColumn('subject', 'varchar(64)')
    .addColumn('client_id', 'varchar(64)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addPrimaryKeyConstraint('oauth_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oauth_payloads_grant_idx').on('oauth_payloads').column('grant_id').execute();
  await db.schema.createIndex('oauth_payloads_user_code_idx').on('oauth_payloads').column('user_code').execute();
  await db.schema.createIndex('oauth_payloads_uid_idx').on('oauth_payloads').column('uid').execute();
  await db.schema.createIndex('oauth_payloads_expires_idx').on('oauth_payloads').column('expires_at').execute();
  await db.schema
    .createIndex('oauth_payloads_subject_idx')
    .on('oauth_payloads')
    .columns(['subject', 'model'])
    .execute();
  await db.schema
    .createIndex('oauth_payloads_client_idx')
    .on('oauth_payloads')
    .columns(['client_id', 'model'])
    .execute();

  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('realm', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_subject_idx').on('web_sessions').column('subject_id').execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)')
    .addColumn('actor', 'varchar(128)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_account_idx').on('audit_events').columns(['account_id', 'created_at']).execute();
}

/** @public read by the migrator through the namespace import in index.ts */
// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_events',
    'web_sessions',
    'oauth_payloads',
    'app_secrets',
    'apps',
    'email_tokens',
    'developers',
    'users',
    'accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
