// Queries on account_emails (the account's sender addresses besides its contact_email). Scoped by account_id.
import type { Selectable } from 'kysely';
import type { AccountEmailsTable } from '../../db/schema.ts';
import type { Executor } from './accounts.repository.ts';

export type AccountEmailRow = Selectable<AccountEmailsTable>;

export async function listAccountEmails(db: Executor, accountId: string): Promise<AccountEmailRow[]> {
  return db.selectFrom('account_emails').selectAll().where('account_id', '=', accountId).orderBy('email_id').execute();
}

/** Inserts with the next email id of the account (1 is the contact_email's); returns the row. */
export async function insertAccountEmail(
  db: Executor,
  row: Omit<AccountEmailRow, 'email_id'>,
): Promise<AccountEmailRow> {
  const last = await db
    .selectFrom('account_emails')
    .select((eb) => eb.fn.max('email_id').as('max'))
    .where('account_id', '=', row.account_id)
    .executeTakeFirst();
  const inserted = { ...row, email_id: Math.max(1, Number(last?.max ?? 1)) + 1 };
  await db.insertInto('account_emails').values(inserted).execute();
  return inserted;
}
