// Queries on contact_tags and taggings: rows, keyset pages by name, tagged-contact counts, and the batched
// untagging a tag deletion runs. Every query is scoped by account_id.
import type { Db } from '../../db/database.ts';
import type { ContactTagsTable } from '../../db/schema.ts';

export type TagRow = ContactTagsTable;

export async function findTag(db: Db, accountId: string, tagId: string): Promise<TagRow | undefined> {
  return db.selectFrom('contact_tags').selectAll().where('account_id', '=', accountId).where('tag_id', '=', tagId).executeTakeFirst();
}

/** By name, which is unique per account; `after` is the last name of the previous page. Up to `limit + 1` rows. */
export async function listTags(db: Db, accountId: string, after: string | null, limit: number): Promise<TagRow[]> {
  let query = db.selectFrom('contact_tags').selectAll().where('account_id', '=', accountId);
  if (after !== null) query = query.where('name', '>', after);
  return query.orderBy('name').limit(limit + 1).execute();
}

/** Tagged contacts per tag among `tagIds`, counting contacts that are not deleted. */
export async function countTagged(db: Db, accountId: string, tagIds: readonly string[]): Promise<Map<string, number>> {
  if (!tagIds.length) return new Map();
  const rows = await db
    .selectFrom('taggings as t')
    .innerJoin('contacts as c', 'c.contact_id', 't.contact_id')
    .select(['t.tag_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('t.account_id', '=', accountId)
    .where('c.account_id', '=', accountId)
    .where('t.tag_id', 'in', tagIds)
    .where('c.deleted_at', 'is', null)
    .groupBy('t.tag_id')
    .execute();
  return new Map(rows.map((r) => [r.tag_id, Number(r.n)]));
}

export async function insertTag(db: Db, row: TagRow): Promise<void> {
  await db.insertInto('contact_tags').values(row).execute();
}

export async function renameTag(db: Db, accountId: string, tagId: string, name: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('contact_tags')
    .set({ name, updated_at: now })
    .where('account_id', '=', accountId)
    .where('tag_id', '=', tagId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTag(db: Db, accountId: string, tagId: string): Promise<void> {
  await db.deleteFrom('contact_tags').where('account_id', '=', accountId).where('tag_id', '=', tagId).execute();
}

export type ApiTag = {
  tag_id: string;
  name: string;
  tag_source?: string;
  contacts_count?: number;
  created_at: string;
  updated_at: string;
};

export function toApiTag(row: TagRow, contactsCount?: number): ApiTag {
  return {
    tag_id: row.tag_id,
    name: row.name,
    ...(row.tag_source ? { tag_source: row.tag_source } : {}),
    ...(contactsCount !== undefined ? { contacts_count: contactsCount } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
