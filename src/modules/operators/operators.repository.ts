// Queries for operator accounts and their hashed recovery codes (email tokens live in the credential core).
import type { OperatorRecoveryCodesTable, OperatorsTable } from '../../db/schema.ts';
import type { Executor } from '../accounts/accounts.repository.ts';

export type OperatorRow = OperatorsTable;

export async function insertOperator(db: Executor, row: OperatorRow): Promise<void> {
  await db.insertInto('operators').values(row).execute();
}

export async function findOperatorByEmail(db: Executor, email: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findOperatorById(db: Executor, id: string): Promise<OperatorRow | undefined> {
  return db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateOperator(
  db: Executor,
  id: string,
  changes: Partial<Pick<OperatorRow, 'password_hash' | 'verified_at' | 'totp_secret' | 'totp_enabled_at' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('operators').set(changes).where('id', '=', id).execute();
}

/** Replaces every recovery code of an operator by the new hashes. */
export async function replaceRecoveryCodes(db: Executor, operatorId: string, hashes: string[], nowIso: string): Promise<void> {
  await db.deleteFrom('operator_recovery_codes').where('operator_id', '=', operatorId).execute();
  const rows: OperatorRecoveryCodesTable[] = hashes.map((code_hash) => ({ code_hash, operator_id: operatorId, used_at: null, created_at: nowIso }));
  if (rows.length) await db.insertInto('operator_recovery_codes').values(rows).execute();
}

/** Uses a recovery code once: a conditional update, so two sign-ins racing on one code cannot both pass. */
export async function consumeRecoveryCode(db: Executor, operatorId: string, hash: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable('operator_recovery_codes')
    .set({ used_at: nowIso })
    .where('code_hash', '=', hash)
    .where('operator_id', '=', operatorId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, operatorId: string): Promise<number> {
  const row = await db
    .selectFrom('operator_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('operator_id', '=', operatorId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
