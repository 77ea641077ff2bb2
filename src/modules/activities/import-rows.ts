// The columns of a contacts import (CSV header or JSON keys, the dialect's names) and one row of it turned
// into contact input, checked by the contact module's field rules (the schema below is built from them).
// A bad row gives a reason, not a throw.
import { Type } from '@sinclair/typebox';
import { type AddressInput, type CoreFields, coreFields, type PhoneInput, parseAddress } from '../contacts/contact-input.ts';
import { ContactCreateBody } from '../contacts/contact-bodies.schemas.ts';
import { BIRTHDAY_TOGETHER, checkFields, LENGTHS, LIMITS, StreetAddressInput, Text } from '../contacts/contact-rules.ts';
import { normalizeEmail } from '../../shared/validate.ts';

const CORE = ['first_name', 'last_name', 'job_title', 'company_name', 'birthday_month', 'birthday_day', 'anniversary'];
const PHONES: Record<string, string> = {
  phone: 'other',
  home_phone: 'home',
  work_phone: 'work',
  mobile_phone: 'mobile',
  other_phone: 'other',
};
const ADDRESS_PARTS = ['street', 'street2', 'city', 'state', 'zip', 'country'];
const ADDRESS_PREFIXES: Record<string, string> = { '': 'home', home_: 'home', work_: 'work', other_: 'other' };
const ADDRESS: Record<string, [kind: string, part: string]> = Object.fromEntries(
  Object.entries(ADDRESS_PREFIXES).flatMap(([prefix, kind]) =>
    ADDRESS_PARTS.map((part) => [`${prefix}${part}`, [kind, part] as [string, string]]),
  ),
);
ADDRESS['home country'] = ['home', 'country']; // the SDK's spelling

/** Every column an import understands, for the error message of an unknown one. */
export const KNOWN_COLUMNS = ['email', ...CORE, ...Object.keys(PHONES), ...Object.keys(ADDRESS).filter((c) => c !== 'home country'), 'cf:<custom field name>'];

export type ImportColumns = {
  names: string[];
  /** custom field name (lower-cased) → id, for the cf: columns */
  customFields: Record<string, string>;
};

export type ImportRow = {
  email: string;
  core: Partial<CoreFields>;
  phones: PhoneInput[];
  addresses: AddressInput[];
  customValues: { custom_field_id: string; value: string }[];
};

/**
 * Checks a header against the account's custom fields: the problems (no email column, a duplicate, an
 * unknown column or custom field) as messages; an empty array means the columns are usable.
 */
export function checkColumns(names: readonly string[], customFieldNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) problems.push(`the column ${name} appears twice`);
    seen.add(name);
    if (name.startsWith('cf:')) {
      if (!customFieldNames.has(name.slice(3).trim().toLowerCase())) {
        problems.push(`the column ${name} names no custom field of this account (create it first)`);
      }
    } else if (name.startsWith('sms_')) {
      problems.push(
        `the column ${name.slice(0, 100)} cannot be imported: imports create and update contacts by email address, and Listgate sends no SMS (a contact's sms_channel is set with PUT /v3/contacts/{contact_id}); remove the column`,
      );
    } else if (name !== 'email' && !CORE.includes(name) && !PHONES[name] && !ADDRESS[name]) {
      problems.push(`unknown column ${name.slice(0, 100)}; the columns are ${KNOWN_COLUMNS.join(', ')}`);
    }
  }
  if (!seen.has('email')) {
    const delimiter = names.length === 1 ? [';', '\t', '|'].find((d) => names[0]!.includes(d)) : undefined;
    problems.unshift(
      delimiter
        ? `the file has no email column: its header seems to use ${JSON.stringify(delimiter)} as delimiter, and imports read comma-separated values`
        : 'the file has no email column',
    );
  }
  return problems;
}

/** Header cells as column names: trimmed, lower-cased (cf: names keep their case for the message). */
export function columnNames(header: readonly string[]): string[] {
  return header.map((h) => {
    const name = h.trim();
    return name.toLowerCase().startsWith('cf:') ? `cf:${name.slice(3)}` : name.toLowerCase();
  });
}

/** Address columns → the address field whose rule they follow (street2 is joined to street). */
const ADDRESS_FIELDS: Record<string, keyof typeof StreetAddressInput.properties> = { street: 'street', street2: 'street', city: 'city', state: 'state', zip: 'postal_code', country: 'country' };
const coreRules = ContactCreateBody.properties;

/** A row's cells by the contact's field rules: each core column by its field, phones, address parts, custom values. */
const RowCells = Type.Object(
  {
    ...Object.fromEntries(CORE.map((c) => [c, coreRules[c as keyof CoreFields]])),
    ...Object.fromEntries(Object.keys(PHONES).map((c) => [c, Text(LENGTHS.phone)])),
    ...Object.fromEntries(Object.entries(ADDRESS).map(([c, [, part]]) => [c, StreetAddressInput.properties[ADDRESS_FIELDS[part]!]])),
  },
  { ...BIRTHDAY_TOGETHER, patternProperties: { '^cf:': Text(LENGTHS.customValue.string) } },
);

/** One row (column → cell; empty cells are absent) as contact input, or the reason it cannot be imported. */
export function parseImportRow(cells: Record<string, string>, columns: ImportColumns): ImportRow | { reason: string; email?: string } {
  const raw = cells.email?.trim() ?? '';
  const email = normalizeEmail(raw);
  if (!email) return { reason: raw ? 'invalid email address' : 'the email cell is empty', email: raw.slice(0, 320) };
  const { email: _, ...row } = cells as Record<string, unknown>;
  const errors = checkFields(RowCells, row);
  const phones: PhoneInput[] = [];
  const addresses = new Map<string, Record<string, string>>();
  const customValues: ImportRow['customValues'] = [];
  for (const [name, value] of Object.entries(row)) {
    if (typeof value !== 'string' || !value.trim() || errors[name]) continue;
    if (PHONES[name]) {
      if (phones.length < LIMITS.phones) phones.push({ phone_number: value.trim(), kind: PHONES[name]! });
    } else if (ADDRESS[name]) {
      const [kind, part] = ADDRESS[name]!;
      const address = addresses.get(kind) ?? { kind };
      address[part === 'zip' ? 'postal_code' : part] = value;
      addresses.set(kind, address);
    } else if (name.startsWith('cf:')) {
      const id = columns.customFields[name.slice(3).trim().toLowerCase()];
      if (id) customValues.push({ custom_field_id: id, value: value.trim() });
    }
  }
  const parsedAddresses = [...addresses.values()].slice(0, LIMITS.addresses).map((a, i) => {
    const { street2, ...address } = a;
    const street = [address.street, street2].filter((s) => s?.trim()).join(', ');
    const joined = { ...address, ...(street ? { street } : {}) };
    for (const [field, message] of Object.entries(checkFields(StreetAddressInput, joined))) errors[`address ${i + 1}.${field}`] = `address ${i + 1}.${message}`;
    return joined as { kind: 'home' | 'work' | 'other' };
  });
  const problems = Object.values(errors);
  if (problems.length) return { reason: problems.join('; '), email };
  return { email, core: coreFields(row, true), phones, addresses: parsedAddresses.map(parseAddress), customValues };
}
