// POST /contacts/sign_up_form: create-or-update by email address, for a person who signs up themselves.
// Updates are partial, lists and custom fields are appended, deleted contacts are revived, and the
// address gets explicit permission (the person's own consent, so an earlier opt-out is lifted).
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { openChangeLog } from './change-log.ts';
import {
  type AddressInput,
  type ContactInput,
  coreFields,
  customValues,
  LIMITS,
  parseAddress,
  throwIfInvalid,
} from './contact-input.ts';
import * as parts from './contact-parts.repository.ts';
import {
  assertReferences,
  changedEmailFields,
  conflictOnDuplicate,
  newContactRow,
  replacedSmsChannel,
  revivedOptOut,
  writeMemberships,
} from './contact-writes.ts';
import * as repo from './contacts.repository.ts';
import { isUuid } from './formats.ts';
import { parseSmsChannel } from './sms-channel.ts';

export type SignUpResult = { contact_id: string; action: 'created' | 'updated' };

type SignUpInput = ContactInput & {
  address: string;
  lists: string[];
  phone: string | null;
  street: AddressInput | null;
};

function parseSignUpBody(body: Record<string, unknown>): SignUpInput {
  const errors: Record<string, string> = {};
  const address = normalizeEmail(body.email_address);
  if (!address) errors.email_address = 'email_address must be a valid email address (a string)';
  const lists = body.list_memberships;
  if (!Array.isArray(lists) || !lists.length || lists.length > 50) {
    errors.list_memberships = 'list_memberships must be an array of 1 to 50 list ids';
  } else if (!lists.every(isUuid)) errors.list_memberships = 'list_memberships must contain list ids (UUIDs)';
  let phone: string | null = null;
  if (body.phone_number !== undefined && body.phone_number !== null) {
    if (typeof body.phone_number !== 'string' || body.phone_number.trim().length > 25)
      errors.phone_number = 'phone_number must be a string of at most 25 characters';
    else phone = body.phone_number.trim() || null;
  }
  let street: AddressInput | null = null;
  if (body.street_address !== undefined && body.street_address !== null) {
    if (typeof body.street_address !== 'object' || Array.isArray(body.street_address))
      errors.street_address = 'street_address must be an object';
    else street = parseAddress(errors, 'street_address', body.street_address as Record<string, unknown>);
  }
  const input: SignUpInput = {
    source: 'Contact',
    core: coreFields(errors, body, true),
    customFields: customValues(errors, body.custom_fields, LIMITS.signUpCustomFields),
    sms: parseSmsChannel(errors, body.sms_channel),
    address: address ?? '',
    lists: Array.isArray(lists) ? [...new Set(lists.filter(isUuid).map((id) => id.toLowerCase()))] : [],
    phone,
    street,
  };
  throwIfInvalid(errors);
  return { ...input, email: { address: input.address, permission: 'explicit', optOutReason: null } };
}

export function createSignUpService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** Adds the phone number unless the contact has it; with three already, the last one gives way. */
  async function addPhone(
    trx: repo.Executor,
    accountId: string,
    contactId: string,
    phone: string,
    now: string,
  ) {
    const current = await parts.loadPhones(trx, accountId, [contactId]);
    if (current.some((p) => p.phone_number === phone)) return;
    const kept = current.slice(0, 2).map((p) => ({ phone_number: p.phone_number, kind: p.kind }));
    await parts.replacePhones(trx, accountId, contactId, [...kept, { phone_number: phone, kind: 'other' }], {
      now,
      source: 'Contact',
    });
  }

  /** Replaces the address of the same kind, or adds one (the last gives way when there are three). */
  async function addAddress(
    trx: repo.Executor,
    accountId: string,
    contactId: string,
    street: AddressInput,
    now: string,
  ) {
    const current = (await parts.loadAddresses(trx, accountId, [contactId])).map(
      ({ kind, street: s, city, state, postal_code, country }) => ({
        kind,
        street: s,
        city,
        state,
        postal_code,
        country,
      }),
    );
    const same = current.findIndex((a) => a.kind === street.kind);
    if (same >= 0) current[same] = street;
    else current.splice(2, 1, street);
    await parts.replaceAddresses(trx, accountId, contactId, current, now);
  }

  async function signUp(accountId: string, body: Record<string, unknown>): Promise<SignUpResult> {
    const input = parseSignUpBody(body);
    const now = clock.now().toISOString();
    return conflictOnDuplicate({ db, accountId, email: input.address }, () =>
      db.transaction().execute(async (trx) => {
        const log = await openChangeLog(trx, accountId, now);
        const values = await assertReferences(trx, accountId, input);
        const current = await repo.findContactByEmail(trx, accountId, input.address);
        const contactId = current?.contact_id ?? newId();
        const seq = log.add({ contactId, kind: current ? 'updated' : 'created' });
        if (current) {
          const email = changedEmailFields(current, input.email!, 'Contact', now);
          await repo.updateContact(trx, accountId, contactId, {
            ...input.core,
            ...email,
            ...(current.deleted_at ? revivedOptOut(email.permission_to_send ?? current.permission_to_send) : {}),
            ...replacedSmsChannel(current, input, 'Contact', now),
            update_source: 'Contact',
            deleted_at: null,
            updated_at: now,
          });
        } else {
          await repo.insertContact(trx, newContactRow({ accountId, contactId }, input, 'Contact', now, seq));
        }
        const ctx = { accountId, contactId, now, log };
        await writeMemberships(trx, ctx, input.lists, 'append');
        if (values) await parts.upsertCustomValues(trx, accountId, contactId, values);
        if (input.phone) await addPhone(trx, accountId, contactId, input.phone, now);
        if (input.street) await addAddress(trx, accountId, contactId, input.street, now);
        await repo.updateContact(trx, accountId, contactId, { change_seq: log.lastSeqOf(contactId)! });
        await log.flush();
        return { contact_id: contactId, action: current ? 'updated' : 'created' } as const;
      }),
    );
  }

  return { signUp };
}
