// Queries on contact_lists and their memberships: rows, keyset pages with the dialect's filters, member
// counts, and the batched membership removal a list deletion runs. Every query is scoped by account_id.
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ContactListsTable, Database } from '../../db/schema.ts';

type Executor = Db | Transaction<Database>;

export type ListRow = ContactListsTable;
export type ListStatus = 'active' | 'deleted';
export type ListFilter = { statuses: readonly ListStatus[]; name?: string };
export type ListPosition = { c: string; i: string };
export type MemberCount = 'all' | 'active';

export async function findList(db: Db, accountId: string, listId: string): Promise<ListRow | undefined> {
  return db
    .selectFrom('contact_lists')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('list_id', '=', listId)
    .executeTakeFirst();
}

function filtered(db: Db, accountId: string, filter: ListFilter) {
  let query = db.selectFrom('contact_lists').where('account_id', '=', accountId);
  if (filter.statuses.length === 1) {
    query = query.where('deleted_at', filter.statuses[0] === 'active' ? 'is' : 'is not', null);
  }
  if (filter.name !== undefined) query = query.where('name', '=', filter.name);
  return query;
}

/** Oldest first, by (created_at, list_id); returns up to `limit + 1` rows so the caller knows if more follow. */
export async function listLists(db: Db, accountId: string, filter: ListFilter, after: ListPosition | null, limit: number) {
  let query = filtered(db, accountId, filter).selectAll();
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '>', after.c), eb.and([eb('created_at', '=', after.c), eb('list_id', '>', after.i)])]),
    );
  }
  return query.orderBy('created_at').orderBy('list_id').limit(limit + 1).execute();
}

export async function countLists(db: Db, accountId: string, filter: ListFilter): Promise<number> {
  const row = await filtered(db, accountId, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Members per list among `listIds`: `all` counts contacts that are not deleted, `active` also drops unsubscribed. */
export async function countMembers(db: Db, accountId: string, listIds: readonly string[], mode: MemberCount) {
  if (!listIds.length) return new Map<string, number>();
  let query = db
    .selectFrom('list_memberships as lm')
    .innerJoin('contacts as c', 'c.contact_id', 'lm.contact_id')
    .select(['lm.list_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('lm.account_id', '=', accountId)
    .where('c.account_id', '=', accountId)
    .where('lm.list_id', 'in', listIds)
    .where('c.deleted_at', 'is', null);
  if (mode === 'active') query = query.where('c.permission_to_send', '!=', 'unsubscribed');
  const rows = await query.groupBy('lm.list_id').execute();
  return new Map(rows.map((r) => [r.list_id, Number(r.n)]));
}

/** The account's next list number (the legacy v2 id): taken from accounts.list_seq, never handed out twice. */
export async function nextListSequence(db: Executor, accountId: string): Promise<number> {
  const row = await db
    .updateTable('accounts')
    .set({ list_seq: sql`list_seq + 1` })
    .where('id', '=', accountId)
    .returning('list_seq')
    .executeTakeFirstOrThrow();
  return Number(row.list_seq);
}

export async function insertList(db: Executor, row: ListRow): Promise<void> {
  await db.insertInto('contact_lists').values(row).execute();
}

/** Lists by their numbers (legacy v2 ids), deleted ones included. */
export async function findListsBySequence(db: Executor, accountId: string, sequenceIds: readonly number[]): Promise<ListRow[]> {
  if (!sequenceIds.length) return [];
  return db
    .selectFrom('contact_lists')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('sequence_id', 'in', sequenceIds)
    .execute();
}

/** Changes a list that is not deleted; false when there is none (missing, deleted, or deleted concurrently). */
export async function updateLiveList(
  db: Db,
  accountId: string,
  listId: string,
  fields: Partial<Pick<ListRow, 'name' | 'description' | 'favorite' | 'updated_at' | 'deleted_at' | 'v2_status'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('contact_lists')
    .set(fields)
    .where('account_id', '=', accountId)
    .where('list_id', '=', listId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type ApiList = {
  list_id: string;
  name: string;
  description?: string;
  favorite: boolean;
  created_at: string;
  updated_at: string;
  deleted_at?: string;
  membership_count?: number;
};

export function toApiList(row: ListRow, membershipCount?: number): ApiList {
  return {
    list_id: row.list_id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    favorite: row.favorite === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(row.deleted_at ? { deleted_at: row.deleted_at } : {}),
    ...(membershipCount !== undefined ? { membership_count: membershipCount } : {}),
  };
}
