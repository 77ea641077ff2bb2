// Queries for accounts (tenants) and their users.
import type { Db } from '../../db/database.ts';
import { precompile } from '../../db/precompiled.ts';
import type { AccountsTable, UsersTable } from '../../db/schema.ts';
import type { Insertable, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

export type Executor = Db | Transaction<Database>;
export type AccountRow = Selectable<AccountsTable>;
export type UserRow = UsersTable;

export async function insertAccount(db: Executor, account: Insertable<AccountsTable>): Promise<void> {
  await db.insertInto('accounts').values(account).execute();
}

export async function insertUser(db: Executor, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateUser(
  db: Executor,
  id: string,
  changes: Partial<Pick<UserRow, 'password_hash' | 'verified_at' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

// Read on every /v3/account/summary call: compiled once per executor (see src/db/precompiled.ts).
const accountById = new WeakMap<Executor, (values: { id: string }) => Promise<AccountRow[]>>();

export async function findAccountById(db: Executor, id: string): Promise<AccountRow | undefined> {
  let query = accountById.get(db);
  if (!query) {
    query = precompile(db, ['id'], (v: { id: string }) => db.selectFrom('accounts').selectAll().where('id', '=', v.id));
    accountById.set(db, query);
  }
  return (await query({ id }))[0];
}

export async function updateAccount(
  db: Executor,
  id: string,
  changes: Partial<Omit<AccountRow, 'id' | 'created_at' | 'change_seq'>>,
): Promise<void> {
  await db.updateTable('accounts').set(changes).where('id', '=', id).execute();
}
