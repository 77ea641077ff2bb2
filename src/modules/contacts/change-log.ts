// The one way to record contact changes: inside the writer's transaction, lock the account's sequence,
// hand out seqs, write the log rows and bump each contact's updated_at and change_seq. Other modules
// (lists, bulk activities) that add, remove or delete contacts use recordBulkChanges.
import type { ContactChangeKind } from '../../db/schema.ts';
import * as changes from './contact-changes.repository.ts';
import type { Executor } from './contacts.repository.ts';

export type ChangeEntry = { contactId: string; kind: ContactChangeKind; listId?: string | null };

export type ChangeLog = {
  /** Appends a change and returns its seq (not yet written). */
  add(entry: ChangeEntry): number;
  /** The highest seq handed out so far for a contact. */
  lastSeqOf(contactId: string): number | undefined;
  /** Writes the log rows and the account's new sequence value. */
  flush(): Promise<void>;
};

/**
 * Opens the change log of one account for the current transaction. Call it FIRST in every writer
 * transaction (before reading or writing contact rows), so that writers of an account queue on the account
 * row in one order and cannot deadlock on contact rows.
 */
export async function openChangeLog(trx: Executor, accountId: string, now: string): Promise<ChangeLog> {
  const start = await changes.lockChangeSeq(trx, accountId);
  const rows: changes.ChangeRow[] = [];
  const last = new Map<string, number>();
  return {
    add({ contactId, kind, listId = null }) {
      const seq = start + rows.length + 1;
      rows.push({
        account_id: accountId,
        seq,
        contact_id: contactId,
        kind,
        list_id: listId,
        created_at: now,
      });
      last.set(contactId, seq);
      return seq;
    },
    lastSeqOf: (contactId) => last.get(contactId),
    async flush() {
      if (!rows.length) return;
      await changes.insertChanges(trx, rows);
      await changes.setChangeSeq(trx, accountId, start + rows.length);
      rows.length = 0;
    },
  };
}

/**
 * Records changes of many existing contacts at once (e.g. every member removed from a deleted list) and sets
 * their updated_at/change_seq, in the caller's transaction. Call before other writes in that transaction.
 */
export async function recordBulkChanges(
  trx: Executor,
  accountId: string,
  now: string,
  entries: readonly ChangeEntry[],
): Promise<void> {
  if (!entries.length) return;
  const log = await openChangeLog(trx, accountId, now);
  const first = log.add(entries[0]!) - 1;
  for (const entry of entries.slice(1)) log.add(entry);
  await log.flush();
  const ids = [...new Set(entries.map((e) => e.contactId))];
  await changes.touchContactsFromLog(trx, accountId, ids, { first, last: first + entries.length }, now);
}
