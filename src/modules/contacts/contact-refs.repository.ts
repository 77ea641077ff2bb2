// Lookups of the account's own lists, tags and custom fields, so that a contact never refers to another
// account's (or a deleted list's) id.
import type { Executor } from './contacts.repository.ts';

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
