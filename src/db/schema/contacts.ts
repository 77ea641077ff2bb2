// Table types of the contacts domain (migration 0002): contacts and their parts, lists, tags, custom
// fields, activities and the change log. Timestamps and booleans as in identity.ts.
import type { Timestamp } from './identity.ts';

export type PermissionToSend = 'explicit' | 'implicit' | 'not_set' | 'pending_confirmation' | 'temp_hold' | 'unsubscribed';
export type ContactChangeKind = 'created' | 'updated' | 'unsubscribed' | 'deleted' | 'list_added' | 'list_removed';

export interface ContactsTable {
  contact_id: string;
  account_id: string;
  /** lower-cased; null for contacts known only by name */
  email_address: string | null;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  company_name: string | null;
  birthday_month: number | null;
  birthday_day: number | null;
  anniversary: string | null;
  create_source: string;
  update_source: string | null;
  permission_to_send: PermissionToSend;
  opt_in_source: string | null;
  opt_in_date: Timestamp | null;
  opt_out_source: string | null;
  opt_out_date: Timestamp | null;
  opt_out_reason: string | null;
  confirm_status: string | null;
  email_created_at: Timestamp | null;
  email_updated_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  /** seq of the contact's last change (unique per account, commit-ordered) */
  change_seq: number;
  /** seq of the contact's creation (immutable): the order of plain listings */
  created_seq: number;
  /** JSON of the dialect's sms_channel, stored and returned as given (Listgate sends no SMS); or null */
  sms_channel: string | null;
}

export interface ContactPhoneNumbersTable {
  phone_number_id: string;
  account_id: string;
  contact_id: string;
  phone_number: string;
  kind: string;
  position: number;
  create_source: string | null;
  update_source: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactStreetAddressesTable {
  street_address_id: string;
  account_id: string;
  contact_id: string;
  kind: string;
  street: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactNotesTable {
  note_id: string;
  account_id: string;
  contact_id: string;
  content: string;
  position: number;
  created_at: Timestamp;
}

export interface ContactListsTable {
  list_id: string;
  account_id: string;
  name: string;
  description: string | null;
  favorite: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
  /** per-account number given at creation, never reused: the legacy v2 id (migration 0004) */
  sequence_id: number;
  /** the legacy v2 status: null = ACTIVE, or HIDDEN (migration 0010); v3 does not show it */
  v2_status?: string | null;
}

/** What a legacy v2 contact carries that v3 has no field for (migration 0010); v3 never touches it. */
export interface ContactV2FieldsTable {
  contact_id: string;
  account_id: string;
  prefix_name: string | null;
  middle_name: string | null;
  department_name: string | null;
}

export interface ListMembershipsTable {
  account_id: string;
  list_id: string;
  contact_id: string;
  created_at: Timestamp;
}

export interface ContactTagsTable {
  tag_id: string;
  account_id: string;
  name: string;
  tag_source: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TaggingsTable {
  account_id: string;
  tag_id: string;
  contact_id: string;
  created_at: Timestamp;
}

export interface ContactCustomFieldsTable {
  custom_field_id: string;
  account_id: string;
  label: string;
  name: string;
  type: string;
  /** JSON array, or null */
  choices: string | null;
  /** JSON object of the dialect's display metadata, or null */
  metadata: string | null;
  version: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactCustomValuesTable {
  account_id: string;
  contact_id: string;
  custom_field_id: string;
  value: string;
  /** JSON array of choice ids of a select-type field, or null */
  choice_ids: string | null;
}

export type ActivityState = 'initialized' | 'processing' | 'completed' | 'cancelled' | 'failed' | 'timed_out';

export interface ActivitiesTable {
  activity_id: string;
  account_id: string;
  kind: string;
  state: ActivityState;
  /** JSON input of the job, or null */
  payload: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  percent_done: number;
  items_total_count: number;
  items_completed_count: number;
  error_count: number;
  /** JSON array */
  errors: string;
  /** JSON, or null */
  result: string | null;
  result_file: string | null;
  /** JSON position after the last committed step (migration 0006), or null */
  checkpoint: string | null;
}

/** One bad row of an import (migration 0006): its row number in the file (the header is row 1). */
export interface ActivityRowErrorsTable {
  activity_id: string;
  account_id: string;
  row_number: number;
  email: string | null;
  reason: string;
}

export interface ContactChangesTable {
  account_id: string;
  seq: number;
  contact_id: string;
  kind: ContactChangeKind;
  list_id: string | null;
  created_at: Timestamp;
}

export interface ContactChangeHorizonsTable {
  account_id: string;
  compacted_through_seq: number;
  compacted_at: Timestamp;
}
