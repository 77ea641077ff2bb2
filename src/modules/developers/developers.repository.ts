// Queries for developer accounts (their email tokens live in the credential core's repository).
import type { Executor } from '../accounts/accounts.repository.ts';
import type { DevelopersTable } from '../../db/schema.ts';

export type DeveloperRow = DevelopersTable;

export async function insertDeveloper(db: Executor, developer: DeveloperRow): Promise<void> {
  await db.insertInto('developers').values(developer).execute();
}

export async function findDeveloperByEmail(db: Executor, email: string): Promise<DeveloperRow | undefined> {
  return db.selectFrom('developers').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findDeveloperById(db: Executor, id: string): Promise<DeveloperRow | undefined> {
  return db.selectFrom('developers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateDeveloper(
  db: Executor,
  id: string,
  changes: Partial<Pick<DeveloperRow, 'password_hash' | 'verified_at' | 'name' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('developers').set(changes).where('id', '=', id).execute();
}
