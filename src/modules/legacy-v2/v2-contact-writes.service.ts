// v2 contact calls that read one contact or write: POST and PUT go through the /v3 contacts service (one set
// of rules, validation and change log), DELETE (unsubscribe) and the list removals through the contacts
// module's writers in one transaction each. Ids are the contacts' per-account numbers (created_seq).
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { openChangeLog } from '../contacts/change-log.ts';
import { parseCreateBody, parseUpdateBody } from '../contacts/contact-input.ts';
import { changedEmailFields, changeKind, writeMemberships } from '../contacts/contact-writes.ts';
import * as contactsRepo from '../contacts/contacts.repository.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import * as parts from '../contacts/contact-parts.repository.ts';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import { type ActionBy, checkTranslated, customFieldSlots, toV3CreateBody, toV3ReplaceBody, type V2WriteContext } from './v2-contact-input.ts';
import type { FieldErrors } from '../../http/schema-check.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2ContactsReader } from './v2-contacts.service.ts';
import { CUSTOM_FIELD_SLOTS } from './v2-mapping.ts';
import * as repo from './v2.repository.ts';

type Body = Record<string, unknown>;
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
const notFound = () => new AppError('NOT_FOUND', 'Contact not found');
const listNotFound = () => new AppError('NOT_FOUND', 'Contact list not found');

/** A v2 id: a string of digits (RB may send a number). */
export function parseNumber(id: string): number | null {
  return /^[1-9][0-9]{0,14}$/.test(id) ? Number(id) : null;
}

export function createV2ContactWrites(deps: {
  db: Db;
  clock: Clock;
  contacts: ContactsService;
  customFields: CustomFieldsService;
  reader: V2ContactsReader;
}) {
  const { db, clock, contacts, customFields, reader } = deps;

  async function findRow(accountId: string, id: string): Promise<contactsRepo.ContactRow> {
    const n = parseNumber(id);
    const row = n === null ? undefined : await repo.findContactBySequence(db, accountId, n);
    if (!row) throw notFound();
    return row;
  }

  async function read(accountId: string, contactId: string, includeContactId: boolean): Promise<V2Contact> {
    const row = await contactsRepo.findContact(db, accountId, contactId);
    return (await reader.toV2(accountId, [row!], includeContactId))[0]!;
  }

  /**
   * List numbers → ids, and the slot fields the body writes. With `create`, a slot field the account does not
   * have yet is created (a text field named after the slot); without it, a placeholder id stands in, so that
   * the whole v3 body can be checked before anything is written.
   */
  async function writeContext(accountId: string, body: Body, create: boolean): Promise<V2WriteContext> {
    const lists = await repo.listAllLists(db, accountId);
    // the slot names' problems are reported by the check of the whole body
    const wanted = new Set((customFieldSlots(body, {}) ?? []).map((s) => s.name));
    const found = await repo.findSlotFields(db, accountId, CUSTOM_FIELD_SLOTS);
    const slotIds = new Map(found.map((f) => [f.name, f.custom_field_id]));
    for (const name of wanted) {
      if (slotIds.has(name)) continue;
      if (!create) {
        slotIds.set(name, PLACEHOLDER_ID);
        continue;
      }
      const created = await customFields.createCustomField(accountId, { label: name, type: 'string' }).catch(async (error: unknown) => {
        // created meanwhile by a concurrent write: use that one
        const again = await repo.findSlotFields(db, accountId, [name]);
        if (!again[0]) throw error;
        return { custom_field_id: again[0].custom_field_id };
      });
      slotIds.set(name, created.custom_field_id);
    }
    return { listIds: new Map(lists.filter((l) => !l.deleted_at).map((l) => [Number(l.sequence_id), l.list_id])), slotIds };
  }

  async function getContact(accountId: string, id: string, includeContactId: boolean): Promise<V2Contact> {
    const row = await findRow(accountId, id);
    return (await reader.toV2(accountId, [row], includeContactId))[0]!;
  }

  async function createContact(accountId: string, body: Body, actionBy: ActionBy, includeContactId: boolean): Promise<V2Contact> {
    // Checked whole before any custom field slot is created: a refused call writes nothing.
    const errors: FieldErrors = {};
    const input = checkTranslated(parseCreateBody, toV3CreateBody(body, actionBy, await writeContext(accountId, body, false), errors), errors);
    if (input.email && (await contactsRepo.findContactByEmail(db, accountId, input.email.address))) {
      throw new AppError('EMAIL_CONFLICT', `The email address ${input.email.address} is already in use by a contact of this account`);
    }
    const created = await contacts.createContact(accountId, toV3CreateBody(body, actionBy, await writeContext(accountId, body, true)));
    return read(accountId, created.contact_id, includeContactId);
  }

  async function replaceContact(accountId: string, id: string, body: Body, actionBy: ActionBy, includeContactId: boolean): Promise<V2Contact> {
    const row = await findRow(accountId, id);
    const current = await contacts.getContact(accountId, row.contact_id, 'custom_fields,list_memberships,notes,phone_numbers,street_addresses,taggings');
    const errors: FieldErrors = {};
    const input = checkTranslated(parseUpdateBody, toV3ReplaceBody(body, actionBy, current, await writeContext(accountId, body, false), errors), errors);
    const owner = input.email ? await contactsRepo.findContactByEmail(db, accountId, input.email.address) : undefined;
    if (owner && owner.contact_id !== row.contact_id) {
      throw new AppError('EMAIL_CONFLICT', `The email address ${input.email!.address} is already in use by another contact`);
    }
    const ctx = await writeContext(accountId, body, true);
    await contacts.replaceContact(accountId, row.contact_id, toV3ReplaceBody(body, actionBy, current, ctx));
    return read(accountId, row.contact_id, includeContactId);
  }

  /** Takes the contact off `lists` (every list when absent) and, when `optOut`, unsubscribes it, in one transaction. */
  async function leaveLists(accountId: string, id: string, options: { optOut: boolean; listNumber?: string }): Promise<void> {
    const n = parseNumber(id);
    if (n === null) throw notFound();
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      const log = await openChangeLog(trx, accountId, now);
      const current = await repo.findContactBySequence(trx, accountId, n);
      if (!current) throw notFound();
      const contactId = current.contact_id;
      const members = (await parts.loadMemberships(trx, accountId, [contactId])).map((m) => m.list_id);
      let keep: string[] = [];
      if (options.listNumber !== undefined) {
        const listN = parseNumber(options.listNumber);
        const list = listN === null ? undefined : await repo.findListBySequence(trx, accountId, listN);
        if (!list || list.deleted_at) throw listNotFound();
        keep = members.filter((m) => m !== list.list_id);
      }
      let emailFields = {};
      if (options.optOut) {
        const email = { address: current.email_address ?? '', permission: 'unsubscribed' as const, optOutReason: null };
        emailFields = changedEmailFields(current, email, 'Account', now);
        log.add({ contactId, kind: changeKind(current.permission_to_send, 'unsubscribed') });
      }
      await writeMemberships(trx, { accountId, contactId, now, log }, keep, 'replace');
      const seq = log.lastSeqOf(contactId);
      if (seq !== undefined) await contactsRepo.updateContact(trx, accountId, contactId, { ...emailFields, updated_at: now, change_seq: seq });
      await log.flush();
    });
  }

  return {
    getContact,
    createContact,
    replaceContact,
    /** DELETE /v2/contacts/{id}: OPTOUT and off every list; the contact stays readable. */
    unsubscribeContact: (accountId: string, id: string) => leaveLists(accountId, id, { optOut: true }),
    removeFromLists: (accountId: string, id: string, listNumber?: string) => leaveLists(accountId, id, { optOut: false, listNumber }),
  };
}

