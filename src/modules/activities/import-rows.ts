// The columns of a contacts import (CSV header or JSON keys, the dialect's names) and one row of it turned
// into contact input, validated by the contact module's own rules. A bad row gives a reason, not a throw.
import { type AddressInput, type CoreFields, coreFields, type PhoneInput, parseAddress } from '../contacts/contact-input.ts';
import { hasControlChars, normalizeEmail } from '../../shared/validate.ts';

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

/** One row (column → cell; empty cells are absent) as contact input, or the reason it cannot be imported. */
export function parseImportRow(cells: Record<string, string>, columns: ImportColumns): ImportRow | { reason: string; email?: string } {
  const raw = cells.email?.trim() ?? '';
  const email = normalizeEmail(raw);
  if (!email) return { reason: raw ? 'invalid email address' : 'the email cell is empty', email: raw.slice(0, 320) };
  const errors: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  for (const key of CORE) {
    const value = cells[key];
    if (value === undefined || value === '') continue;
    body[key] = key.startsWith('birthday_') && /^\d{1,2}$/.test(value.trim()) ? Number(value) : value;
  }
  const core = coreFields(errors, body, true);
  const phones: PhoneInput[] = [];
  const addresses = new Map<string, Record<string, unknown>>();
  const customValues: ImportRow['customValues'] = [];
  for (const [name, value] of Object.entries(cells)) {
    if (value === '') continue;
    if (PHONES[name]) {
      const phone = value.trim();
      if (phone.length > 25 || hasControlChars(phone)) errors[name] = `${name} must be at most 25 characters`;
      else if (phone && phones.length < 3) phones.push({ phone_number: phone, kind: PHONES[name]! });
    } else if (ADDRESS[name]) {
      const [kind, part] = ADDRESS[name]!;
      const address = addresses.get(kind) ?? { kind };
      const key = part === 'zip' ? 'postal_code' : part === 'street2' ? 'street2' : part;
      address[key] = value;
      addresses.set(kind, address);
    } else if (name.startsWith('cf:')) {
      const id = columns.customFields[name.slice(3).trim().toLowerCase()];
      const text = value.trim();
      if (text.length > 255) errors[name] = `${name} must be at most 255 characters`;
      else if (hasControlChars(text)) errors[name] = `${name} must not contain control characters`;
      else if (id) customValues.push({ custom_field_id: id, value: text });
    }
  }
  const parsedAddresses = [...addresses.values()].slice(0, 3).map((a, i) => {
    const street = [a.street, a.street2].filter((s) => typeof s === 'string' && s.trim()).join(', ');
    return parseAddress(errors, `address ${i + 1}`, { ...a, street: street || undefined });
  });
  const problems = Object.values(errors);
  if (problems.length) return { reason: problems.join('; '), email };
  return { email, core, phones, addresses: parsedAddresses, customValues };
}
