// Contacts: create, read, replace, soft-delete, counts. Each write is one transaction that takes the
// account's change sequence first, writes the contact and its sub-resources and logs every change.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newTimeOrderedId } from '../../shared/crypto.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { openChangeLog } from './change-log.ts';
import { type ContactInput, parseCreateBody, parseUpdateBody, throwIfInvalid } from './contact-input.ts';
import { parseIncludes } from './contact-query.ts';
import { buildContactViews, type ContactView, INCLUDES, type Include } from './contact-view.ts';
import {
  assertEmailFree,
  assertReferences,
  changedEmailFields,
  changeKind,
  conflictOnDuplicate,
  newContactRow,
  newEmailFields,
  deletedOptOut,
  revivedOptOut,
  writeMemberships,
  replacedSmsChannel,
  writeParts,
} from './contact-writes.ts';
import { createContactChangesService } from './contact-changes.service.ts';
import { createContactsQueryService } from './contacts-query.service.ts';
import { createSignUpService } from './contacts-signup.service.ts';
import * as repo from './contacts.repository.ts';
import { isUuid } from './formats.ts';

export type ContactCounts = {
  total: number;
  explicit: number;
  implicit: number;
  pending: number;
  unsubscribed: number;
  new_subscriber?: number;
};

export const contactNotFound = () => new AppError('NOT_FOUND', 'Contact not found');

export type ContactsService = ReturnType<typeof createContactsService>;

/**
 * A caller's own writes inside the transaction of a create or replace (the legacy v2 dialect: the custom
 * fields its slots need, before; the fields only it keeps, after), so the whole call commits or nothing does.
 */
export type WriteSteps = { before?: (trx: Db) => Promise<void>; after?: (trx: Db, contactId: string) => Promise<void> };

/** Everything the contacts routes need: core CRUD here, plus listing, the sign-up form and the change feed. */
export function createContactsService(deps: { db: Db; clock: Clock; tokens: SignedTokenCodec }) {
  const { db, clock } = deps;

  async function view(
    accountId: string,
    row: repo.ContactRow,
    include: readonly Include[],
  ): Promise<ContactView> {
    const [result] = await buildContactViews(db, accountId, [row], new Set(include));
    return result!;
  }

  async function createContact(accountId: string, body: Record<string, unknown>, steps: WriteSteps = {}): Promise<ContactView> {
    const input = parseCreateBody(body);
    const now = clock.now().toISOString();
    const contactId = newTimeOrderedId(new Date(now));
    const row = await conflictOnDuplicate({ db, accountId, email: input.email?.address }, () =>
      db.transaction().execute(async (trx) => {
        const log = await openChangeLog(trx, accountId, now);
        await steps.before?.(trx);
        if (input.email) await assertEmailFree(trx, accountId, input.email.address);
        const values = await assertReferences(trx, accountId, input);
        const seq = log.add({ contactId, kind: 'created' });
        const created = newContactRow({ accountId, contactId }, input, input.source, now, seq);
        await repo.insertContact(trx, created);
        await writeParts(trx, { accountId, contactId, now, log, source: input.source }, input, values);
        created.change_seq = log.lastSeqOf(contactId)!;
        if (created.change_seq !== seq)
          await repo.updateContact(trx, accountId, contactId, { change_seq: created.change_seq });
        await steps.after?.(trx, contactId);
        await log.flush();
        return created;
      }),
    );
    return view(accountId, row, includedParts(input));
  }

  async function getContact(accountId: string, contactId: string, include?: string): Promise<ContactView> {
    const errors: Record<string, string> = {};
    const parts = parseIncludes(include, errors);
    throwIfInvalid(errors);
    const row = isUuid(contactId)
      ? await repo.findContact(db, accountId, contactId.toLowerCase())
      : undefined;
    if (!row) throw contactNotFound();
    return view(accountId, row, parts);
  }

  /** PUT: replaces the core fields, and the email address and sub-resources present in the body. */
  async function replaceContact(
    accountId: string,
    contactId: string,
    body: Record<string, unknown>,
    steps: WriteSteps = {},
  ): Promise<ContactView> {
    if (!isUuid(contactId)) throw contactNotFound();
    const id = contactId.toLowerCase();
    const input = parseUpdateBody(body);
    const now = clock.now().toISOString();
    const row = await conflictOnDuplicate({ db, accountId, email: input.email?.address }, () =>
      db.transaction().execute(async (trx) => {
        const log = await openChangeLog(trx, accountId, now);
        await steps.before?.(trx);
        const current = await repo.findContact(trx, accountId, id);
        if (!current) throw contactNotFound();
        if (current.deleted_at && input.source !== 'Account') {
          throw new AppError('VALIDATION', 'update_source must be Account to restore a deleted contact', {
            fields: { update_source: 'update_source must be Account to restore a deleted contact' },
          });
        }
        const email = input.email;
        const sameAddress = email && email.address === current.email_address;
        if (email && !sameAddress) await assertEmailFree(trx, accountId, email.address, id);
        const emailFields = !email
          ? {}
          : sameAddress
            ? changedEmailFields(current, email, input.source, now)
            : newEmailFields(email, input.source, now);
        const next: repo.ContactRow = {
          ...current,
          ...input.core,
          ...emailFields,
          ...replacedSmsChannel(current, input, input.source, now),
          update_source: input.source,
          updated_at: now,
          ...(current.deleted_at
            ? revivedOptOut(emailFields.permission_to_send ?? current.permission_to_send)
            : {}),
          deleted_at: null,
        };
        if (!next.email_address && !next.sms_channel && !next.first_name && !next.last_name) {
          const message = 'A contact needs an email address, an SMS channel, a first name or a last name';
          throw new AppError('VALIDATION', message, { fields: { email_address: message } });
        }
        const values = await assertReferences(trx, accountId, input);
        log.add({ contactId: id, kind: changeKind(current.permission_to_send, next.permission_to_send) });
        await writeParts(trx, { accountId, contactId: id, now, log, source: input.source }, input, values);
        next.change_seq = log.lastSeqOf(id)!;
        const { contact_id: _c, account_id: _a, created_seq: _s, ...changes } = next;
        await repo.updateContact(trx, accountId, id, changes);
        await steps.after?.(trx, id);
        await log.flush();
        return next;
      }),
    );
    return view(accountId, row, includedParts(input));
  }

  /** Soft delete: the contact stays as a tombstone (status deleted) that syncs and the change feed report. */
  async function deleteContact(accountId: string, contactId: string): Promise<void> {
    if (!isUuid(contactId)) throw contactNotFound();
    const id = contactId.toLowerCase();
    const now = clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      const log = await openChangeLog(trx, accountId, now);
      const current = await repo.findContact(trx, accountId, id);
      if (!current || current.deleted_at) throw contactNotFound();
      // As the dialect does: a deleted contact leaves every list and carries when and by whom it went.
      await writeMemberships(trx, { accountId, contactId: id, now, log }, [], 'replace');
      const seq = log.add({ contactId: id, kind: 'deleted' });
      await repo.updateContact(trx, accountId, id, {
        ...deletedOptOut(current, now),
        deleted_at: now,
        updated_at: now,
        change_seq: seq,
      });
      await log.flush();
    });
  }

  /** The dialect's counts; `new_subscriber` counts contacts added in the last 30 days when asked for. */
  async function countContacts(accountId: string, include?: string): Promise<ContactCounts> {
    const by = await repo.countByPermission(db, accountId);
    const total = Object.values(by).reduce((a, b) => a + b, 0);
    const counts: ContactCounts = {
      total,
      explicit: by.explicit ?? 0,
      implicit: by.implicit ?? 0,
      pending: by.pending_confirmation ?? 0,
      unsubscribed: by.unsubscribed ?? 0,
    };
    if (include === 'new_subscriber') {
      const since = new Date(clock.now().getTime() - 30 * 86_400_000).toISOString();
      counts.new_subscriber = await repo.countContacts(db, accountId, {
        statuses: null,
        createdAfter: since,
      });
    }
    return counts;
  }

  return {
    createContact,
    getContact,
    replaceContact,
    deleteContact,
    countContacts,
    ...createContactsQueryService(deps),
    ...createSignUpService(deps),
    ...createContactChangesService(deps),
  };
}

/** A write answers with the sub-resources it was given, as the dialect's POST/PUT responses do. */
function includedParts(input: ContactInput): Include[] {
  const given: Record<Include, unknown> = {
    custom_fields: input.customFields,
    list_memberships: input.lists,
    phone_numbers: input.phones,
    street_addresses: input.addresses,
    taggings: input.tags,
    notes: input.notes,
  };
  return INCLUDES.filter((name) => given[name] !== undefined);
}
