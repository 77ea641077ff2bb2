// Rules shared by every contact writer (create, replace, sign-up form): a new contact's row, email
// permission transitions, checks that referenced lists/tags/custom fields belong to the account, and writing
// the sub-resources with their change-log entries. All run inside the caller's transaction, after openChangeLog.
import type { ContactChangeKind, PermissionToSend } from '../../db/schema.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError, invalidFields } from '../../errors.ts';
import { newId } from '../../shared/crypto.ts';
import type { ChangeLog } from './change-log.ts';
import type { ContactInput, EmailInput } from './contact-input.ts';
import type { Source } from './contact-rules.ts';
import * as parts from './contact-parts.repository.ts';
import { type CheckedValue, checkCustomValues } from './custom-values.ts';
import { nextSmsChannel, type SmsChannel } from './sms-channel.ts';
import * as refs from './contact-refs.repository.ts';
import * as repo from './contacts.repository.ts';

type EmailFields = Pick<
  repo.ContactRow,
  | 'email_address'
  | 'permission_to_send'
  | 'opt_in_source'
  | 'opt_in_date'
  | 'opt_out_source'
  | 'opt_out_date'
  | 'opt_out_reason'
  | 'confirm_status'
  | 'email_created_at'
  | 'email_updated_at'
>;

const SUBSCRIBED: readonly PermissionToSend[] = ['explicit', 'implicit'];

/** Email fields of a new address (or of no address: permission not_set). */
export function newEmailFields(email: EmailInput | undefined, source: Source, now: string): EmailFields {
  const permission: PermissionToSend = email ? (email.permission ?? 'implicit') : 'not_set';
  const unsubscribed = permission === 'unsubscribed';
  return {
    email_address: email?.address ?? null,
    permission_to_send: permission,
    opt_in_source: SUBSCRIBED.includes(permission) ? source : null,
    opt_in_date: SUBSCRIBED.includes(permission) ? now : null,
    opt_out_source: unsubscribed ? source : null,
    opt_out_date: unsubscribed ? now : null,
    opt_out_reason: unsubscribed ? (email?.optOutReason ?? null) : null,
    confirm_status: email ? (permission === 'pending_confirmation' ? 'pending' : 'off') : null,
    email_created_at: email ? now : null,
    email_updated_at: email ? now : null,
  };
}

/** A new contact's row: the given core fields over empty ones, its email fields, created by `source`. */
export function newContactRow(
  ids: { accountId: string; contactId: string },
  input: Pick<ContactInput, 'core' | 'email' | 'sms'>,
  source: Source,
  now: string,
  seq: number,
): repo.ContactRow {
  const sms = input.sms && nextSmsChannel(input.sms, null, { id: newId(), source, now });
  return {
    contact_id: ids.contactId,
    account_id: ids.accountId,
    first_name: null,
    last_name: null,
    job_title: null,
    company_name: null,
    birthday_month: null,
    birthday_day: null,
    anniversary: null,
    ...input.core,
    ...newEmailFields(input.email, source, now),
    create_source: source,
    update_source: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    change_seq: seq,
    created_seq: seq,
    sms_channel: sms ? JSON.stringify(sms) : null,
  };
}

/** A deleted contact's email fields: the opt-out of the deletion, unless it had opted out before. */
export function deletedOptOut(current: repo.ContactRow, now: string): Partial<EmailFields> {
  if (!current.email_address || current.opt_out_date) return {};
  return { opt_out_source: 'Account', opt_out_date: now, opt_out_reason: null };
}

/** A revived contact drops the deletion's opt-out unless its permission is unsubscribed. */
export function revivedOptOut(permission: PermissionToSend): Partial<EmailFields> {
  if (permission === 'unsubscribed') return {};
  return { opt_out_source: null, opt_out_date: null, opt_out_reason: null };
}

/** The stored sms_channel after a write that carries one (ids and creation data kept). */
export function replacedSmsChannel(current: repo.ContactRow, input: Pick<ContactInput, 'sms'>, source: Source, now: string) {
  if (!input.sms) return {};
  const previous = current.sms_channel ? (JSON.parse(current.sms_channel) as SmsChannel) : null;
  return { sms_channel: JSON.stringify(nextSmsChannel(input.sms, previous, { id: newId(), source, now })) };
}

/**
 * Email fields after a change of permission on the same address. An unsubscribed address is re-subscribed
 * only by the contact (source `Contact`): an account-side write (imports, syncs of stale data) never
 * overrides an opt-out, the complaint the legacy platform's integrators had.
 */
export function changedEmailFields(
  row: repo.ContactRow,
  email: EmailInput,
  source: Source,
  now: string,
): Partial<EmailFields> {
  const current = row.permission_to_send;
  const wanted = email.permission ?? current;
  if (wanted === current || (current === 'unsubscribed' && source === 'Account')) {
    return current === 'unsubscribed' && email.optOutReason
      ? { opt_out_reason: email.optOutReason, email_updated_at: now }
      : {};
  }
  if (wanted === 'unsubscribed') {
    return {
      permission_to_send: wanted,
      opt_out_source: source,
      opt_out_date: now,
      opt_out_reason: email.optOutReason,
      email_updated_at: now,
    };
  }
  const optIn = SUBSCRIBED.includes(wanted) ? { opt_in_source: source, opt_in_date: now } : {};
  return {
    permission_to_send: wanted,
    ...optIn,
    opt_out_source: null,
    opt_out_date: null,
    opt_out_reason: null,
    confirm_status: wanted === 'pending_confirmation' ? 'pending' : 'off',
    email_updated_at: now,
  };
}

/** The kind of the main log entry: an opt-out is reported as such, everything else as an update. */
export function changeKind(before: PermissionToSend | null, after: PermissionToSend): ContactChangeKind {
  return after === 'unsubscribed' && before !== 'unsubscribed' ? 'unsubscribed' : 'updated';
}

export async function assertEmailFree(
  trx: repo.Executor,
  accountId: string,
  email: string,
  self?: string,
): Promise<void> {
  const found = await repo.findContactByEmail(trx, accountId, email);
  if (found && found.contact_id !== self) throw emailConflict(found.contact_id);
}

/** The dialect's 409 names the contact that holds the address (deleted ones too), so a client can PUT to it. */
export function emailConflict(contactId: string | undefined): AppError {
  const message = contactId
    ? `Email already exists for contact ${contactId}`
    : 'Email already exists for another contact';
  return new AppError('CONFLICT', message, { fields: { 'email_address.address': message } });
}

/**
 * 400 naming each list, tag or custom field id that is not one of the account's own, and each custom value
 * that does not fit its field; returns the custom values as stored.
 */
export async function assertReferences(
  trx: repo.Executor,
  accountId: string,
  input: Omit<ContactInput, 'source' | 'core'>,
): Promise<CheckedValue[] | undefined> {
  const errors: Record<string, string> = {};
  const check = async (
    kind: 'lists' | 'tags',
    field: string,
    ids: string[] | undefined,
  ) => {
    if (!ids?.length) return;
    const found = await refs.existingIds(trx, accountId, kind, ids);
    ids.forEach((id, i) => {
      if (!found.has(id)) errors[`${field}[${i}]`] = `${field}[${i}]: ${id} does not exist`;
    });
  };
  await check('lists', 'list_memberships', input.lists);
  await check('tags', 'taggings', input.tags);
  const fields = input.customFields?.length
    ? await refs.customFieldDefinitions(trx, accountId, input.customFields.map((c) => c.custom_field_id))
    : new Map();
  const values = input.customFields && checkCustomValues(errors, input.customFields, fields);
  if (Object.keys(errors).length) throw invalidFields(errors);
  return values;
}

/** Sets the list memberships to `target` (or adds `target` when appending), logging each change. */
export async function writeMemberships(
  trx: repo.Executor,
  ctx: { accountId: string; contactId: string; now: string; log: ChangeLog },
  target: string[],
  mode: 'replace' | 'append',
): Promise<void> {
  const current = new Set(
    (await parts.loadMemberships(trx, ctx.accountId, [ctx.contactId])).map((m) => m.list_id),
  );
  const added = target.filter((id) => !current.has(id));
  const removed = mode === 'replace' ? [...current].filter((id) => !target.includes(id)) : [];
  if (current.size + added.length - removed.length > 50) {
    throw invalidFields({ list_memberships: 'A contact can belong to at most 50 lists' });
  }
  await parts.addMemberships(trx, ctx.accountId, ctx.contactId, added, ctx.now);
  await parts.removeMemberships(trx, ctx.accountId, ctx.contactId, removed);
  for (const listId of added) ctx.log.add({ contactId: ctx.contactId, kind: 'list_added', listId });
  for (const listId of removed) ctx.log.add({ contactId: ctx.contactId, kind: 'list_removed', listId });
}

/** Replaces every sub-resource present in the input (absent ones are left as they are). */
export async function writeParts(
  trx: repo.Executor,
  ctx: { accountId: string; contactId: string; now: string; log: ChangeLog; source: Source },
  input: ContactInput,
  customValues: CheckedValue[] | undefined,
): Promise<void> {
  const { accountId, contactId, now } = ctx;
  if (input.phones)
    await parts.replacePhones(trx, accountId, contactId, input.phones, { now, source: ctx.source });
  if (input.addresses) await parts.replaceAddresses(trx, accountId, contactId, input.addresses, now);
  if (customValues) await parts.replaceCustomValues(trx, accountId, contactId, customValues);
  if (input.notes) {
    const existing = new Map((await parts.loadNotes(trx, accountId, [contactId])).map((n) => [n.note_id, n]));
    const notes = input.notes.map((n, position) => {
      const kept = n.note_id ? existing.get(n.note_id) : undefined;
      existing.delete(n.note_id ?? '');
      return {
        note_id: kept?.note_id ?? newId(),
        account_id: accountId,
        contact_id: contactId,
        content: n.content,
        position,
        created_at: kept?.created_at ?? n.created_at ?? now,
      };
    });
    await parts.replaceNotes(trx, accountId, contactId, notes);
  }
  if (input.tags) {
    const current = new Set((await parts.loadTaggings(trx, accountId, [contactId])).map((t) => t.tag_id));
    const tags = input.tags;
    await parts.addTaggings(
      trx,
      accountId,
      contactId,
      tags.filter((id) => !current.has(id)),
      now,
    );
    await parts.removeTaggings(
      trx,
      accountId,
      contactId,
      [...current].filter((id) => !tags.includes(id)),
    );
  }
  if (input.lists) await writeMemberships(trx, ctx, input.lists, 'replace');
}

/** Turns a lost race on the email index into the same 409 the pre-check gives, naming the winner. */
export async function conflictOnDuplicate<T>(
  lookup: { db: repo.Executor; accountId: string; email: string | undefined },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = lookup.email
      ? await repo.findContactByEmail(lookup.db, lookup.accountId, lookup.email)
      : undefined;
    throw emailConflict(winner?.contact_id);
  }
}
