// Queries on the contacts table: single rows, keyset pages with every filter of the dialect, counts.
// Every query is scoped by account_id.
import { type ExpressionBuilder, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { ContactsTable, Database, PermissionToSend } from '../../db/schema.ts';

export type Executor = Db | Transaction<Database>;
export type ContactRow = ContactsTable;

export type StatusFilter =
  | 'active'
  | 'deleted'
  | 'not_set'
  | 'pending_confirmation'
  | 'temp_hold'
  | 'unsubscribed';

export type ContactFilter = {
  /** null: every contact that is not deleted (the dialect's default); 'all': every contact. */
  statuses: StatusFilter[] | 'all' | null;
  email?: string;
  /** Addresses starting with this text (the customer pages' search); LIKE wildcards in it are escaped. */
  emailPrefix?: string;
  lists?: string[];
  tags?: string[];
  updatedAfter?: string;
  updatedBefore?: string;
  createdAfter?: string;
  createdBefore?: string;
  optoutAfter?: string;
  optoutBefore?: string;
};

/** `created`: by created_seq (immutable); `changed`: by change_seq (moves forward on every change). */
export type PageOrder = 'created' | 'changed';

export async function findContact(
  db: Executor,
  accountId: string,
  contactId: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}

export async function findContactByEmail(
  db: Executor,
  accountId: string,
  email: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email_address', '=', email)
    .executeTakeFirst();
}

export async function findContactsByIds(
  db: Executor,
  accountId: string,
  ids: readonly string[],
): Promise<ContactRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .execute();
}

/** Contacts by their creation seq, the legacy v2 id (deleted ones included). */
export async function findContactsBySequence(
  db: Executor,
  accountId: string,
  sequenceIds: readonly number[],
): Promise<Pick<ContactRow, 'contact_id' | 'created_seq'>[]> {
  if (!sequenceIds.length) return [];
  return db
    .selectFrom('contacts')
    .select(['contact_id', 'created_seq'])
    .where('account_id', '=', accountId)
    .where('created_seq', 'in', sequenceIds)
    .orderBy('created_seq')
    .execute();
}

export async function insertContact(db: Executor, row: ContactRow): Promise<void> {
  await db.insertInto('contacts').values(row).execute();
}

export async function updateContact(
  db: Executor,
  accountId: string,
  contactId: string,
  changes: Partial<Omit<ContactRow, 'contact_id' | 'account_id' | 'created_seq'>>,
): Promise<void> {
  await db
    .updateTable('contacts')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .execute();
}

function statusCondition(eb: ExpressionBuilder<Database, 'contacts'>, status: StatusFilter) {
  if (status === 'deleted') return eb('deleted_at', 'is not', null);
  // Active means mail may be sent: explicit or implicit permission, not deleted.
  const permissions: PermissionToSend[] = status === 'active' ? ['explicit', 'implicit'] : [status];
  return eb.and([eb('deleted_at', 'is', null), eb('permission_to_send', 'in', permissions)]);
}

function applyFilter<O>(
  query: SelectQueryBuilder<Database, 'contacts', O>,
  accountId: string,
  filter: ContactFilter,
): SelectQueryBuilder<Database, 'contacts', O> {
  let q = query.where('contacts.account_id', '=', accountId);
  const { statuses } = filter;
  if (statuses === null) q = q.where('deleted_at', 'is', null);
  else if (statuses !== 'all') q = q.where((eb) => eb.or(statuses.map((s) => statusCondition(eb, s))));
  if (filter.email) q = q.where('email_address', '=', filter.email);
  if (filter.emailPrefix) {
    const pattern = `${filter.emailPrefix.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where(sql<boolean>`email_address like ${pattern} escape '\\'`);
  }
  if (filter.updatedAfter) q = q.where('updated_at', '>', filter.updatedAfter);
  if (filter.updatedBefore) q = q.where('updated_at', '<', filter.updatedBefore);
  if (filter.createdAfter) q = q.where('created_at', '>', filter.createdAfter);
  if (filter.createdBefore) q = q.where('created_at', '<', filter.createdBefore);
  if (filter.optoutAfter) q = q.where('opt_out_date', '>', filter.optoutAfter);
  if (filter.optoutBefore) q = q.where('opt_out_date', '<', filter.optoutBefore);
  const { lists, tags } = filter;
  if (lists?.length) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('list_memberships as lm')
          .select('lm.contact_id')
          .whereRef('lm.contact_id', '=', 'contacts.contact_id')
          .where('lm.list_id', 'in', lists),
      ),
    );
  }
  if (tags?.length) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('taggings as tg')
          .select('tg.contact_id')
          .whereRef('tg.contact_id', '=', 'contacts.contact_id')
          .where('tg.tag_id', 'in', tags),
      ),
    );
  }
  return q;
}

export type PageRange = { order: PageOrder; after: number; limit: number; through?: number };

/**
 * One keyset page, its columns left to the caller: rows whose order key is greater than `after` (and at
 * most `through`), at most `limit`.
 */
export function selectContactsPage(db: Executor, accountId: string, filter: ContactFilter, page: PageRange) {
  const key = page.order === 'created' ? 'created_seq' : 'change_seq';
  let query = applyFilter(db.selectFrom('contacts'), accountId, filter).where(key, '>', page.after);
  if (page.through !== undefined) query = query.where(key, '<=', page.through);
  return query.orderBy(key).limit(page.limit);
}

/**
 * The smallest change_seq among contacts updated after `since`, through the (account_id, updated_at,
 * change_seq) index: an `updated_after` walk starts just below it instead of scanning from seq 0.
 */
export async function firstChangeSeqUpdatedAfter(
  db: Executor,
  accountId: string,
  since: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.min('change_seq').as('seq'))
    .where('account_id', '=', accountId)
    .where('updated_at', '>', since)
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
}

export async function countContacts(db: Executor, accountId: string, filter: ContactFilter): Promise<number> {
  const row = await applyFilter(
    db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')),
    accountId,
    filter,
  ).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Not-deleted contacts per permission_to_send. */
export async function countByPermission(db: Executor, accountId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('contacts')
    .select(['permission_to_send', (eb) => eb.fn.countAll().as('n')])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .groupBy('permission_to_send')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.permission_to_send, Number(r.n)]));
}
