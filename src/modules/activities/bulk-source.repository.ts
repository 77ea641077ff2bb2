// The contacts a bulk activity works on (its "source": ids, members of lists, tagged contacts, all active
// contacts, a status), read in pages ordered by contact_id, so each step resumes after the last id it did.
import type { Db } from '../../db/database.ts';
import type { ContactsTable, PermissionToSend } from '../../db/schema.ts';

export type BulkSource = {
  contact_ids?: string[];
  list_ids?: string[];
  tag_ids?: string[];
  all_active_contacts?: boolean;
  /** Only contacts with these permissions (exports' `status`); null or absent: any. */
  statuses?: PermissionToSend[] | null;
  /** Deleted contacts too (exports of `status=deleted`). */
  include_deleted?: boolean;
  exclude_ids?: string[];
};

function sourceQuery(db: Db, accountId: string, source: BulkSource) {
  let query = db.selectFrom('contacts').where('contacts.account_id', '=', accountId);
  if (!source.include_deleted) query = query.where('contacts.deleted_at', 'is', null);
  if (source.contact_ids) query = query.where('contacts.contact_id', 'in', source.contact_ids.length ? source.contact_ids : ['']);
  const lists = source.list_ids;
  if (lists) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('list_memberships as m')
          .select('m.contact_id')
          .whereRef('m.contact_id', '=', 'contacts.contact_id')
          .where('m.list_id', 'in', lists),
      ),
    );
  }
  const tags = source.tag_ids;
  if (tags) {
    query = query.where((eb) =>
      eb.exists(
        eb.selectFrom('taggings as t').select('t.contact_id').whereRef('t.contact_id', '=', 'contacts.contact_id').where('t.tag_id', 'in', tags),
      ),
    );
  }
  if (source.all_active_contacts) query = query.where('contacts.permission_to_send', '!=', 'unsubscribed');
  if (source.statuses?.length) query = query.where('contacts.permission_to_send', 'in', source.statuses);
  if (source.exclude_ids?.length) query = query.where('contacts.contact_id', 'not in', source.exclude_ids);
  return query;
}

export async function countSource(db: Db, accountId: string, source: BulkSource): Promise<number> {
  const row = await sourceQuery(db, accountId, source)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The next `limit` contact ids of the source after `after` (exclusive), in id order. */
export async function sourceIdsPage(db: Db, accountId: string, source: BulkSource, after: string, limit: number): Promise<string[]> {
  const rows = await sourceQuery(db, accountId, source)
    .select('contacts.contact_id')
    .where('contacts.contact_id', '>', after)
    .orderBy('contacts.contact_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.contact_id);
}

/** The next page of the source's contacts after `after`, and the last id the page covered (null: the end). */
export async function sourceContactsPage(
  db: Db,
  accountId: string,
  source: BulkSource,
  after: string,
  limit: number,
): Promise<{ rows: ContactsTable[]; last: string | null }> {
  const lists = source.list_ids;
  if (lists?.length === 1 && !source.tag_ids && !source.contact_ids) {
    // One list: walk its membership index (list_id, contact_id) in order instead of sorting the account's
    // contacts for every page.
    const ids = (
      await db
        .selectFrom('list_memberships')
        .select('contact_id')
        .where('list_id', '=', lists[0]!)
        .where('account_id', '=', accountId)
        .where('contact_id', '>', after)
        .orderBy('contact_id')
        .limit(limit)
        .execute()
    ).map((r) => r.contact_id);
    if (!ids.length) return { rows: [], last: null };
    const { list_ids: _, ...rest } = source;
    const rows = await sourceQuery(db, accountId, { ...rest, contact_ids: ids }).selectAll('contacts').orderBy('contacts.contact_id').execute();
    // Members filtered out (deleted, another status) still move the position: the page covered them.
    return { rows, last: ids.at(-1)! };
  }
  const rows = await sourceQuery(db, accountId, source)
    .selectAll('contacts')
    .where('contacts.contact_id', '>', after)
    .orderBy('contacts.contact_id')
    .limit(limit)
    .execute();
  return { rows, last: rows.at(-1)?.contact_id ?? null };
}

type LinkTable = 'list_memberships' | 'taggings';

/** The (contact, target) pairs that exist, as "contact_id target_id" keys. */
export async function findLinks(db: Db, table: LinkTable, accountId: string, contactIds: readonly string[], targetIds: readonly string[]): Promise<Set<string>> {
  if (!contactIds.length || !targetIds.length) return new Set();
  const rows =
    table === 'list_memberships'
      ? await db
          .selectFrom('list_memberships')
          .select(['contact_id', 'list_id as target'])
          .where('account_id', '=', accountId)
          .where('contact_id', 'in', contactIds)
          .where('list_id', 'in', targetIds)
          .execute()
      : await db
          .selectFrom('taggings')
          .select(['contact_id', 'tag_id as target'])
          .where('account_id', '=', accountId)
          .where('contact_id', 'in', contactIds)
          .where('tag_id', 'in', targetIds)
          .execute();
  return new Set(rows.map((r) => `${r.contact_id} ${r.target}`));
}

export async function insertLinks(db: Db, table: LinkTable, accountId: string, pairs: readonly [string, string][], now: string): Promise<void> {
  if (!pairs.length) return;
  if (table === 'list_memberships') {
    await db
      .insertInto('list_memberships')
      .values(pairs.map(([contact_id, list_id]) => ({ account_id: accountId, contact_id, list_id, created_at: now })))
      .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
      .execute();
  } else {
    await db
      .insertInto('taggings')
      .values(pairs.map(([contact_id, tag_id]) => ({ account_id: accountId, contact_id, tag_id, created_at: now })))
      .onConflict((oc) => oc.columns(['tag_id', 'contact_id']).doNothing())
      .execute();
  }
}

export async function deleteLinks(db: Db, table: LinkTable, accountId: string, contactIds: readonly string[], targetId: string): Promise<void> {
  if (!contactIds.length) return;
  if (table === 'list_memberships') {
    await db.deleteFrom('list_memberships').where('account_id', '=', accountId).where('list_id', '=', targetId).where('contact_id', 'in', contactIds).execute();
  } else {
    await db.deleteFrom('taggings').where('account_id', '=', accountId).where('tag_id', '=', targetId).where('contact_id', 'in', contactIds).execute();
  }
}

export async function softDeleteContacts(db: Db, accountId: string, contactIds: readonly string[], now: string): Promise<void> {
  if (!contactIds.length) return;
  await db.updateTable('contacts').set({ deleted_at: now }).where('account_id', '=', accountId).where('contact_id', 'in', contactIds).execute();
}

/** Removes up to `limit` values of one custom field; returns the contacts that lost one. */
export async function removeCustomValueBatch(db: Db, accountId: string, fieldId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('contact_custom_values')
    .select('contact_id')
    .where('account_id', '=', accountId)
    .where('custom_field_id', '=', fieldId)
    .orderBy('contact_id')
    .limit(limit)
    .execute();
  const ids = rows.map((r) => r.contact_id);
  if (ids.length) {
    await db.deleteFrom('contact_custom_values').where('account_id', '=', accountId).where('custom_field_id', '=', fieldId).where('contact_id', 'in', ids).execute();
  }
  return ids;
}

export async function deleteCustomField(db: Db, accountId: string, fieldId: string): Promise<void> {
  await db.deleteFrom('contact_custom_fields').where('account_id', '=', accountId).where('custom_field_id', '=', fieldId).execute();
}
