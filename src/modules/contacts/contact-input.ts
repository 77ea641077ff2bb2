// Validation of contact request bodies (POST, PUT, sign-up form) into normalised input. Every problem is
// collected under the name of its field and thrown as one 400; unknown fields are never read.
import type { ContactsTable, PermissionToSend } from '../../db/schema.ts';
import { invalidFields } from '../../errors.ts';
import { hasControlChars, normalizeEmail } from '../../shared/validate.ts';
import { isUuid, parseTimestamp } from './formats.ts';
import { parseSmsChannel, type SmsChannelInput } from './sms-channel.ts';

export const PERMISSIONS: readonly PermissionToSend[] = [
  'explicit',
  'implicit',
  'not_set',
  'pending_confirmation',
  'temp_hold',
  'unsubscribed',
];
export const SOURCES = ['Contact', 'Account'] as const;
export type Source = (typeof SOURCES)[number];
const PHONE_KINDS = ['home', 'work', 'mobile', 'other'];
const ADDRESS_KINDS = ['home', 'work', 'other'];

export const LIMITS = { phones: 3, addresses: 3, lists: 50, tags: 50, customFields: 25, signUpCustomFields: 50, notes: 150 } as const;

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

type Errors = Record<string, string>;

/** A trimmed string of at most `max` characters; '' and null clear the field. */
function text(errors: Errors, name: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') {
    errors[name] = `${name} must be a string`;
    return null;
  }
  const trimmed = value.trim();
  if (trimmed.length > max) errors[name] = `${name} must be at most ${max} characters`;
  else if (hasControlChars(trimmed)) errors[name] = `${name} must not contain control characters`;
  return trimmed === '' ? null : trimmed;
}

function integer(errors: Errors, name: string, value: unknown, min: number, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    errors[name] = `${name} must be an integer from ${min} to ${max}`;
    return null;
  }
  return value;
}

/** The dialect accepts several date spellings for anniversaries; they are stored as YYYY-MM-DD. */
function anniversary(errors: Errors, value: unknown): string | null {
  const raw = text(errors, 'anniversary', value, 10);
  if (!raw) return null;
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(raw);
  let parts = m ? [m[1], m[2], m[3]] : null;
  m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(raw);
  if (m) parts = [m[3], m[1], m[2]];
  const iso = parts ? `${parts[0]}-${parts[1]!.padStart(2, '0')}-${parts[2]!.padStart(2, '0')}` : '';
  const date = new Date(`${iso}T00:00:00Z`);
  if (!parts || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
    errors.anniversary = 'anniversary must be a date such as 2026-05-31 or 05/31/2026';
    return null;
  }
  return iso;
}

function uuidList(errors: Errors, name: string, value: unknown, max: number): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    errors[name] = `${name} must be an array of ids`;
    return undefined;
  }
  if (value.length > max) errors[name] = `${name} accepts at most ${max} ids`;
  const bad = value.findIndex((id) => !isUuid(id));
  if (bad >= 0) errors[`${name}[${bad}]`] = `${name}[${bad}] must be a UUID`;
  return [...new Set(value.filter(isUuid).map((id) => id.toLowerCase()))];
}

function items(
  errors: Errors,
  name: string,
  value: unknown,
  max: number,
): Record<string, unknown>[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => !v || typeof v !== 'object' || Array.isArray(v))) {
    errors[name] = `${name} must be an array of objects`;
    return undefined;
  }
  if (value.length > max) errors[name] = `${name} accepts at most ${max} items`;
  return value as Record<string, unknown>[];
}

function oneOf(
  errors: Errors,
  name: string,
  value: unknown,
  allowed: readonly string[],
  fallback?: string,
): string {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value === 'string' && allowed.includes(value)) return value;
  errors[name] = `${name} must be one of: ${allowed.join(', ')}`;
  return allowed[0]!;
}

function phones(errors: Errors, value: unknown): PhoneInput[] | undefined {
  return items(errors, 'phone_numbers', value, LIMITS.phones)?.map((p, i) => {
    const phone = text(errors, `phone_numbers[${i}].phone_number`, p.phone_number, 25);
    if (!phone) errors[`phone_numbers[${i}].phone_number`] ??= `phone_numbers[${i}].phone_number is required`;
    return {
      phone_number: phone ?? '',
      kind: oneOf(errors, `phone_numbers[${i}].kind`, p.kind, PHONE_KINDS, 'other'),
    };
  });
}

function addresses(errors: Errors, value: unknown): AddressInput[] | undefined {
  return items(errors, 'street_addresses', value, LIMITS.addresses)?.map((a, i) =>
    parseAddress(errors, `street_addresses[${i}]`, a),
  );
}

export function parseAddress(errors: Errors, name: string, a: Record<string, unknown>): AddressInput {
  return {
    kind: oneOf(errors, `${name}.kind`, a.kind, ADDRESS_KINDS),
    street: text(errors, `${name}.street`, a.street, 255),
    city: text(errors, `${name}.city`, a.city, 50),
    state: text(errors, `${name}.state`, a.state, 50),
    postal_code: text(errors, `${name}.postal_code`, a.postal_code, 50),
    country: text(errors, `${name}.country`, a.country, 50),
  };
}

function notes(errors: Errors, value: unknown): NoteInput[] | undefined {
  return items(errors, 'notes', value, LIMITS.notes)?.map((n, i) => {
    const content = text(errors, `notes[${i}].content`, n.content, 2000);
    if (!content) errors[`notes[${i}].content`] ??= `notes[${i}].content is required`;
    const created = typeof n.created_at === 'string' ? parseTimestamp(n.created_at) : null;
    return {
      note_id: isUuid(n.note_id) ? n.note_id.toLowerCase() : null,
      content: content ?? '',
      created_at: created,
    };
  });
}

export function customValues(
  errors: Errors,
  value: unknown,
  max: number = LIMITS.customFields,
): CustomValueInput[] | undefined {
  return items(errors, 'custom_fields', value, max)?.map((c, i) => {
    const name = `custom_fields[${i}]`;
    if (!isUuid(c.custom_field_id)) errors[`${name}.custom_field_id`] = `${name}.custom_field_id must be a UUID`;
    const v = text(errors, `${name}.value`, c.value, 1000);
    const input: CustomValueInput = { custom_field_id: String(c.custom_field_id).toLowerCase(), value: v ?? '' };
    if (c.choice_ids === undefined || c.choice_ids === null) return input;
    input.choice_ids = Array.isArray(c.choice_ids) ? c.choice_ids.map(String) : [];
    if (!Array.isArray(c.choice_ids) || !input.choice_ids.every((id) => /^\d{1,9}$/.test(id)))
      errors[`${name}.choice_ids`] = `${name}.choice_ids must be an array of choice ids`;
    return input;
  });
}

function email(errors: Errors, value: unknown, required: boolean): EmailInput | undefined {
  if (value === undefined || value === null) {
    if (required) errors['email_address.address'] = 'email_address.address is required';
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.email_address = 'email_address must be an object with an address';
    return undefined;
  }
  const e = value as Record<string, unknown>;
  const address = normalizeEmail(e.address);
  if (!address) errors['email_address.address'] = 'email_address.address must be a valid email address';
  const permission =
    e.permission_to_send === undefined
      ? null
      : (oneOf(
          errors,
          'email_address.permission_to_send',
          e.permission_to_send,
          PERMISSIONS,
        ) as PermissionToSend);
  return {
    address: address ?? '',
    permission,
    optOutReason: text(errors, 'email_address.opt_out_reason', e.opt_out_reason, 255),
  };
}

export function coreFields(
  errors: Errors,
  body: Record<string, unknown>,
  onlyPresent: boolean,
): Partial<CoreFields> {
  const core: Partial<CoreFields> = {};
  const has = (key: string) => !onlyPresent || body[key] !== undefined;
  for (const key of ['first_name', 'last_name', 'job_title', 'company_name'] as const) {
    if (has(key)) core[key] = text(errors, key, body[key], 255);
  }
  if (has('birthday_month') || has('birthday_day')) {
    core.birthday_month = integer(errors, 'birthday_month', body.birthday_month, 1, 12);
    core.birthday_day = integer(errors, 'birthday_day', body.birthday_day, 1, 31);
    if ((core.birthday_month === null) !== (core.birthday_day === null)) {
      errors.birthday_month ??= 'birthday_month and birthday_day must be given together';
    }
  }
  if (has('anniversary')) core.anniversary = anniversary(errors, body.anniversary);
  return core;
}

export function throwIfInvalid(errors: Errors): void {
  if (Object.keys(errors).length) throw invalidFields(errors);
}

function subResources(
  errors: Errors,
  body: Record<string, unknown>,
): Omit<ContactInput, 'source' | 'core' | 'email'> {
  return {
    sms: parseSmsChannel(errors, body.sms_channel),
    phones: phones(errors, body.phone_numbers),
    addresses: addresses(errors, body.street_addresses),
    notes: notes(errors, body.notes),
    customFields: customValues(errors, body.custom_fields),
    lists: uuidList(errors, 'list_memberships', body.list_memberships, LIMITS.lists),
    tags: uuidList(errors, 'taggings', body.taggings, LIMITS.tags),
  };
}

/** POST /contacts: needs `create_source` and an email address or a name. */
export function parseCreateBody(body: Record<string, unknown>): ContactInput {
  const errors: Errors = {};
  const source = oneOf(errors, 'create_source', body.create_source, SOURCES) as Source;
  const core = coreFields(errors, body, true);
  const input: ContactInput = {
    source,
    core,
    email: email(errors, body.email_address, false),
    ...subResources(errors, body),
  };
  if (!input.email && !input.sms && !core.first_name && !core.last_name && !errors.email_address) {
    errors.email_address = 'email_address.address is required unless sms_channel, first_name or last_name is given';
  }
  throwIfInvalid(errors);
  return input;
}

/** PUT /contacts/{id}: replaces every core field (absent → cleared); sub-resources only when present. */
export function parseUpdateBody(body: Record<string, unknown>): ContactInput {
  const errors: Errors = {};
  const source = oneOf(errors, 'update_source', body.update_source, SOURCES) as Source;
  const input: ContactInput = {
    source,
    core: coreFields(errors, body, false),
    email: email(errors, body.email_address, false),
    ...subResources(errors, body),
  };
  throwIfInvalid(errors);
  return input;
}
