// Queries for apps (OAuth clients) and their hashed secrets.
import type { Executor } from '../accounts/accounts.repository.ts';
import type { AppSecretsTable, AppsTable } from '../../db/schema.ts';

export type AppRow = AppsTable;
export type AppSecretRow = AppSecretsTable;

export async function insertApp(db: Executor, app: AppRow): Promise<void> {
  await db.insertInto('apps').values(app).execute();
}

export async function findAppByClientId(db: Executor, clientId: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

export async function listApps(
  db: Executor,
  filter: { ownerDeveloperId?: string; ownerAccountId?: string } = {},
): Promise<AppRow[]> {
  let query = db.selectFrom('apps').selectAll().orderBy('created_at', 'desc').orderBy('client_id');
  if (filter.ownerDeveloperId) query = query.where('owner_developer_id', '=', filter.ownerDeveloperId);
  if (filter.ownerAccountId) query = query.where('owner_account_id', '=', filter.ownerAccountId);
  return query.execute();
}

export async function updateApp(
  db: Executor,
  clientId: string,
  changes: Partial<Omit<AppRow, 'client_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('apps').set(changes).where('client_id', '=', clientId).execute();
}

export async function deleteApp(db: Executor, clientId: string): Promise<void> {
  await db.deleteFrom('apps').where('client_id', '=', clientId).execute();
}

/** The public name of an app's publisher: its developer's name or email, or the owning account. */
export async function findPublisherName(db: Executor, app: Pick<AppRow, 'owner_developer_id' | 'owner_account_id'>): Promise<string | null> {
  if (app.owner_developer_id) {
    const dev = await db.selectFrom('developers').select(['name', 'email']).where('id', '=', app.owner_developer_id).executeTakeFirst();
    return dev ? (dev.name ?? dev.email) : null;
  }
  if (app.owner_account_id) {
    const account = await db.selectFrom('accounts').select('organization_name').where('id', '=', app.owner_account_id).executeTakeFirst();
    return account?.organization_name ?? null;
  }
  return null;
}

export async function insertSecret(db: Executor, secret: AppSecretRow): Promise<void> {
  await db.insertInto('app_secrets').values(secret).execute();
}

/** Secrets not yet expired at `nowIso`. */
export async function findActiveSecrets(db: Executor, clientId: string, nowIso: string): Promise<AppSecretRow[]> {
  return db
    .selectFrom('app_secrets')
    .selectAll()
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
    .orderBy('created_at', 'desc')
    .execute();
}

/** Makes every current secret expire at `expiresAt` (now, or after a grace period). */
export async function expireSecrets(db: Executor, clientId: string, expiresAt: string, nowIso: string): Promise<void> {
  await db
    .updateTable('app_secrets')
    .set({ expires_at: expiresAt })
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt < nowIso ? nowIso : expiresAt)]))
    .execute();
}
