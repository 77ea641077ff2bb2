// Queries on the per-account change sequence and the contact change log (contact_changes), which the
// change feed and incremental sync read, plus log compaction and its horizon.
import { sql } from 'kysely';
import { insertRows } from '../../db/json-rows.ts';
import type { ContactChangeKind, ContactChangesTable } from '../../db/schema.ts';
import type { Executor } from './contacts.repository.ts';

export type ChangeRow = ContactChangesTable;

/**
 * Locks the account's sequence row until the transaction ends and returns its current value. On PostgreSQL
 * the row lock makes writers of one account take their sequence numbers in commit order, so a reader can
 * never see seq N committed while N-1 is still in flight; SQLite has a single writer anyway.
 */
export async function lockChangeSeq(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .updateTable('accounts')
    .set({ change_seq: sql`change_seq` })
    .where('id', '=', accountId)
    .returning('change_seq')
    .executeTakeFirst();
  if (!row) throw new Error(`account ${accountId} does not exist`);
  return Number(row.change_seq);
}

export async function setChangeSeq(db: Executor, accountId: string, seq: number): Promise<void> {
  await db.updateTable('accounts').set({ change_seq: seq }).where('id', '=', accountId).execute();
}

const CHUNK = 500;

/** Writes log rows in set-at-a-time statements (one JSON parameter each: no per-row query building). */
export async function insertChanges(db: Executor, rows: readonly ChangeRow[]): Promise<void> {
  if (!rows.length) return;
  await insertRows(
    db,
    'contact_changes',
    ['account_id', 'seq', 'contact_id', 'kind', 'list_id', 'created_at'],
    rows.map((r) => [r.account_id, r.seq, r.contact_id, r.kind, r.list_id, r.created_at]),
    { types: { seq: 'bigint' } },
  );
}

/**
 * Sets updated_at and change_seq of many contacts to their last logged change in the range (first, last]:
 * one statement per chunk, for bulk writers (list deletion, bulk membership jobs).
 */
export async function touchContactsFromLog(
  db: Executor,
  accountId: string,
  contactIds: readonly string[],
  range: { first: number; last: number },
  now: string,
): Promise<void> {
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    await db
      .updateTable('contacts')
      .set((eb) => ({
        updated_at: now,
        change_seq: eb
          .selectFrom('contact_changes as cc')
          .select((e) => e.fn.max('cc.seq').as('seq'))
          .whereRef('cc.account_id', '=', 'contacts.account_id')
          .whereRef('cc.contact_id', '=', 'contacts.contact_id')
          .where('cc.seq', '>', range.first)
          .where('cc.seq', '<=', range.last)
          .$castTo<number>(),
      }))
      .where('account_id', '=', accountId)
      .where('contact_id', 'in', contactIds.slice(i, i + CHUNK))
      .execute();
  }
}

export type ChangePage = { rows: ChangeRow[]; head: number };

/**
 * Log rows after `after`, in seq order, at most `limit`, no further than the log's head read FIRST: since
 * seq order is commit order, every seq up to that head is already committed and visible to the second
 * query, so a reader that got fewer than `limit` rows may safely resume after the head (filtered feeds
 * skip what they do not want). With `lists`, keeps membership changes of those lists and the other
 * changes of their current members.
 */
export async function readChanges(
  db: Executor,
  accountId: string,
  options: { after: number; limit: number; lists?: readonly string[] },
): Promise<ChangePage> {
  const head = await headSeq(db, accountId);
  if (head <= options.after) return { rows: [], head };
  const { lists } = options;
  let query = db
    .selectFrom('contact_changes as cc')
    .selectAll('cc')
    .where('cc.account_id', '=', accountId)
    .where('cc.seq', '>', options.after)
    .where('cc.seq', '<=', head);
  if (lists?.length) {
    const listKinds: ContactChangeKind[] = ['list_added', 'list_removed'];
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('cc.kind', 'in', listKinds), eb('cc.list_id', 'in', lists)]),
        eb.and([
          eb('cc.kind', 'not in', listKinds),
          eb.exists(
            eb
              .selectFrom('list_memberships as lm')
              .select('lm.contact_id')
              .whereRef('lm.contact_id', '=', 'cc.contact_id')
              .where('lm.list_id', 'in', lists),
          ),
        ]),
      ]),
    );
  }
  const rows = await query.orderBy('cc.seq').limit(options.limit).execute();
  return { rows: rows.map((row) => ({ ...row, seq: Number(row.seq) })), head };
}

export async function headSeq(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('contact_changes')
    .select((eb) => eb.fn.max('seq').as('head'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

export async function findHorizon(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('contact_change_horizons')
    .select('compacted_through_seq')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(row?.compacted_through_seq ?? 0);
}

/**
 * Deletes every log row up to `through` that a later row of the same contact supersedes; each contact keeps
 * its newest row, so a sync from the beginning still sees every contact. Returns the number deleted.
 */
export async function compactChanges(
  db: Executor,
  accountId: string,
  through: number,
  now: string,
): Promise<number> {
  const result = await db
    .deleteFrom('contact_changes')
    .where('account_id', '=', accountId)
    .where('seq', '<=', through)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('contact_changes as later')
          .select('later.seq')
          .where('later.account_id', '=', accountId)
          .whereRef('later.contact_id', '=', 'contact_changes.contact_id')
          .whereRef('later.seq', '>', 'contact_changes.seq'),
      ),
    )
    .executeTakeFirst();
  const values = { account_id: accountId, compacted_through_seq: through, compacted_at: now };
  await db
    .insertInto('contact_change_horizons')
    .values(values)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({ compacted_through_seq: through, compacted_at: now }),
    )
    .execute();
  return Number(result.numDeletedRows);
}

/** Per account, the newest seq recorded before `before`: how far the log may be compacted. */
export async function findCompactableSeqs(
  db: Executor,
  before: string,
): Promise<{ account_id: string; through: number }[]> {
  const rows = await db
    .selectFrom('contact_changes')
    .select((eb) => ['account_id', eb.fn.max('seq').as('through')])
    .where('created_at', '<', before)
    .groupBy('account_id')
    .execute();
  return rows.map((r) => ({ account_id: r.account_id, through: Number(r.through) }));
}
