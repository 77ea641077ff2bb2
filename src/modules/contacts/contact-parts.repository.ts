// Queries on a contact's sub-resources: phone numbers, street addresses, notes, custom field values, list
// memberships and taggings. Loads are batched per page (one query per sub-resource, never one per contact).
import type {
  ContactCustomValuesTable,
  ContactNotesTable,
  ContactPhoneNumbersTable,
  ContactStreetAddressesTable,
} from '../../db/schema.ts';
import { newOrderedId } from '../../shared/crypto.ts';
import type { AddressInput, PhoneInput } from './contact-input.ts';
import type { CheckedValue } from './custom-values.ts';
import type { Executor } from './contacts.repository.ts';

export type PhoneRow = ContactPhoneNumbersTable;
export type AddressRow = ContactStreetAddressesTable;
export type NoteRow = ContactNotesTable;
export type CustomValueRow = ContactCustomValuesTable;
type Ids = readonly string[];

export async function loadPhones(db: Executor, accountId: string, ids: Ids): Promise<PhoneRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contact_phone_numbers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('position')
    .execute();
}

export async function loadAddresses(db: Executor, accountId: string, ids: Ids): Promise<AddressRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contact_street_addresses')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('position')
    .execute();
}

export async function loadNotes(db: Executor, accountId: string, ids: Ids): Promise<NoteRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contact_notes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('position')
    .execute();
}

export async function loadCustomValues(db: Executor, accountId: string, ids: Ids): Promise<CustomValueRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contact_custom_values')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('custom_field_id')
    .execute();
}

export async function loadMemberships(
  db: Executor,
  accountId: string,
  ids: Ids,
): Promise<{ contact_id: string; list_id: string }[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('list_memberships')
    .select(['contact_id', 'list_id'])
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('list_id')
    .execute();
}

export async function loadTaggings(
  db: Executor,
  accountId: string,
  ids: Ids,
): Promise<{ contact_id: string; tag_id: string }[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('taggings')
    .select(['contact_id', 'tag_id'])
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('tag_id')
    .execute();
}

export async function replacePhones(
  db: Executor,
  accountId: string,
  contactId: string,
  phones: PhoneInput[],
  meta: { now: string; source: string },
): Promise<void> {
  // A number that stays keeps its id, creation time and create_source; only what changed is stamped anew.
  const before = new Map((await loadPhones(db, accountId, [contactId])).map((p) => [p.phone_number, p]));
  await db
    .deleteFrom('contact_phone_numbers')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .execute();
  if (!phones.length) return;
  await db
    .insertInto('contact_phone_numbers')
    .values(
      phones.map((p, position) => {
        const kept = before.get(p.phone_number);
        const same = kept?.kind === p.kind;
        return {
          phone_number_id: kept?.phone_number_id ?? newOrderedId(),
          account_id: accountId,
          contact_id: contactId,
          ...p,
          position,
          create_source: kept ? kept.create_source : meta.source,
          update_source: same ? kept.update_source : meta.source,
          created_at: kept?.created_at ?? meta.now,
          updated_at: same ? kept.updated_at : meta.now,
        };
      }),
    )
    .execute();
}

export async function replaceAddresses(
  db: Executor,
  accountId: string,
  contactId: string,
  addresses: AddressInput[],
  now: string,
): Promise<void> {
  await db
    .deleteFrom('contact_street_addresses')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .execute();
  if (!addresses.length) return;
  await db
    .insertInto('contact_street_addresses')
    .values(
      addresses.map((a, position) => ({
        street_address_id: newOrderedId(),
        account_id: accountId,
        contact_id: contactId,
        ...a,
        position,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

export async function replaceNotes(
  db: Executor,
  accountId: string,
  contactId: string,
  notes: NoteRow[],
): Promise<void> {
  await db
    .deleteFrom('contact_notes')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .execute();
  if (notes.length) await db.insertInto('contact_notes').values(notes).execute();
}

export async function replaceCustomValues(
  db: Executor,
  accountId: string,
  contactId: string,
  values: CheckedValue[],
): Promise<void> {
  await db
    .deleteFrom('contact_custom_values')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .execute();
  await upsertCustomValues(db, accountId, contactId, values);
}

/** Sets the given values and leaves the contact's other custom fields alone (the sign-up form appends). */
export async function upsertCustomValues(
  db: Executor,
  accountId: string,
  contactId: string,
  values: CheckedValue[],
): Promise<void> {
  const ids = values.map((v) => v.custom_field_id);
  if (!ids.length) return;
  await db
    .deleteFrom('contact_custom_values')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .where('custom_field_id', 'in', ids)
    .execute();
  // An empty value (or no choice) clears the field.
  const kept = values.filter((v) => v.value !== '' || v.choice_ids?.length);
  if (!kept.length) return;
  await db
    .insertInto('contact_custom_values')
    .values(
      kept.map((v) => ({
        account_id: accountId,
        contact_id: contactId,
        custom_field_id: v.custom_field_id,
        value: v.value,
        choice_ids: v.choice_ids ? JSON.stringify(v.choice_ids) : null,
      })),
    )
    .execute();
}

export async function addMemberships(
  db: Executor,
  accountId: string,
  contactId: string,
  listIds: Ids,
  now: string,
): Promise<void> {
  if (!listIds.length) return;
  await db
    .insertInto('list_memberships')
    .values(
      listIds.map((list_id) => ({ account_id: accountId, list_id, contact_id: contactId, created_at: now })),
    )
    .execute();
}

export async function removeMemberships(
  db: Executor,
  accountId: string,
  contactId: string,
  listIds: Ids,
): Promise<void> {
  if (!listIds.length) return;
  await db
    .deleteFrom('list_memberships')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .where('list_id', 'in', listIds)
    .execute();
}

export async function addTaggings(
  db: Executor,
  accountId: string,
  contactId: string,
  tagIds: Ids,
  now: string,
): Promise<void> {
  if (!tagIds.length) return;
  await db
    .insertInto('taggings')
    .values(
      tagIds.map((tag_id) => ({ account_id: accountId, tag_id, contact_id: contactId, created_at: now })),
    )
    .execute();
}

export async function removeTaggings(
  db: Executor,
  accountId: string,
  contactId: string,
  tagIds: Ids,
): Promise<void> {
  if (!tagIds.length) return;
  await db
    .deleteFrom('taggings')
    .where('account_id', '=', accountId)
    .where('contact_id', '=', contactId)
    .where('tag_id', 'in', tagIds)
    .execute();
}
