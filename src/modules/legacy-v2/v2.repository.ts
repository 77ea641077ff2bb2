// Queries of the legacy v2 dialect over the v3 tables: contact pages with v2's filters (its derived
// statuses, modified_since, one list), lookups by the per-account numbers, and the lists' numbers.
import type { ExpressionBuilder } from 'kysely';
import type { ActivitiesTable, ActivityState, Database } from '../../db/schema.ts';
import type { ContactRow, Executor, PageOrder } from '../contacts/contacts.repository.ts';
import type { ListRow } from '../lists/lists.repository.ts';
import type { V2Status } from './v2-mapping.ts';

export type V2Filter = { status?: V2Status; email?: string; since?: string; listId?: string };

const SUBSCRIBED = ['explicit', 'implicit', 'temp_hold'] as const;

function onAnyList(eb: ExpressionBuilder<Database, 'contacts'>, listId?: string) {
  let members = eb
    .selectFrom('list_memberships as lm')
    .select('lm.contact_id')
    .whereRef('lm.contact_id', '=', 'contacts.contact_id');
  if (listId) members = members.where('lm.list_id', '=', listId);
  return eb.exists(members);
}

/** The rows of STATUS_TABLE (v2-mapping.ts) as SQL conditions. */
function statusCondition(eb: ExpressionBuilder<Database, 'contacts'>, status: V2Status) {
  const live = eb('deleted_at', 'is', null);
  switch (status) {
    case 'OPTOUT':
      return eb.or([eb('deleted_at', 'is not', null), eb('permission_to_send', '=', 'unsubscribed')]);
    case 'UNCONFIRMED':
      return eb.and([live, eb('permission_to_send', '=', 'pending_confirmation')]);
    case 'NON_SUBSCRIBER':
      return eb.and([live, eb('permission_to_send', '=', 'not_set')]);
    case 'REMOVED':
      return eb.and([live, eb('permission_to_send', 'in', SUBSCRIBED), eb.not(onAnyList(eb))]);
    case 'ACTIVE':
      return eb.and([live, eb('permission_to_send', 'in', SUBSCRIBED), onAnyList(eb)]);
    case 'VISITOR':
      return eb.lit(false);
  }
}

/** A page's contact row with its v2-only fields (null when it has none), read by the page's own query. */
export type V2ContactRow = ContactRow & { v2_prefix_name: string | null; v2_middle_name: string | null; v2_department_name: string | null };

/**
 * One keyset page in `order` (created_seq or change_seq), after `after`, at most `limit` rows, each with its
 * v2-only fields (a join on contact_v2_fields' key instead of a second query per page).
 */
export async function listV2ContactsPage(
  db: Executor,
  accountId: string,
  filter: V2Filter,
  page: { order: PageOrder; after: number; limit: number },
): Promise<V2ContactRow[]> {
  const key = page.order === 'created' ? 'contacts.created_seq' : 'contacts.change_seq';
  let query = db
    .selectFrom('contacts')
    .leftJoin('contact_v2_fields as v2f', 'v2f.contact_id', 'contacts.contact_id')
    .selectAll('contacts')
    .select(['v2f.prefix_name as v2_prefix_name', 'v2f.middle_name as v2_middle_name', 'v2f.department_name as v2_department_name'])
    .where('contacts.account_id', '=', accountId)
    .where(key, '>', page.after);
  const { status, email, since, listId } = filter;
  if (status) query = query.where((eb) => statusCondition(eb as unknown as ExpressionBuilder<Database, 'contacts'>, status));
  if (email) query = query.where('contacts.email_address', '=', email);
  if (since) query = query.where('contacts.updated_at', '>=', since);
  if (listId) query = query.where((eb) => onAnyList(eb as unknown as ExpressionBuilder<Database, 'contacts'>, listId));
  return query.orderBy(key).limit(page.limit).execute();
}

/** The smallest change_seq among contacts modified on or after `since` (where a modified_since walk starts). */
export async function firstChangeSeqSince(db: Executor, accountId: string, since: string): Promise<number | null> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.min('change_seq').as('seq'))
    .where('account_id', '=', accountId)
    .where('updated_at', '>=', since)
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
}

export async function findContactBySequence(
  db: Executor,
  accountId: string,
  sequenceId: number,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('created_seq', '=', sequenceId)
    .executeTakeFirst();
}

/** Every list of the account, deleted ones included (a contact's memberships are shown by number). */
export async function listAllLists(db: Executor, accountId: string, since?: string): Promise<ListRow[]> {
  let query = db.selectFrom('contact_lists').selectAll().where('account_id', '=', accountId);
  if (since) query = query.where('updated_at', '>=', since);
  return query.orderBy('sequence_id').execute();
}

export async function findListBySequence(db: Executor, accountId: string, sequenceId: number): Promise<ListRow | undefined> {
  return db
    .selectFrom('contact_lists')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('sequence_id', '=', sequenceId)
    .executeTakeFirst();
}

/** The account's custom fields whose name is one of the v2 slots (CustomField1–15). */
export async function findSlotFields(db: Executor, accountId: string, names: readonly string[]) {
  return db
    .selectFrom('contact_custom_fields')
    .select(['custom_field_id', 'name'])
    .where('account_id', '=', accountId)
    .where('name', 'in', names)
    .execute();
}

/** Ids of the account's contacts (not deleted) with these (normalized) email addresses. */
export async function findContactIdsByEmail(db: Executor, accountId: string, emails: string[]): Promise<Map<string, string>> {
  if (!emails.length) return new Map();
  const rows = await db
    .selectFrom('contacts')
    .select(['contact_id', 'email_address'])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .where('email_address', 'in', emails)
    .execute();
  return new Map(rows.map((r) => [r.email_address ?? '', r.contact_id]));
}

/** The account's activities of these kinds (and states), newest first, at most `limit`. */
export async function listActivitiesOfKinds(
  db: Executor,
  accountId: string,
  filter: { kinds: readonly string[]; states: readonly ActivityState[] | null; limit: number },
): Promise<ActivitiesTable[]> {
  let query = db.selectFrom('activities').selectAll().where('account_id', '=', accountId).where('kind', 'in', filter.kinds);
  if (filter.states) query = query.where('state', 'in', filter.states);
  return query.orderBy('created_at', 'desc').orderBy('activity_id', 'desc').limit(filter.limit).execute();
}

/** The v2-only fields of a contact (contact_v2_fields), absent when it has none. */
export type V2OnlyFields = { prefix_name: string | null; middle_name: string | null; department_name: string | null };

export async function findV2Fields(db: Executor, accountId: string, contactIds: readonly string[]): Promise<Map<string, V2OnlyFields>> {
  if (!contactIds.length) return new Map();
  const rows = await db
    .selectFrom('contact_v2_fields')
    .select(['contact_id', 'prefix_name', 'middle_name', 'department_name'])
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', contactIds)
    .execute();
  return new Map(rows.map(({ contact_id, ...fields }) => [contact_id, fields]));
}

export async function saveV2Fields(db: Executor, accountId: string, contactId: string, fields: V2OnlyFields): Promise<void> {
  await db
    .insertInto('contact_v2_fields')
    .values({ contact_id: contactId, account_id: accountId, ...fields })
    .onConflict((oc) => oc.column('contact_id').doUpdateSet(fields))
    .execute();
}

/** Inserts a custom field (a v2 slot) inside the caller's transaction. */
export async function insertSlotField(db: Executor, row: { custom_field_id: string; account_id: string; name: string; now: string }): Promise<void> {
  const { now, ...ids } = row;
  await db
    .insertInto('contact_custom_fields')
    .values({ ...ids, label: row.name, type: 'string', choices: null, metadata: null, version: null, created_at: now, updated_at: now })
    .execute();
}
