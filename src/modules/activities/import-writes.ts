// Applies one batch of import rows in the caller's transaction: create or update by email, add to the
// import's lists, set custom values, phones and addresses, with a change-log entry for each change. An
// import never touches an existing address's permission: an opt-out stays, and nobody is raised to explicit.
import type { Db } from '../../db/database.ts';
import { newTimeOrderedId } from '../../shared/crypto.ts';
import { openChangeLog } from '../contacts/change-log.ts';
import * as parts from '../contacts/contact-parts.repository.ts';
import { newContactRow } from '../contacts/contact-writes.ts';
import type * as contactsRepo from '../contacts/contacts.repository.ts';
import * as importRepo from './import.repository.ts';
import type { ImportRow } from './import-rows.ts';

type Contact = contactsRepo.ContactRow;

/** Rows of one email merged in file order: a later cell wins, as if the rows were imported one by one. */
function mergeByEmail(rows: readonly ImportRow[]): Map<string, ImportRow> {
  const merged = new Map<string, ImportRow>();
  for (const row of rows) {
    const seen = merged.get(row.email);
    if (!seen) {
      merged.set(row.email, { ...row, customValues: [...row.customValues] });
      continue;
    }
    const custom = new Map([...seen.customValues, ...row.customValues].map((c) => [c.custom_field_id, c]));
    merged.set(row.email, {
      email: row.email,
      core: { ...seen.core, ...row.core },
      phones: [...seen.phones, ...row.phones],
      addresses: [...seen.addresses, ...row.addresses],
      customValues: [...custom.values()],
    });
  }
  return merged;
}

/** Whether `row` changes any core field of the contact (or revives it, if it was deleted). */
function coreChanged(current: Contact, row: ImportRow): boolean {
  if (current.deleted_at) return true;
  for (const [key, value] of Object.entries(row.core) as [keyof ImportRow['core'], string | number | null][]) {
    if (value !== undefined && current[key] !== value) return true;
  }
  return false;
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export async function applyImportBatch(
  trx: Db,
  ctx: { accountId: string; listIds: readonly string[]; now: string },
  rows: readonly ImportRow[],
): Promise<void> {
  const { accountId, now } = ctx;
  const log = await openChangeLog(trx, accountId, now);
  const byEmail = mergeByEmail(rows);
  const existing = new Map(
    (await importRepo.findContactsByEmails(trx, accountId, [...byEmail.keys()])).map((c) => [c.email_address!, c]),
  );
  const at = new Date(now);
  // New ids in the file's order: a batch's contacts are stored, and later read, in sequence.
  const ids = new Map([...byEmail.keys()].map((email, i) => [email, existing.get(email)?.contact_id ?? newTimeOrderedId(at, i)]));
  // New contacts have no memberships nor values yet: only the existing ones are looked up.
  const existingIds = [...existing.values()].map((c) => c.contact_id);
  const memberships = existingIds.length ? await importRepo.findMemberships(trx, accountId, existingIds, ctx.listIds) : new Set<string>();
  const customValues = existingIds.length ? await importRepo.findCustomValues(trx, accountId, existingIds) : new Map<string, string>();

  const newRows: Contact[] = [];
  const updates: importRepo.ContactUpdate[] = [];
  const newLinks: { contact_id: string; list_id: string }[] = [];
  const changedValues: { contact_id: string; custom_field_id: string; value: string }[] = [];
  // Phones and addresses reference the contact: written once the new contacts' rows are in.
  const partWrites: (() => Promise<void>)[] = [];
  for (const [email, row] of byEmail) {
    const contactId = ids.get(email)!;
    const current = existing.get(email);
    const changed = current ? coreChanged(current, row) : false;
    const values = row.customValues.filter((v) => customValues.get(`${contactId} ${v.custom_field_id}`) !== v.value);
    const links = ctx.listIds.filter((listId) => !memberships.has(`${contactId} ${listId}`));
    const updated = !current || changed || values.length > 0 || row.phones.length > 0 || row.addresses.length > 0;
    if (updated) log.add({ contactId, kind: current ? 'updated' : 'created' });
    for (const listId of links) log.add({ contactId, kind: 'list_added', listId });
    const seq = log.lastSeqOf(contactId);
    if (seq === undefined) continue;
    if (!current) {
      const input = { core: row.core, email: { address: email, permission: null, optOutReason: null } };
      newRows.push(newContactRow({ accountId, contactId }, input, 'Account', now, seq));
    } else {
      const { contact_id, first_name, last_name, job_title, company_name, birthday_month, birthday_day, anniversary } = current;
      updates.push({
        ...{ contact_id, first_name, last_name, job_title, company_name, birthday_month, birthday_day, anniversary },
        ...definedOnly(row.core),
        update_source: updated ? 'Account' : current.update_source,
        updated_at: now,
        deleted_at: null,
        change_seq: seq,
      });
    }
    newLinks.push(...links.map((list_id) => ({ contact_id: contactId, list_id })));
    changedValues.push(...values.map((v) => ({ contact_id: contactId, ...v })));
    if (row.phones.length) partWrites.push(() => mergePhones(trx, accountId, contactId, row.phones, now));
    if (row.addresses.length) partWrites.push(() => mergeAddresses(trx, accountId, contactId, row.addresses, now));
  }
  await importRepo.insertContacts(trx, newRows);
  await importRepo.updateContacts(trx, accountId, updates);
  for (const write of partWrites) await write();
  await importRepo.insertMemberships(trx, accountId, newLinks, now);
  await importRepo.replaceCustomValues(trx, accountId, changedValues);
  await log.flush();
}

/** Adds phone numbers the contact does not have; with three already, the last ones give way. */
async function mergePhones(trx: Db, accountId: string, contactId: string, phones: ImportRow['phones'], now: string) {
  const current = (await parts.loadPhones(trx, accountId, [contactId])).map((p) => ({ phone_number: p.phone_number, kind: p.kind }));
  const added = phones.filter((p) => !current.some((c) => c.phone_number === p.phone_number));
  if (!added.length) return;
  const kept = [...added, ...current].slice(0, 3);
  await parts.replacePhones(trx, accountId, contactId, kept, { now, source: 'Account' });
}

/** Replaces the address of the same kind, or adds one (at most three). */
async function mergeAddresses(trx: Db, accountId: string, contactId: string, addresses: ImportRow['addresses'], now: string) {
  const current = (await parts.loadAddresses(trx, accountId, [contactId])).map(({ kind, street, city, state, postal_code, country }) => ({
    kind,
    street,
    city,
    state,
    postal_code,
    country,
  }));
  const others = current.filter((c) => !addresses.some((a) => a.kind === c.kind));
  await parts.replaceAddresses(trx, accountId, contactId, [...addresses, ...others].slice(0, 3), now);
}
