// v3 contact rows and views → the v2 Contact of the reference (§3): exactly its keys (strict SDK parsers
// reject unknown ones in nested objects), ids as strings of digits, dates with milliseconds and Z.
import type { AddressRow, CustomValueRow, NoteRow, PhoneRow } from '../contacts/contact-parts.repository.ts';
import type { ContactRow } from '../contacts/contacts.repository.ts';
import type { V2OnlyFields } from './v2.repository.ts';
import { ADDRESS_SLOTS, PHONE_SLOTS, type V2Address, type V2Status, toV2Address, v2Status } from './v2-mapping.ts';

export type V2EmailAddress = {
  id: string;
  email_address: string;
  status: V2Status;
  confirm_status: 'CONFIRMED' | 'NO_CONFIRMATION_REQUIRED' | 'UNCONFIRMED';
  opt_in_source: 'ACTION_BY_OWNER' | 'ACTION_BY_VISITOR';
  opt_in_date?: string;
  opt_out_date?: string;
};

export type V2Contact = {
  id: string;
  status: V2Status;
  first_name: string;
  middle_name: string;
  last_name: string;
  prefix_name: string;
  job_title: string;
  company_name: string;
  department_name: string;
  home_phone: string;
  work_phone: string;
  cell_phone: string;
  fax: string;
  confirmed: boolean;
  source: string;
  source_details: string;
  created_date: string;
  modified_date: string;
  email_addresses: V2EmailAddress[];
  lists: { id: string; status: 'ACTIVE' | 'HIDDEN' }[];
  addresses: V2Address[];
  custom_fields: { name: string; value: string }[];
  notes: { id: string; note: string; created_date: string; modified_date: string }[];
  contact_id?: string;
};

/** What a page of contacts needs besides the rows: list numbers and the custom fields of the v2 slots. */
export type V2ViewContext = {
  listNumbers: ReadonlyMap<string, number>;
  /** lists whose v2 status is HIDDEN */
  hiddenLists: ReadonlySet<string>;
  /** the v2-only fields of the page's contacts that have any */
  v2Fields: ReadonlyMap<string, V2OnlyFields>;
  slotNames: ReadonlyMap<string, string>;
  includeContactId: boolean;
};

/** A contact's stored parts as the page's queries return them (in their stored order); absent when none. */
export type V2Parts = {
  listIds?: string[];
  phones?: PhoneRow[];
  addresses?: AddressRow[];
  customValues?: CustomValueRow[];
  notes?: NoteRow[];
};

const NO_PARTS: V2Parts = {};
const source = (v3Source: string | null) => (v3Source === 'Contact' ? 'ACTION_BY_VISITOR' : 'ACTION_BY_OWNER');
const byNumber = (a: { n: number }, b: { n: number }) => a.n - b.n;
const bySlot = (a: { name: string }, b: { name: string }) => Number(a.name.slice(11)) - Number(b.name.slice(11));

function v2Lists(listIds: readonly string[], ctx: V2ViewContext): V2Contact['lists'] {
  const found: { n: number; status: 'ACTIVE' | 'HIDDEN' }[] = [];
  for (const id of listIds) {
    const n = ctx.listNumbers.get(id);
    if (n !== undefined) found.push({ n, status: ctx.hiddenLists.has(id) ? 'HIDDEN' : 'ACTIVE' });
  }
  found.sort(byNumber);
  const lists: V2Contact['lists'] = new Array(found.length);
  for (let i = 0; i < found.length; i++) lists[i] = { id: String(found[i]!.n), status: found[i]!.status };
  return lists;
}

/** v2 phone fields from the v3 phones (in stored order; the last of a kind wins). */
function v2Phones(contact: V2Contact, phones: readonly PhoneRow[]): void {
  for (const slot of PHONE_SLOTS) {
    for (const p of phones) if (p.kind === slot.kind) contact[slot.field] = p.phone_number;
  }
}

// An address's id is its contact's number and its slot (1 PERSONAL, 2 BUSINESS): the same after every write.
function v2Addresses(rows: readonly AddressRow[], seq: string): V2Address[] {
  const addresses: V2Address[] = [];
  for (let i = 0; i < ADDRESS_SLOTS.length; i++) {
    const slot = ADDRESS_SLOTS[i]!;
    const found = rows.find((a) => a.kind === slot.kind);
    if (found) {
      const address = toV2Address(found, slot.type);
      address.id = `${seq}${i + 1}`;
      addresses.push(address);
    }
  }
  return addresses;
}

function v2CustomFields(values: readonly CustomValueRow[], ctx: V2ViewContext): V2Contact['custom_fields'] {
  const fields: V2Contact['custom_fields'] = [];
  for (const c of values) {
    const name = ctx.slotNames.get(c.custom_field_id);
    // A choice field's value is its choices, which v2 has no word for.
    if (name) fields.push({ name, value: c.choice_ids === null ? (c.value ?? '') : '' });
  }
  return fields.sort(bySlot);
}

/**
 * The v2 contact of a row and its parts, built in one pass as one object literal (one shape for every
 * contact of a page; the hot path of a modified_since walk, 500 per page).
 */
export function toV2Contact(row: ContactRow, parts: V2Parts | undefined, ctx: V2ViewContext): V2Contact {
  const id = String(row.created_seq);
  if (!parts) parts = NO_PARTS;
  const lists = parts.listIds ? v2Lists(parts.listIds, ctx) : [];
  const status = v2Status(row, lists.length > 0);
  const kept = ctx.v2Fields.get(row.contact_id);
  const emails: V2EmailAddress[] = [];
  if (row.email_address) {
    const email: V2EmailAddress = {
      id,
      email_address: row.email_address,
      status,
      confirm_status:
        row.permission_to_send === 'pending_confirmation' ? 'UNCONFIRMED' : row.confirm_status === 'confirmed' ? 'CONFIRMED' : 'NO_CONFIRMATION_REQUIRED',
      opt_in_source: source(row.opt_in_source),
    };
    if (row.opt_in_date) email.opt_in_date = row.opt_in_date;
    if (row.opt_out_date || row.deleted_at) email.opt_out_date = (row.opt_out_date ?? row.deleted_at)!;
    emails.push(email);
  }
  const contact: V2Contact = {
    id,
    status,
    first_name: row.first_name ?? '',
    middle_name: kept?.middle_name ?? '',
    last_name: row.last_name ?? '',
    prefix_name: kept?.prefix_name ?? '',
    job_title: row.job_title ?? '',
    company_name: row.company_name ?? '',
    department_name: kept?.department_name ?? '',
    home_phone: '',
    work_phone: '',
    cell_phone: '',
    fax: '',
    confirmed: row.confirm_status === 'confirmed',
    source: row.create_source === 'Contact' ? 'Signup Form' : 'API',
    source_details: '',
    created_date: row.created_at,
    modified_date: row.updated_at,
    email_addresses: emails,
    lists,
    addresses: parts.addresses ? v2Addresses(parts.addresses, id) : [],
    custom_fields: parts.customValues ? v2CustomFields(parts.customValues, ctx) : [],
    notes: parts.notes
      ? parts.notes.map((n) => ({ id: n.note_id, note: n.content, created_date: n.created_at, modified_date: n.created_at }))
      : [],
  };
  if (parts.phones) v2Phones(contact, parts.phones);
  if (ctx.includeContactId) contact.contact_id = row.contact_id;
  return contact;
}
