// The contacts a bulk activity works on (its "source": ids, members of lists, tagged contacts, all active
// contacts, a status), read in pages ordered by contact_id, so each step resumes after the last id it did.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { filterOnly, inIndexOrder, isSqlite } from '../../db/planner.ts';
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

/** `walk`: the query pages through the source in contact_id order (see filterOnly), rather than counting it. */
function sourceQuery(db: Db, accountId: string, source: BulkSource, walk = false) {
  let query = db.selectFrom('contacts').where(walk ? filterOnly(db, 'contacts.account_id') : 'contacts.account_id', '=', accountId);
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

type Link = { table: 'list_memberships'; column: 'list_id'; id: string } | { table: 'taggings'; column: 'tag_id'; id: string };

/** The link whose index a walk follows, and the rest of the source as filters: one list, or one tag alone. */
function drivingLink(source: BulkSource): { link: Link; rest: BulkSource } | null {
  if (source.contact_ids) return null;
  const { list_ids: lists, ...withoutLists } = source;
  if (lists?.length === 1) return { link: { table: 'list_memberships', column: 'list_id', id: lists[0]! }, rest: withoutLists };
  const { tag_ids: tags, ...withoutTags } = source;
  if (!lists && tags?.length === 1) return { link: { table: 'taggings', column: 'tag_id', id: tags[0]! }, rest: withoutTags };
  return null;
}

const selected = (columns: readonly (keyof ContactsTable)[]) =>
  [...new Set<keyof ContactsTable>(['contact_id', ...columns])].map((c) => `contacts.${c}` as const);

/**
 * The next `limit` contacts of the source after contact id `after`, in contact_id order. One list (or one
 * tag) is walked through its link index (list_id, contact_id), one primary-key lookup per member, so a page
 * reads only its own rows; any other source walks the contacts' primary key. Either way no page sorts.
 */
async function walkPage<C extends keyof ContactsTable>(db: Db, accountId: string, source: BulkSource, after: string, limit: number, columns: readonly C[]) {
  type Row = Pick<ContactsTable, C | 'contact_id'>;
  const driving = drivingLink(source);
  if (!driving) {
    const query = sourceQuery(db, accountId, source, true).select(selected(columns)).where('contacts.contact_id', '>', after);
    return inIndexOrder(db, async () => (await query.orderBy('contacts.contact_id').limit(limit).execute()) as Row[]);
  }
  const { link, rest } = driving;
  // Both link tables have the same shape; the type names one of them.
  const linkId = sql.ref<string>(`l.${link.column}`);
  if (isSqlite(db)) {
    // SQLite nests the loops by the join's index terms: the link index outside, the contacts looked up.
    const query = sourceQuery(db, accountId, rest)
      .innerJoin(`${link.table} as l` as 'list_memberships as l', 'l.contact_id', 'contacts.contact_id')
      .where(linkId, '=', link.id)
      .where('l.account_id', '=', accountId)
      .where('l.contact_id', '>', after)
      .select(selected(columns));
    return (await query.orderBy('l.contact_id').limit(limit).execute()) as Row[];
  }
  // PostgreSQL may plan a join in any order; a lateral subquery with LIMIT 1 is one lookup per member.
  const contact = sourceQuery(db, accountId, rest).select(selected(columns)).where('contacts.contact_id', '=', sql.ref<string>('l.contact_id')).limit(1);
  const query = db
    .selectFrom(`${link.table} as l` as 'list_memberships as l')
    .innerJoinLateral(contact.as('c'), (join) => join.onTrue())
    .selectAll('c')
    .where(linkId, '=', link.id)
    .where('l.account_id', '=', accountId)
    .where('l.contact_id', '>', after);
  return inIndexOrder(db, async () => (await query.orderBy('l.contact_id').limit(limit).execute()) as unknown as Row[]);
}

/** The next `limit` contact ids of the source after `after` (exclusive), in id order. */
export async function sourceIdsPage(db: Db, accountId: string, source: BulkSource, after: string, limit: number): Promise<string[]> {
  return (await walkPage(db, accountId, source, after, limit, ['contact_id'])).map((r) => r.contact_id);
}

/** A page of contacts with the columns asked for (and always contact_id), and the position after it. */
export type ContactsPage<C extends keyof ContactsTable> = { rows: Pick<ContactsTable, C | 'contact_id'>[]; last: string | null };

/** The next page of the source's contacts after `after`, and the last id the page covered (null: the end). */
export async function sourceContactsPage<C extends keyof ContactsTable>(
  db: Db,
  accountId: string,
  source: BulkSource,
  after: string,
  limit: number,
  columns: readonly C[],
): Promise<ContactsPage<C>> {
  const rows = await walkPage(db, accountId, source, after, limit, columns);
  return { rows, last: rows.at(-1)?.contact_id ?? null };
}

/** email: by address (no address first), then id; created_desc: newest first (by creation sequence). */
export type SourceOrder = 'email' | 'created_desc';

/**
 * The next page of the source's contacts in `order`, after the position `after` ('' = the start), and the
 * position of its last row (null: the end). Positions: `created_seq` for created_desc, `[email, id]` as JSON
 * for email ('' for no address); both are unique, so a resumed page neither repeats nor skips a contact.
 */
export async function sourceContactsPageInOrder<C extends keyof ContactsTable>(
  db: Db,
  accountId: string,
  source: BulkSource,
  order: SourceOrder,
  after: string,
  limit: number,
  columns: readonly C[],
): Promise<ContactsPage<C>> {
  type Row = Pick<ContactsTable, C | 'contact_id' | 'created_seq' | 'email_address'>;
  let query = sourceQuery(db, accountId, source).select(selected([...columns, 'created_seq', 'email_address']));
  if (order === 'created_desc') {
    if (after) query = query.where('contacts.created_seq', '<', Number(after));
    const rows = (await query.orderBy('contacts.created_seq', 'desc').limit(limit).execute()) as Row[];
    return { rows, last: rows.length ? String(rows.at(-1)!.created_seq) : null };
  }
  // Addresses are unique in an account: after the contacts without one (by id), the address alone is the
  // position, and the account's address index (account_id, email_address) gives the order without a sort.
  const [key, id] = after ? (JSON.parse(after) as [string, string]) : ['', ''];
  if (key === '') {
    const rows = (await query.where('contacts.email_address', 'is', null).where('contacts.contact_id', '>', id).orderBy('contacts.contact_id').limit(limit).execute()) as Row[];
    if (rows.length) return { rows, last: JSON.stringify(['', rows.at(-1)!.contact_id]) };
  }
  const addressed = query.where('contacts.email_address', '>', key).orderBy('contacts.email_address').limit(limit);
  const rows = await inIndexOrder(db, async () => (await addressed.execute()) as Row[]);
  const tail = rows.at(-1);
  return { rows, last: tail ? JSON.stringify([tail.email_address, tail.contact_id]) : null };
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
