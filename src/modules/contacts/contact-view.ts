// Contact rows → the dialect's contact objects, with the sub-resources asked for by `include`, loaded in
// one query per sub-resource for a whole page. Absent values are omitted, as the dialect does.
import type { ContactRow, Executor } from './contacts.repository.ts';
import * as parts from './contact-parts.repository.ts';
import type { SmsChannel } from './sms-channel.ts';

export const INCLUDES = [
  'custom_fields',
  'list_memberships',
  'phone_numbers',
  'street_addresses',
  'taggings',
  'notes',
] as const;
export type Include = (typeof INCLUDES)[number];

export type EmailAddressView = {
  address: string;
  permission_to_send: string;
  created_at?: string;
  updated_at?: string;
  opt_in_source?: string;
  opt_in_date?: string;
  opt_out_source?: string;
  opt_out_date?: string;
  opt_out_reason?: string;
  confirm_status?: string;
};

export type ContactView = {
  contact_id: string;
  email_address?: EmailAddressView;
  first_name?: string;
  last_name?: string;
  job_title?: string;
  company_name?: string;
  birthday_month?: number;
  birthday_day?: number;
  anniversary?: string;
  create_source: string;
  update_source?: string;
  created_at: string;
  updated_at: string;
  deleted_at?: string;
  sms_channel?: SmsChannel;
  custom_fields?: { custom_field_id: string; value?: string; choice_ids?: string[] }[];
  phone_numbers?: {
    phone_number_id: string;
    phone_number: string;
    kind: string;
    create_source?: string;
    update_source?: string;
    created_at: string;
    updated_at: string;
  }[];
  street_addresses?: Omit<parts.AddressRow, 'account_id' | 'contact_id' | 'position'>[];
  list_memberships?: string[];
  taggings?: string[];
  notes?: { note_id: string; created_at: string; content: string }[];
};

// The hot path of every sync (500 per page): plain property writes, no helper calls per field.
function emailView(row: ContactRow): EmailAddressView {
  const view: EmailAddressView = { address: row.email_address!, permission_to_send: row.permission_to_send };
  if (row.email_created_at !== null) view.created_at = row.email_created_at;
  if (row.email_updated_at !== null) view.updated_at = row.email_updated_at;
  if (row.opt_in_source !== null) view.opt_in_source = row.opt_in_source;
  if (row.opt_in_date !== null) view.opt_in_date = row.opt_in_date;
  if (row.opt_out_source !== null) view.opt_out_source = row.opt_out_source;
  if (row.opt_out_date !== null) view.opt_out_date = row.opt_out_date;
  if (row.opt_out_reason !== null) view.opt_out_reason = row.opt_out_reason;
  if (row.confirm_status !== null) view.confirm_status = row.confirm_status;
  return view;
}

export function toContactView(row: ContactRow): ContactView {
  const view: ContactView = {
    contact_id: row.contact_id,
    create_source: row.create_source,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  if (row.email_address !== null) view.email_address = emailView(row);
  if (row.first_name !== null) view.first_name = row.first_name;
  if (row.last_name !== null) view.last_name = row.last_name;
  if (row.job_title !== null) view.job_title = row.job_title;
  if (row.company_name !== null) view.company_name = row.company_name;
  if (row.birthday_month !== null) view.birthday_month = row.birthday_month;
  if (row.birthday_day !== null) view.birthday_day = row.birthday_day;
  if (row.anniversary !== null) view.anniversary = row.anniversary;
  if (row.update_source !== null) view.update_source = row.update_source;
  if (row.deleted_at !== null) view.deleted_at = row.deleted_at;
  if (row.sms_channel !== null) view.sms_channel = JSON.parse(row.sms_channel) as SmsChannel;
  return view;
}

function groupBy<R extends { contact_id: string }, V>(rows: R[], map: (row: R) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const list = groups.get(row.contact_id);
    if (list) list.push(map(row));
    else groups.set(row.contact_id, [map(row)]);
  }
  return groups;
}

/**
 * The sub-resources of `include` for the contacts `ids`, one query each, grouped by contact, in the order
 * they follow the base fields in a contact object.
 */
async function loadIncludes(
  db: Executor,
  accountId: string,
  ids: readonly string[],
  include: ReadonlySet<Include>,
): Promise<[Include, Map<string, unknown[]>][]> {
  const loaders: Promise<[Include, Map<string, unknown[]>]>[] = [];
  const load = <R extends { contact_id: string }>(
    name: Include,
    query: () => Promise<R[]>,
    map: (row: R) => unknown,
  ) => {
    if (include.has(name)) loaders.push(query().then((found) => [name, groupBy(found, map)]));
  };
  load(
    'custom_fields',
    () => parts.loadCustomValues(db, accountId, ids),
    (r) =>
      r.choice_ids === null
        ? { custom_field_id: r.custom_field_id, value: r.value }
        : { custom_field_id: r.custom_field_id, choice_ids: (JSON.parse(r.choice_ids) as number[]).map(String) },
  );
  load(
    'list_memberships',
    () => parts.loadMemberships(db, accountId, ids),
    (r) => r.list_id,
  );
  load(
    'taggings',
    () => parts.loadTaggings(db, accountId, ids),
    (r) => r.tag_id,
  );
  load(
    'phone_numbers',
    () => parts.loadPhones(db, accountId, ids),
    (r) => ({
      phone_number_id: r.phone_number_id,
      phone_number: r.phone_number,
      kind: r.kind,
      ...(r.create_source !== null ? { create_source: r.create_source } : {}),
      ...(r.update_source !== null ? { update_source: r.update_source } : {}),
      created_at: r.created_at,
      updated_at: r.updated_at,
    }),
  );
  load(
    'street_addresses',
    () => parts.loadAddresses(db, accountId, ids),
    ({ account_id: _a, contact_id: _c, position: _p, ...a }) => a,
  );
  load(
    'notes',
    () => parts.loadNotes(db, accountId, ids),
    (r) => ({ note_id: r.note_id, created_at: r.created_at, content: r.content }),
  );
  return Promise.all(loaders);
}

/** Views of `rows` in their order, each with the requested sub-resources (empty arrays when none). */
export async function buildContactViews(
  db: Executor,
  accountId: string,
  rows: readonly ContactRow[],
  include: ReadonlySet<Include>,
): Promise<ContactView[]> {
  const views = rows.map(toContactView);
  if (!include.size || !rows.length) return views;
  const ids = rows.map((r) => r.contact_id);
  for (const [name, groups] of await loadIncludes(db, accountId, ids, include)) {
    for (const view of views) (view as Record<string, unknown>)[name] = groups.get(view.contact_id) ?? [];
  }
  return views;
}

/**
 * The JSON text of contacts given as their base JSON (contact-json.repository.ts), with the requested
 * sub-resources appended: what JSON.stringify writes for buildContactViews' objects.
 */
export async function contactJsonTexts(
  db: Executor,
  accountId: string,
  rows: readonly { contact_id: string; json: string }[],
  include: ReadonlySet<Include>,
): Promise<string[]> {
  if (!include.size || !rows.length) return rows.map((r) => r.json);
  const loaded = await loadIncludes(db, accountId, rows.map((r) => r.contact_id), include);
  return rows.map((row) => {
    let text = row.json.slice(0, -1);
    for (const [name, groups] of loaded) text += `,"${name}":${JSON.stringify(groups.get(row.contact_id) ?? [])}`;
    return `${text}}`;
  });
}
