// The few reads of the contacts domain a webhook subscription needs: its account's log head, the account's
// live list ids, and change-log rows by seq or by time.
import type { Db } from '../../db/database.ts';
import type { ChangeRow } from '../contacts/contact-changes.repository.ts';

export async function accountHead(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('accounts').select('change_seq').where('id', '=', accountId).executeTakeFirst();
  return Number(row?.change_seq ?? 0);
}

export async function findLiveListIds(db: Db, accountId: string, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .selectFrom('contact_lists')
    .select('list_id')
    .where('account_id', '=', accountId)
    .where('list_id', 'in', ids)
    .where('deleted_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.list_id));
}

/** Specific log rows by seq (for a resend); rows compacted away are simply absent. */
export async function findChangesBySeq(db: Db, accountId: string, seqs: readonly number[]): Promise<ChangeRow[]> {
  if (!seqs.length) return [];
  const rows = await db
    .selectFrom('contact_changes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('seq', 'in', seqs)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** The last seq recorded before `since` (a replay restarts after it). */
export async function findSeqBefore(db: Db, accountId: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('contact_changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('account_id', '=', accountId)
    .where('created_at', '<', since)
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
