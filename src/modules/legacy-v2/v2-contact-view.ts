// v3 contact rows and views → the v2 Contact of the reference (§3): exactly its keys (strict SDK parsers
// reject unknown ones in nested objects), ids as strings of digits, dates with milliseconds and Z.
import type { ContactView } from '../contacts/contact-view.ts';
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

const source = (v3Source: string | null) => (v3Source === 'Contact' ? 'ACTION_BY_VISITOR' : 'ACTION_BY_OWNER');

export function toV2Contact(row: ContactRow, view: ContactView, ctx: V2ViewContext): V2Contact {
  const lists = (view.list_memberships ?? [])
    .flatMap((id) => {
      const n = ctx.listNumbers.get(id);
      return n === undefined ? [] : [{ n, status: ctx.hiddenLists.has(id) ? ('HIDDEN' as const) : ('ACTIVE' as const) }];
    })
    .sort((a, b) => a.n - b.n)
    .map(({ n, status }) => ({ id: String(n), status }));
  const status = v2Status(row, lists.length > 0);
  const phones = new Map((view.phone_numbers ?? []).map((p) => [p.kind, p.phone_number]));
  const phone = Object.fromEntries(PHONE_SLOTS.map((s) => [s.field, phones.get(s.kind) ?? ''])) as Record<
    (typeof PHONE_SLOTS)[number]['field'],
    string
  >;
  // An address's id is its contact's number and its slot (1 PERSONAL, 2 BUSINESS): the same after every write.
  const addresses = ADDRESS_SLOTS.flatMap((slot, i) => {
    const found = view.street_addresses?.find((a) => a.kind === slot.kind);
    return found ? [{ ...toV2Address(found, slot.type), id: `${row.created_seq}${i + 1}` }] : [];
  });
  const kept = ctx.v2Fields.get(row.contact_id);
  const pending = row.permission_to_send === 'pending_confirmation';
  const emails: V2EmailAddress[] = row.email_address
    ? [
        {
          id: String(row.created_seq),
          email_address: row.email_address,
          status,
          confirm_status: pending ? 'UNCONFIRMED' : row.confirm_status === 'confirmed' ? 'CONFIRMED' : 'NO_CONFIRMATION_REQUIRED',
          opt_in_source: source(row.opt_in_source),
          ...(row.opt_in_date ? { opt_in_date: row.opt_in_date } : {}),
          ...(row.opt_out_date || row.deleted_at ? { opt_out_date: (row.opt_out_date ?? row.deleted_at)! } : {}),
        },
      ]
    : [];
  const contact: V2Contact = {
    id: String(row.created_seq),
    status,
    first_name: row.first_name ?? '',
    middle_name: kept?.middle_name ?? '',
    last_name: row.last_name ?? '',
    prefix_name: kept?.prefix_name ?? '',
    job_title: row.job_title ?? '',
    company_name: row.company_name ?? '',
    department_name: kept?.department_name ?? '',
    ...phone,
    confirmed: row.confirm_status === 'confirmed',
    source: row.create_source === 'Contact' ? 'Signup Form' : 'API',
    source_details: '',
    created_date: row.created_at,
    modified_date: row.updated_at,
    email_addresses: emails,
    lists,
    addresses,
    custom_fields: (view.custom_fields ?? [])
      .flatMap((c) => {
        const name = ctx.slotNames.get(c.custom_field_id);
        return name ? [{ name, value: c.value ?? '' }] : [];
      })
      .sort((a, b) => Number(a.name.slice(11)) - Number(b.name.slice(11))),
    notes: (view.notes ?? []).map((n) => ({ id: n.note_id, note: n.content, created_date: n.created_at, modified_date: n.created_at })),
  };
  if (ctx.includeContactId) contact.contact_id = row.contact_id;
  return contact;
}
