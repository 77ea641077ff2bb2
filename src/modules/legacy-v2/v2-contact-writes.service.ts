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
import type { ContactsService, WriteSteps } from '../contacts/contacts.service.ts';
import * as parts from '../contacts/contact-parts.repository.ts';
import { MAX_FIELDS } from '../custom-fields/custom-field-input.ts';
import { countCustomFields } from '../custom-fields/custom-fields.repository.ts';
import { newId } from '../../shared/crypto.ts';
import type { FieldErrors } from '../../http/schema-check.ts';
import {
  type ActionBy,
  checkTranslated,
  customFieldSlots,
  parseV2Fields,
  toV3CreateBody,
  toV3ReplaceBody,
  type V2WriteContext,
} from './v2-contact-input.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2ContactsReader } from './v2-contacts.service.ts';
import { CUSTOM_FIELD_SLOTS } from './v2-mapping.ts';
import * as repo from './v2.repository.ts';
import type { V2OnlyFields } from './v2.repository.ts';

type Body = Record<string, unknown>;
/** The contact a PUT's body was built from, and its change sequence at that read. */
type ReadAt = { contactId: string; changeSeq: number };
/** The contact changed between the read a PUT was built from and its write: build it again. */
class StaleRead extends Error {}
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
  reader: V2ContactsReader;
}) {
  const { db, clock, contacts, reader } = deps;

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
   * List numbers → ids, and the slot fields the body writes. A slot field the account does not have yet gets
   * a new id here and is created by `steps.before`, inside the transaction of the write that needs it.
   */
  async function writeContext(accountId: string, body: Body): Promise<{ ctx: V2WriteContext; missing: string[] }> {
    const lists = await repo.listAllLists(db, accountId);
    // the slot names' problems are reported by the check of the whole body
    const wanted = new Set((customFieldSlots(body, {}) ?? []).map((s) => s.name));
    const found = await repo.findSlotFields(db, accountId, CUSTOM_FIELD_SLOTS);
    const slotIds = new Map(found.map((f) => [f.name, f.custom_field_id]));
    const missing = [...wanted].filter((name) => !slotIds.has(name));
    for (const name of missing) slotIds.set(name, newId());
    return { ctx: { listIds: new Map(lists.filter((l) => !l.deleted_at).map((l) => [Number(l.sequence_id), l.list_id])), slotIds }, missing };
  }

  /** The steps a v2 write adds to the v3 write's transaction: its missing slot fields, its v2-only fields. */
  function writeSteps(accountId: string, ctx: V2WriteContext, missing: string[], v2Fields: V2OnlyFields | null, readAt?: ReadAt): WriteSteps {
    const now = clock.now().toISOString();
    return {
      before: async (trx) => {
        // The write holds the account's change sequence here: a change since `readAt` was read means the
        // body was built on stale data.
        if (readAt && (await contactsRepo.findContact(trx, accountId, readAt.contactId))?.change_seq !== readAt.changeSeq) throw new StaleRead();
        if (!missing.length) return;
        if ((await countCustomFields(trx, accountId)) + missing.length > MAX_FIELDS) {
          throw new AppError('CONFLICT', `An account can have at most ${MAX_FIELDS} custom fields`);
        }
        for (const name of missing) await repo.insertSlotField(trx, { custom_field_id: ctx.slotIds.get(name)!, account_id: accountId, name, now });
      },
      after: async (trx, contactId) => {
        if (v2Fields) await repo.saveV2Fields(trx, accountId, contactId, v2Fields);
      },
    };
  }

  /** Once more when a concurrent write created the same slot field first (then the second try finds it). */
  async function withSlotRetry<T>(accountId: string, body: Body, write: (ctx: V2WriteContext, missing: string[]) => Promise<T>): Promise<T> {
    const first = await writeContext(accountId, body);
    try {
      return await write(first.ctx, first.missing);
    } catch (error) {
      if (!first.missing.length || !(await repo.findSlotFields(db, accountId, first.missing)).length) throw error;
      const again = await writeContext(accountId, body);
      return write(again.ctx, again.missing);
    }
  }

  async function getContact(accountId: string, id: string, includeContactId: boolean): Promise<V2Contact> {
    const row = await findRow(accountId, id);
    return (await reader.toV2(accountId, [row], includeContactId))[0]!;
  }

  async function createContact(accountId: string, body: Body, actionBy: ActionBy, includeContactId: boolean): Promise<V2Contact> {
    const created = await withSlotRetry(accountId, body, async (ctx, missing) => {
      // The problems of the translation, the v3 rules and the v2-only fields in one 400.
      const errors: FieldErrors = {};
      const v2Fields = parseV2Fields(body, null, errors);
      const v3 = toV3CreateBody(body, actionBy, ctx, errors);
      const input = checkTranslated(parseCreateBody, v3, errors);
      if (input.email && (await contactsRepo.findContactByEmail(db, accountId, input.email.address))) {
        throw new AppError('EMAIL_CONFLICT', `The email address ${input.email.address} is already in use by a contact of this account`);
      }
      return contacts.createContact(accountId, v3, writeSteps(accountId, ctx, missing, v2Fields));
    });
    return read(accountId, created.contact_id, includeContactId);
  }

  /**
   * PUT: one transaction (slot fields, the v3 replace, the v2-only fields); nothing is written on failure. What
   * the body leaves out is taken from the contact as read; when the contact changed between that read and the
   * write, the write is built again from a fresh read, so no concurrent change is undone.
   */
  async function replaceContact(accountId: string, id: string, body: Body, actionBy: ActionBy, includeContactId: boolean): Promise<V2Contact> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await findRow(accountId, id);
      const current = await contacts.getContact(accountId, row.contact_id, 'custom_fields,list_memberships,notes,phone_numbers,street_addresses,taggings');
      const kept = (await repo.findV2Fields(db, accountId, [row.contact_id])).get(row.contact_id) ?? null;
      const readAt = { contactId: row.contact_id, changeSeq: row.change_seq };
      try {
        await withSlotRetry(accountId, body, async (ctx, missing) => {
          const errors: FieldErrors = {};
          const v2Fields = parseV2Fields(body, kept, errors);
          const v3 = toV3ReplaceBody(body, actionBy, current, ctx, errors);
          const input = checkTranslated(parseUpdateBody, v3, errors);
          const owner = input.email ? await contactsRepo.findContactByEmail(db, accountId, input.email.address) : undefined;
          if (owner && owner.contact_id !== row.contact_id) {
            throw new AppError('EMAIL_CONFLICT', `The email address ${input.email!.address} is already in use by another contact`);
          }
          return contacts.replaceContact(accountId, row.contact_id, v3, writeSteps(accountId, ctx, missing, v2Fields, readAt));
        });
        return read(accountId, row.contact_id, includeContactId);
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
      }
    }
    throw new AppError('CONFLICT', 'The contact kept changing during the update; send it again');
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

