// Operators (the people who run the installation; a realm apart from developers and customers) with their
// TOTP second factor and hashed recovery codes, and the suspension columns the operator console sets on
// apps, developers and customer accounts.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('operators')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'varchar(32)')
    // The TOTP secret, sealed with a key derived from SECRET_KEYS (the server needs it to check codes).
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enabled_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('operator_recovery_codes')
    .addColumn('code_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('operator_id', 'varchar(64)', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('used_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operator_recovery_codes_operator_idx').on('operator_recovery_codes').column('operator_id').execute();
  for (const table of ['apps', 'developers', 'accounts']) {
    await db.schema.alterTable(table).addColumn('suspended_at', 'varchar(32)').execute();
    await db.schema.alterTable(table).addColumn('suspended_reason', 'varchar(500)').execute();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['apps', 'developers', 'accounts']) {
    await db.schema.alterTable(table).dropColumn('suspended_reason').execute();
    await db.schema.alterTable(table).dropColumn('suspended_at').execute();
  }
  await db.schema.dropTable('operator_recovery_codes').ifExists().execute();
  await db.schema.dropTable('operators').ifExists().execute();
}
