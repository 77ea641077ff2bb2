// Lookups of the account's own lists, tags and custom fields, so that a contact never refers to another
// account's (or a deleted list's) id; and the batched removal of a list's or tag's links.
import { sql } from 'kysely';
import type { Executor } from './contacts.repository.ts';
import type { FieldDefinition } from './custom-values.ts';

type Ids = readonly string[];

/** The ids among `ids` that name live lists, tags or custom fields of the account. */
export async function existingIds(
  db: Executor,
  accountId: string,
  kind: 'lists' | 'tags' | 'custom_fields',
  ids: Ids,
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  if (kind === 'lists') {
    const rows = await db
      .selectFrom('contact_lists')
      .select('list_id as id')
      .where('account_id', '=', accountId)
      .where('list_id', 'in', ids)
      .where('deleted_at', 'is', null)
      .execute();
    return new Set(rows.map((r) => r.id));
  }
  const rows =
    kind === 'tags'
      ? await db
          .selectFrom('contact_tags')
          .select('tag_id as id')
          .where('account_id', '=', accountId)
          .where('tag_id', 'in', ids)
          .execute()
      : await db
          .selectFrom('contact_custom_fields')
          .select('custom_field_id as id')
          .where('account_id', '=', accountId)
          .where('custom_field_id', 'in', ids)
          .execute();
  return new Set(rows.map((r) => r.id));
}

/** The account's custom fields among `ids`, with what their values are checked against. */
export async function customFieldDefinitions(
  db: Executor,
  accountId: string,
  ids: Ids,
): Promise<Map<string, FieldDefinition>> {
  const rows = await db
    .selectFrom('contact_custom_fields')
    .select(['custom_field_id', 'type', 'choices', 'metadata'])
    .where('account_id', '=', accountId)
    .where('custom_field_id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.custom_field_id,
      {
        type: r.type,
        choices: r.choices ? (JSON.parse(r.choices) as FieldDefinition['choices']) : [],
        metadata: r.metadata ? (JSON.parse(r.metadata) as FieldDefinition['metadata']) : {},
      },
    ]),
  );
}

/** The tables that link contacts to a list or a tag, and the column naming the list or tag. */
const LINK_COLUMN = { list_memberships: 'list_id', taggings: 'tag_id' } as const;

/**
 * Removes up to `batch` links of one list or tag and returns the contacts that lost it: the unit of work of
 * the list- and tag-deletion jobs.
 */
export async function removeLinkBatch(
  db: Executor,
  table: keyof typeof LINK_COLUMN,
  accountId: string,
  targetId: string,
  batch: number,
): Promise<string[]> {
  const target = sql.ref(LINK_COLUMN[table]);
  const rows = await db
    .selectFrom(table)
    .select('contact_id')
    .where('account_id', '=', accountId)
    .where(target, '=', targetId)
    .orderBy('contact_id')
    .limit(batch)
    .execute();
  const ids = rows.map((r) => r.contact_id);
  if (ids.length) {
    await db
      .deleteFrom(table)
      .where('account_id', '=', accountId)
      .where(target, '=', targetId)
      .where('contact_id', 'in', ids)
      .execute();
  }
  return ids;
}
