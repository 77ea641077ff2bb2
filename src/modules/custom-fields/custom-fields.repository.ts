// Queries on contact_custom_fields and the values contacts hold for them: rows, keyset pages by name, the
// per-account count, and removal of a field with its values. Every query is scoped by account_id.
import type { Db } from '../../db/database.ts';
import type { ContactCustomFieldsTable } from '../../db/schema.ts';

export type CustomFieldRow = ContactCustomFieldsTable;
export type Choice = { choice_id: number; choice_label: string; display_order: number };

export async function findCustomField(db: Db, accountId: string, id: string): Promise<CustomFieldRow | undefined> {
  return db
    .selectFrom('contact_custom_fields')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('custom_field_id', '=', id)
    .executeTakeFirst();
}

/** By name, which is unique per account; `after` is the last name of the previous page. Up to `limit + 1` rows. */
export async function listCustomFields(db: Db, accountId: string, after: string | null, limit: number) {
  let query = db.selectFrom('contact_custom_fields').selectAll().where('account_id', '=', accountId);
  if (after !== null) query = query.where('name', '>', after);
  return query.orderBy('name').limit(limit + 1).execute();
}

export async function countCustomFields(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('contact_custom_fields')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertCustomField(db: Db, row: CustomFieldRow): Promise<void> {
  await db.insertInto('contact_custom_fields').values(row).execute();
}

export async function updateCustomField(
  db: Db,
  accountId: string,
  id: string,
  fields: Pick<CustomFieldRow, 'label' | 'choices' | 'updated_at'>,
): Promise<boolean> {
  const result = await db
    .updateTable('contact_custom_fields')
    .set(fields)
    .where('account_id', '=', accountId)
    .where('custom_field_id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes the field's values and returns the contacts that held one. */
export async function deleteValues(db: Db, accountId: string, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contact_custom_values')
    .select('contact_id')
    .where('account_id', '=', accountId)
    .where('custom_field_id', '=', id)
    .execute();
  await db.deleteFrom('contact_custom_values').where('account_id', '=', accountId).where('custom_field_id', '=', id).execute();
  return rows.map((r) => r.contact_id);
}

export async function deleteCustomField(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('contact_custom_fields')
    .where('account_id', '=', accountId)
    .where('custom_field_id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type ApiCustomField = {
  custom_field_id: string;
  label: string;
  name: string;
  type: string;
  choices?: Choice[];
  metadata?: Record<string, unknown>;
  version?: number;
  created_at: string;
  updated_at: string;
};

export function toApiCustomField(row: CustomFieldRow): ApiCustomField {
  return {
    custom_field_id: row.custom_field_id,
    label: row.label,
    name: row.name,
    type: row.type,
    ...(row.choices ? { choices: JSON.parse(row.choices) as Choice[] } : {}),
    ...(row.metadata ? { metadata: JSON.parse(row.metadata) as Record<string, unknown> } : {}),
    ...(row.version !== null ? { version: row.version } : {}),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
