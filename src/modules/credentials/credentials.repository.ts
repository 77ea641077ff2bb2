// Queries for the single-use email tokens (verification, password reset) of every realm that signs in with
// a password. Only sha256 of a token is stored; `purpose` names the realm and the use (`account-reset`).
import type { EmailTokensTable } from '../../db/schema.ts';
import type { Executor } from '../accounts/accounts.repository.ts';

export type EmailTokenRow = EmailTokensTable;

export async function insertEmailToken(db: Executor, token: EmailTokenRow): Promise<void> {
  await db.insertInto('email_tokens').values(token).execute();
}

export async function findEmailToken(db: Executor, id: string, purpose: string): Promise<EmailTokenRow | undefined> {
  return db.selectFrom('email_tokens').selectAll().where('id', '=', id).where('purpose', '=', purpose).executeTakeFirst();
}

/**
 * Marks the token used if it is unused and unexpired; true when this call used it. A conditional update,
 * so two clicks racing on one link cannot both succeed.
 */
export async function consumeEmailToken(db: Executor, id: string, purpose: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('email_tokens')
    .set({ used_at: nowIso })
    .where('id', '=', id)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Makes every unused token of a subject and purpose unusable (a newer link replaces older ones). */
export async function retireEmailTokens(db: Executor, subjectId: string, purpose: string, nowIso: string): Promise<void> {
  await db
    .updateTable('email_tokens')
    .set({ used_at: nowIso })
    .where('subject_id', '=', subjectId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Removes tokens that expired more than a day ago, so the table stays small. */
export async function deleteExpiredEmailTokens(db: Executor, beforeIso: string): Promise<void> {
  await db.deleteFrom('email_tokens').where('expires_at', '<', beforeIso).execute();
}
