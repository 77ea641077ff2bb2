// How a contact becomes one row of the sync output. Every row starts with its key (contact_id) and its
// sync status, in both formats, so the merge can read them without parsing the rest of the row.
export type SyncFormat = 'csv' | 'jsonl';
export type SyncStatus = 'active' | 'unsubscribed' | 'deleted' | 'removed';

/** A change from the feed, reduced to what the output needs. */
export type ContactChange = {
  contact_id: string;
  status: SyncStatus;
  contact: Record<string, unknown> | null;
};

export type Row = { key: string; status: SyncStatus; text: string };

export const TOMBSTONES: ReadonlySet<string> = new Set(['deleted', 'removed']);

export const CSV_COLUMNS = [
  'contact_id',
  'status',
  'email_address',
  'permission_to_send',
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'phone_number',
  'list_memberships',
  'opt_out_date',
  'created_at',
  'updated_at',
] as const;

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\n`;

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted and its quotes doubled. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? value.join(';') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function emailOf(contact: Record<string, unknown>): Record<string, unknown> {
  const email = contact.email_address;
  return email && typeof email === 'object' ? (email as Record<string, unknown>) : {};
}

function firstPhone(contact: Record<string, unknown>): unknown {
  const phones = contact.phone_numbers;
  return Array.isArray(phones) && phones.length ? (phones[0] as Record<string, unknown>).phone_number : null;
}

function csvRow(change: ContactChange): string {
  const c = change.contact ?? {};
  const email = emailOf(c);
  const values: unknown[] = [
    change.contact_id,
    change.status,
    email.address,
    email.permission_to_send,
    c.first_name,
    c.last_name,
    c.job_title,
    c.company_name,
    firstPhone(c),
    c.list_memberships,
    email.opt_out_date,
    c.created_at,
    c.updated_at,
  ];
  return `${values.map(csvField).join(',')}\n`;
}

function jsonRow(change: ContactChange): string {
  const { contact_id: _id, _links: _l, status: _s, ...rest } = change.contact ?? {};
  return `${JSON.stringify({ contact_id: change.contact_id, status: change.status, ...rest })}\n`;
}

export function renderRow(format: SyncFormat, change: ContactChange): Row {
  const text = format === 'csv' ? csvRow(change) : jsonRow(change);
  return { key: change.contact_id, status: change.status, text };
}
