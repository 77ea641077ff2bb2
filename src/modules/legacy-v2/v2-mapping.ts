// The one place where the legacy v2 contact meets the v3 model: the status table (v2's one word from v3's
// permission, deletion and list membership) and the slot mapping (flat phones, one PERSONAL and one BUSINESS
// address, CustomField1–15, notes). Reads and writes both use these tables; docs/api-v2.md prints them.
import type { ContactView } from '../contacts/contact-view.ts';
import type { ContactRow } from '../contacts/contacts.repository.ts';

export const V2_STATUSES = ['ACTIVE', 'UNCONFIRMED', 'OPTOUT', 'REMOVED', 'NON_SUBSCRIBER', 'VISITOR'] as const;
export type V2Status = (typeof V2_STATUSES)[number];

/**
 * v2 status of a contact, first matching row wins. VISITOR is never produced (v3 has no such state); a
 * filter on it matches nothing.
 */
export const STATUS_TABLE: readonly { status: V2Status; when: string }[] = [
  { status: 'OPTOUT', when: 'deleted (v3 DELETE), or permission_to_send unsubscribed' },
  { status: 'UNCONFIRMED', when: 'permission_to_send pending_confirmation' },
  { status: 'NON_SUBSCRIBER', when: 'permission_to_send not_set (no email address, or never asked)' },
  { status: 'REMOVED', when: 'explicit, implicit or temp_hold, and on no list' },
  { status: 'ACTIVE', when: 'explicit, implicit or temp_hold, and on at least one list' },
];

export function v2Status(row: Pick<ContactRow, 'deleted_at' | 'permission_to_send'>, onLists: boolean): V2Status {
  if (row.deleted_at !== null || row.permission_to_send === 'unsubscribed') return 'OPTOUT';
  if (row.permission_to_send === 'pending_confirmation') return 'UNCONFIRMED';
  if (row.permission_to_send === 'not_set') return 'NON_SUBSCRIBER';
  return onLists ? 'ACTIVE' : 'REMOVED';
}

/** Flat v2 phone fields ↔ v3 phone_numbers[].kind. At most 3 phone numbers fit a v3 contact. */
export const PHONE_SLOTS = [
  { field: 'home_phone', kind: 'home' },
  { field: 'work_phone', kind: 'work' },
  { field: 'cell_phone', kind: 'mobile' },
  { field: 'fax', kind: 'other' },
] as const;

/** v2 address_type ↔ v3 street_addresses[].kind; a v3 `other` address has no v2 slot and is kept as it is. */
export const ADDRESS_SLOTS = [
  { type: 'PERSONAL', kind: 'home' },
  { type: 'BUSINESS', kind: 'work' },
] as const;

/** v2 custom field slots: CustomField1–15 ↔ the account's v3 custom field whose name is the same word. */
export const CUSTOM_FIELD_SLOTS = Array.from({ length: 15 }, (_, i) => `CustomField${i + 1}`);

/** Fields of the v2 contact with no v3 counterpart that Listgate keeps for /v2 (contact_v2_fields). */
export const V2_ONLY_FIELDS = ['prefix_name', 'middle_name', 'department_name'] as const;
/** Fields of the v2 contact that are not kept: always read as "", ignored on writes. */
export const UNKEPT_FIELDS = ['source_details'] as const;

export type V2Address = {
  id: string;
  address_type: string;
  line1: string;
  line2: string;
  line3: string;
  city: string;
  state: string;
  state_code: string;
  country_code: string;
  postal_code: string;
  sub_postal_code: string;
};

type V3Address = NonNullable<ContactView['street_addresses']>[number];

/** v3 street → line1–3 (one line each); a ZIP+4 postal code → postal_code + sub_postal_code. */
export function toV2Address(a: V3Address, type: string): V2Address {
  const [line1 = '', line2 = '', ...rest] = (a.street ?? '').split('\n');
  const zip = /^(\d{5})-(\d{4})$/.exec(a.postal_code ?? '');
  const state = a.state ?? '';
  return {
    id: a.street_address_id,
    address_type: type,
    line1,
    line2,
    line3: rest.join(' '),
    city: a.city ?? '',
    state: /^[A-Za-z]{2}$/.test(state) ? '' : state,
    state_code: /^[A-Za-z]{2}$/.test(state) ? state.toUpperCase() : '',
    country_code: (a.country ?? '').toLowerCase(),
    postal_code: zip ? zip[1]! : (a.postal_code ?? ''),
    sub_postal_code: zip ? zip[2]! : '',
  };
}

const str = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** A v2 address (as sent) → v3 street address fields of the slot's kind. */
export function toV3Address(a: Record<string, unknown>, kind: string) {
  const street = [a.line1, a.line2, a.line3].map(str).filter(Boolean).join('\n');
  const postal = str(a.postal_code);
  const sub = str(a.sub_postal_code);
  return {
    kind,
    street: street || null,
    city: str(a.city) || null,
    state: str(a.state_code) || str(a.state) || null,
    postal_code: (sub ? `${postal}-${sub}` : postal) || null,
    country: str(a.country_code).toUpperCase() || null,
  };
}

/** v2 activity `status` ← the v3 activity state (v2's UNCONFIRMED and PENDING are never produced). */
export const ACTIVITY_STATUS_TABLE = {
  initialized: 'QUEUED',
  processing: 'RUNNING',
  completed: 'COMPLETE',
  failed: 'ERROR',
  timed_out: 'ERROR',
  cancelled: 'CANCELLED',
} as const;
export const V2_ACTIVITY_STATUSES = ['UNCONFIRMED', 'PENDING', 'QUEUED', 'RUNNING', 'COMPLETE', 'ERROR', 'CANCELLED'] as const;

/** v2 activity `type` ← the v3 job that does the work; a clear is a removal whose source is its own lists. */
export const ACTIVITY_TYPE_TABLE = [
  { type: 'ADD_CONTACTS', call: 'addcontacts', job: 'contacts_json_import (or contacts_file_import) with list_ids' },
  { type: 'REMOVE_CONTACTS_FROM_LISTS', call: 'removefromlists', job: 'remove_list_memberships, source contact_ids' },
  { type: 'CLEAR_CONTACTS_FROM_LISTS', call: 'clearlists', job: 'remove_list_memberships, source list_ids = list_ids' },
  { type: 'EXPORT_CONTACTS', call: 'exportcontacts', job: 'contact_exports, source list_ids' },
] as const;
export type V2ActivityType = (typeof ACTIVITY_TYPE_TABLE)[number]['type'];
export const V2_ACTIVITY_TYPES = ACTIVITY_TYPE_TABLE.map((t) => t.type);

/** v2 bulk column names (RB util/config.rb activities_columns) → the v3 import columns. */
export const IMPORT_COLUMNS: Record<string, string> = {
  EMAIL: 'email',
  'FIRST NAME': 'first_name',
  'LAST NAME': 'last_name',
  'JOB TITLE': 'job_title',
  'COMPANY NAME': 'company_name',
  'WORK PHONE': 'work_phone',
  'HOME PHONE': 'home_phone',
  'ADDRESS LINE 1': 'street',
  'ADDRESS LINE 2': 'street2',
  'ADDRESS LINE 3': 'street2',
  CITY: 'city',
  STATE: 'state',
  COUNTRY: 'country',
  'ZIP/POSTAL CODE': 'zip',
  BIRTHDAY_DAY: 'birthday_day',
  BIRTHDAY_MONTH: 'birthday_month',
  ANNIVERSARY: 'anniversary',
  ...Object.fromEntries(CUSTOM_FIELD_SLOTS.map((slot, i) => [`CUSTOM FIELD ${i + 1}`, `cf:${slot}`])),
};

/** v2 export column names → the v3 export fields (custom field slots as cf:CustomFieldN). */
export const EXPORT_COLUMNS: Record<string, string> = {
  EMAIL: 'email',
  'EMAIL ADDRESS': 'email',
  'FIRST NAME': 'first_name',
  'LAST NAME': 'last_name',
  'JOB TITLE': 'job_title',
  'COMPANY NAME': 'company_name',
  BIRTHDAY_DAY: 'birthday_day',
  BIRTHDAY_MONTH: 'birthday_month',
  ANNIVERSARY: 'anniversary',
  ...Object.fromEntries(CUSTOM_FIELD_SLOTS.map((slot, i) => [`CUSTOM FIELD ${i + 1}`, `cf:${slot}`])),
};
