// Set-at-a-time queries of the import job (one query per batch rather than per row), and the per-row errors
// of an activity: insert in the batch's transaction, read them back in row order for the error CSV.
import type { Db } from '../../db/database.ts';
import { sql } from 'kysely';
import { inValues, insertRows, jsonCell, jsonRows } from '../../db/json-rows.ts';
import type { ActivityRowErrorsTable, ContactsTable } from '../../db/schema.ts';

/** Ids per lookup statement (one JSON parameter each, see db/json-rows.ts). */
const CHUNK = 10_000;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function findContactsByEmails(db: Db, accountId: string, emails: readonly string[]): Promise<ContactsTable[]> {
  const found: ContactsTable[] = [];
  for (const part of chunks(emails)) {
    found.push(
      ...(await db
        .selectFrom('contacts')
        .selectAll()
        .where('account_id', '=', accountId)
        .where(inValues(db, 'email_address', part))
        .execute()),
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
      .where(inValues(db, 'contact_id', part))
      .where(inValues(db, 'list_id', listIds))
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
      .where(inValues(db, 'contact_id', part))
      .execute();
    for (const r of rows) values.set(`${r.contact_id} ${r.custom_field_id}`, r.value);
  }
  return values;
}

const CONTACT_COLUMNS = [
  'contact_id',
  'account_id',
  'email_address',
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'birthday_month',
  'birthday_day',
  'anniversary',
  'create_source',
  'update_source',
  'permission_to_send',
  'opt_in_source',
  'opt_in_date',
  'opt_out_source',
  'opt_out_date',
  'opt_out_reason',
  'confirm_status',
  'email_created_at',
  'email_updated_at',
  'created_at',
  'updated_at',
  'deleted_at',
  'change_seq',
  'created_seq',
  'sms_channel',
] as const satisfies readonly (keyof ContactsTable)[];

const CONTACT_TYPES = { birthday_month: 'integer', birthday_day: 'integer', change_seq: 'bigint', created_seq: 'bigint' } as const;

export async function insertContacts(db: Db, rows: readonly ContactsTable[]): Promise<void> {
  if (!rows.length) return;
  const cells = rows.map((row) => CONTACT_COLUMNS.map((column) => row[column] ?? null));
  await insertRows(db, 'contacts', CONTACT_COLUMNS, cells, { types: CONTACT_TYPES });
}

/** The core fields an import sets on an existing contact, with its bookkeeping (one row per contact). */
export type ContactUpdate = Pick<
  ContactsTable,
  'contact_id' | 'first_name' | 'last_name' | 'job_title' | 'company_name' | 'birthday_month' | 'birthday_day' | 'anniversary' | 'update_source' | 'updated_at' | 'deleted_at' | 'change_seq'
>;

const UPDATE_COLUMNS = [
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'birthday_month',
  'birthday_day',
  'anniversary',
  'update_source',
  'updated_at',
  'deleted_at',
  'change_seq',
] as const satisfies readonly (keyof ContactUpdate)[];

/** Writes each contact's row of `updates` (every column given: the caller merged it with what it read). */
export async function updateContacts(db: Db, accountId: string, updates: readonly ContactUpdate[]): Promise<void> {
  for (const part of chunks(updates)) {
    const rows = part.map((u) => [u.contact_id, ...UPDATE_COLUMNS.map((column) => u[column] ?? null)]);
    const set = sql.join(UPDATE_COLUMNS.map((column, i) => sql`${sql.ref(column)} = ${jsonCell(i + 1, CONTACT_TYPES[column as keyof typeof CONTACT_TYPES])}`));
    await sql`UPDATE contacts SET ${set} FROM ${jsonRows(db, rows)} WHERE contacts.account_id = ${accountId} AND contacts.contact_id = ${jsonCell(0)}`.execute(db);
  }
}

/** Adds memberships; a pair another writer added meanwhile is left as it is. */
export async function insertMemberships(
  db: Db,
  accountId: string,
  links: readonly { contact_id: string; list_id: string }[],
  now: string,
): Promise<void> {
  if (!links.length) return;
  await insertRows(
    db,
    'list_memberships',
    ['account_id', 'list_id', 'contact_id', 'created_at'],
    links.map((l) => [accountId, l.list_id, l.contact_id, now]),
    { conflict: 'ON CONFLICT (list_id, contact_id) DO NOTHING' },
  );
}

/** Sets custom values (insert or overwrite), leaving the contacts' other fields alone. */
export async function replaceCustomValues(
  db: Db,
  accountId: string,
  values: readonly { contact_id: string; custom_field_id: string; value: string }[],
): Promise<void> {
  if (!values.length) return;
  await insertRows(
    db,
    'contact_custom_values',
    ['account_id', 'contact_id', 'custom_field_id', 'value'],
    values.map((v) => [accountId, v.contact_id, v.custom_field_id, v.value]),
    { conflict: 'ON CONFLICT (contact_id, custom_field_id) DO UPDATE SET value = excluded.value' },
  );
}

export type RowErrorRow = ActivityRowErrorsTable;

export async function insertRowErrors(db: Db, rows: readonly RowErrorRow[]): Promise<void> {
  if (!rows.length) return;
  await insertRows(
    db,
    'activity_row_errors',
    ['activity_id', 'account_id', 'row_number', 'email', 'reason'],
    rows.map((r) => [r.activity_id, r.account_id, r.row_number, r.email, r.reason]),
    { types: { row_number: 'integer' } },
  );
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
