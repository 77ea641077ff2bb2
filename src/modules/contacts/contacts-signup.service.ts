// POST /contacts/sign_up_form: create-or-update by email address, for a person who signs up themselves.
// Updates are partial, lists and custom fields are appended, deleted contacts are revived, and the
// address gets explicit permission (the person's own consent, so an earlier opt-out is lifted).
import type { Static } from '@sinclair/typebox';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { newTimeOrderedId } from '../../shared/crypto.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { openChangeLog } from './change-log.ts';
import { SignUpBody } from './contact-bodies.schemas.ts';
import {
  type AddressInput,
  type ContactInput,
  coreFields,
  customValues,
  parseAddress,
  throwIfInvalid,
} from './contact-input.ts';
import { checkFields } from './contact-rules.ts';
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
import { parseSmsChannel } from './sms-channel.ts';

export type SignUpResult = { contact_id: string; action: 'created' | 'updated' };

type SignUpInput = ContactInput & {
  address: string;
  lists: string[];
  phone: string | null;
  street: AddressInput | null;
};

/** The sign-up form's body: checked by its schema (again, for a call that does not come through the route). */
function parseSignUpBody(raw: Record<string, unknown>): SignUpInput {
  throwIfInvalid(checkFields(SignUpBody, raw));
  const body = raw as Static<typeof SignUpBody>;
  const address = normalizeEmail(body.email_address)!;
  return {
    source: 'Contact',
    core: coreFields(body, true),
    customFields: customValues(body.custom_fields),
    sms: body.sms_channel ? parseSmsChannel(body.sms_channel) : undefined,
    address,
    lists: [...new Set(body.list_memberships.map((id) => id.toLowerCase()))],
    phone: body.phone_number?.trim() || null,
    street: body.street_address ? parseAddress(body.street_address) : null,
    email: { address, permission: 'explicit', optOutReason: null },
  };
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
        const contactId = current?.contact_id ?? newTimeOrderedId(new Date(now));
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
