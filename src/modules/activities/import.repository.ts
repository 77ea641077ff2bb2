// Set-at-a-time queries of the import job (one query per batch rather than per row), and the per-row errors
// of an activity: insert in the batch's transaction, read them back in row order for the error CSV.
import type { Db } from '../../db/database.ts';
import type { ActivityRowErrorsTable, ContactsTable } from '../../db/schema.ts';

/** Rows per INSERT: keeps the bound parameters under SQLite's limit (32766) for the widest table. */
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findContactsByEmails(db: Db, accountId: string, emails: readonly string[]): Promise<ContactsTable[]> {
  const found: ContactsTable[] = [];
  for (const part of chunks(emails)) {
    found.push(
      ...(await db.selectFrom('contacts').selectAll().where('account_id', '=', accountId).where('email_address', 'in', part).execute()),
    );
  }
  return found;
}

/** The existing (contact, list) pairs among the given ones, as "contact_id list_id" keys. */
export async function findMemberships(db: Db, accountId: string, contactIds: readonly string[], listIds: readonly string[]): Promise<Set<string>> {
  const keys = new Set<string>();
  if (!listIds.length) return keys;
  for (const part of chunks(contactIds)) {
    const rows = await db
      .selectFrom('list_memberships')
      .select(['contact_id', 'list_id'])
      .where('account_id', '=', accountId)
      .where('contact_id', 'in', part)
      .where('list_id', 'in', listIds)
      .execute();
    for (const r of rows) keys.add(`${r.contact_id} ${r.list_id}`);
  }
  return keys;
}

/** The contacts' custom values as "contact_id custom_field_id" → value. */
export async function findCustomValues(db: Db, accountId: string, contactIds: readonly string[]): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (const part of chunks(contactIds)) {
    const rows = await db
      .selectFrom('contact_custom_values')
      .select(['contact_id', 'custom_field_id', 'value'])
      .where('account_id', '=', accountId)
      .where('contact_id', 'in', part)
      .execute();
    for (const r of rows) values.set(`${r.contact_id} ${r.custom_field_id}`, r.value);
  }
  return values;
}

export async function insertContacts(db: Db, rows: readonly ContactsTable[]): Promise<void> {
  for (const part of chunks(rows, 200)) await db.insertInto('contacts').values(part).execute();
}

/** Adds memberships; a pair another writer added meanwhile is left as it is. */
export async function insertMemberships(
  db: Db,
  accountId: string,
  links: readonly { contact_id: string; list_id: string }[],
  now: string,
): Promise<void> {
  for (const part of chunks(links)) {
    await db
      .insertInto('list_memberships')
      .values(part.map((l) => ({ account_id: accountId, ...l, created_at: now })))
      .onConflict((oc) => oc.columns(['list_id', 'contact_id']).doNothing())
      .execute();
  }
}

/** Sets custom values (insert or overwrite), leaving the contacts' other fields alone. */
export async function replaceCustomValues(
  db: Db,
  accountId: string,
  values: readonly { contact_id: string; custom_field_id: string; value: string }[],
): Promise<void> {
  for (const part of chunks(values)) {
    await db
      .insertInto('contact_custom_values')
      .values(part.map((v) => ({ account_id: accountId, ...v })))
      .onConflict((oc) => oc.columns(['contact_id', 'custom_field_id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

export type RowErrorRow = ActivityRowErrorsTable;

export async function insertRowErrors(db: Db, rows: readonly RowErrorRow[]): Promise<void> {
  for (const part of chunks(rows)) await db.insertInto('activity_row_errors').values(part).execute();
}

/** A page of an activity's row errors after `afterRow`, in row order. */
export async function listRowErrors(db: Db, accountId: string, activityId: string, afterRow: number, limit: number): Promise<RowErrorRow[]> {
  return db
    .selectFrom('activity_row_errors')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('activity_id', '=', activityId)
    .where('row_number', '>', afterRow)
    .orderBy('row_number')
    .limit(limit)
    .execute();
}

/** The account's custom fields by lower-cased name (the cf: columns name them). */
export async function customFieldsByName(db: Db, accountId: string): Promise<Record<string, string>> {
  const rows = await db.selectFrom('contact_custom_fields').select(['custom_field_id', 'name']).where('account_id', '=', accountId).execute();
  return Object.fromEntries(rows.map((r) => [r.name.toLowerCase(), r.custom_field_id]));
}
