// Contact request bodies (POST, PUT) into normalised input. The field rules are the schemas' (contact-rules.ts):
// a route has checked them, and a body that comes another way (v2, a direct call) is checked here with the
// same schema. What is left here spans fields; every problem of a body is thrown as one 400.
import type { Static } from '@sinclair/typebox';
import type { ContactsTable, PermissionToSend } from '../../db/schema.ts';
import { invalidFields } from '../../errors.ts';
import type { FieldErrors } from '../../http/schema-check.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { ContactCreateBody, ContactUpdateBody } from './contact-bodies.schemas.ts';
import { checkFields, type Source, type StreetAddressInput } from './contact-rules.ts';
import { isUuid, parseAnniversary, parseTimestamp } from './formats.ts';
import { parseSmsChannel, type SmsChannelInput } from './sms-channel.ts';

export type CoreFields = Pick<
  ContactsTable,
  'first_name' | 'last_name' | 'job_title' | 'company_name' | 'birthday_month' | 'birthday_day' | 'anniversary'
>;
export type EmailInput = {
  address: string;
  permission: PermissionToSend | null;
  optOutReason: string | null;
};
export type PhoneInput = { phone_number: string; kind: string };
export type AddressInput = {
  kind: string;
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
};
export type NoteInput = { note_id: string | null; content: string; created_at: string | null };
/** As sent: `value`, or `choice_ids` for select-type fields; checked against the field by checkCustomValues. */
export type CustomValueInput = { custom_field_id: string; value: string; choice_ids?: string[] };

/** A parsed body; `core` holds only the keys present (POST/sign-up) or every key (PUT replaces them). */
export type ContactInput = {
  source: Source;
  core: Partial<CoreFields>;
  email?: EmailInput;
  /** The SMS channel, stored and returned; Listgate sends no SMS. */
  sms?: SmsChannelInput;
  phones?: PhoneInput[];
  addresses?: AddressInput[];
  notes?: NoteInput[];
  customFields?: CustomValueInput[];
  lists?: string[];
  tags?: string[];
};

type ContactBody = Omit<Static<typeof ContactUpdateBody>, 'update_source'>;
type CoreBody = Pick<ContactBody, keyof CoreFields>;

/** A checked text value, trimmed; '' and null clear the field. */
const text = (value: string | null | undefined): string | null => value?.trim() || null;

const ids = (list: readonly string[] | undefined) =>
  list && [...new Set(list.map((id) => id.toLowerCase()))];

export function throwIfInvalid(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw invalidFields(errors);
}

/** The core fields of a checked body: only those present (`onlyPresent`) or all (absent ones cleared). */
export function coreFields(body: CoreBody, onlyPresent: boolean): Partial<CoreFields> {
  const core: Partial<CoreFields> = {};
  const has = (key: keyof CoreFields) => !onlyPresent || body[key] !== undefined;
  for (const key of ['first_name', 'last_name', 'job_title', 'company_name'] as const) {
    if (has(key)) core[key] = text(body[key]);
  }
  if (has('birthday_month') || has('birthday_day')) {
    core.birthday_month = body.birthday_month ?? null;
    core.birthday_day = body.birthday_day ?? null;
  }
  if (has('anniversary')) core.anniversary = text(body.anniversary) && parseAnniversary(body.anniversary!);
  return core;
}

export function parseAddress(a: Static<typeof StreetAddressInput>): AddressInput {
  return {
    kind: a.kind,
    street: text(a.street),
    city: text(a.city),
    state: text(a.state),
    postal_code: text(a.postal_code),
    country: text(a.country),
  };
}

export function customValues(list: ContactBody['custom_fields']): CustomValueInput[] | undefined {
  return list?.map((c) => {
    const input: CustomValueInput = { custom_field_id: c.custom_field_id.toLowerCase(), value: text(c.value) ?? '' };
    if (c.choice_ids) input.choice_ids = c.choice_ids.map(String);
    return input;
  });
}

function email(value: ContactBody['email_address']): EmailInput | undefined {
  if (!value) return undefined;
  return {
    address: normalizeEmail(value.address)!,
    permission: value.permission_to_send ?? null,
    optOutReason: text(value.opt_out_reason),
  };
}

function subResources(body: ContactBody): Omit<ContactInput, 'source' | 'core' | 'email'> {
  return {
    sms: body.sms_channel ? parseSmsChannel(body.sms_channel) : undefined,
    phones: body.phone_numbers?.map((p) => ({ phone_number: p.phone_number.trim(), kind: p.kind ?? 'other' })),
    addresses: body.street_addresses?.map(parseAddress),
    notes: body.notes?.map((n) => ({
      note_id: isUuid(n.note_id) ? n.note_id.toLowerCase() : null,
      content: n.content.trim(),
      created_at: n.created_at === undefined ? null : parseTimestamp(n.created_at),
    })),
    customFields: customValues(body.custom_fields),
    lists: ids(body.list_memberships),
    tags: ids(body.taggings),
  };
}

/** POST /contacts: needs `create_source` and an email address or a name. */
export function parseCreateBody(raw: Record<string, unknown>): ContactInput {
  throwIfInvalid(checkFields(ContactCreateBody, raw));
  const body = raw as Static<typeof ContactCreateBody>;
  return { source: body.create_source, core: coreFields(body, true), email: email(body.email_address), ...subResources(body) };
}

/** PUT /contacts/{id}: replaces every core field (absent → cleared); sub-resources only when present. */
export function parseUpdateBody(raw: Record<string, unknown>): ContactInput {
  throwIfInvalid(checkFields(ContactUpdateBody, raw));
  const body = raw as Static<typeof ContactUpdateBody>;
  return { source: body.update_source, core: coreFields(body, false), email: email(body.email_address), ...subResources(body) };
}
