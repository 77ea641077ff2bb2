// Table types for Kysely. Timestamps are ISO-8601 strings (UTC, millisecond precision) generated in the app,
// so that both dialects store and compare them the same way; oauth_payloads keeps epoch seconds as
// oidc-provider does. Booleans are 0/1 integers for the same reason.
export type Timestamp = string;

export interface AccountsTable {
  id: string;
  organization_name: string;
  contact_email: string;
  first_name: string | null;
  last_name: string | null;
  time_zone_id: string;
  country_code: string | null;
  state_code: string | null;
  /** Last value of the per-account contact change sequence (bumped in the writer's transaction). */
  change_seq: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  password_hash: string;
  first_name: string | null;
  last_name: string | null;
  verified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DevelopersTable {
  id: string;
  email: string;
  password_hash: string;
  name: string | null;
  verified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EmailTokensTable {
  /** sha256 of the token sent by mail */
  id: string;
  purpose: string;
  subject_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

export type AppKind = 'web' | 'native' | 'device' | 'private';
export type RefreshPolicy = 'rotating' | 'long-lived';

export interface AppsTable {
  /** The API key, which is also the OAuth client_id. */
  client_id: string;
  name: string;
  description: string | null;
  logo_uri: string | null;
  kind: AppKind;
  /** JSON array of exact redirect URIs */
  redirect_uris: string;
  owner_developer_id: string | null;
  owner_account_id: string | null;
  access_token_ttl: number;
  refresh_policy: RefreshPolicy;
  /** Refresh tokens expire after this many seconds without use. */
  refresh_idle_ttl: number;
  rate_per_second: number | null;
  rate_per_day: number | null;
  status: 'active' | 'disabled';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppSecretsTable {
  id: string;
  client_id: string;
  /** sha256 of the secret; secrets are 256-bit random values, so a fast hash is enough. */
  secret_hash: string;
  hint: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
}

export interface OauthPayloadsTable {
  model: string;
  /** sha256 of the id for token-like models (the id is the bearer value), the id itself for others. */
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  /** oidc-provider's accountId: the customer user id (sub) the artifact acts for. */
  subject: string | null;
  client_id: string | null;
  /** epoch seconds */
  expires_at: number | null;
  consumed_at: number | null;
  last_used_at: number | null;
}

export interface WebSessionsTable {
  /** sha256 of the cookie value */
  id: string;
  realm: 'account' | 'developer';
  subject_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditEventsTable {
  id: string;
  account_id: string | null;
  actor: string;
  action: string;
  detail: string;
  created_at: Timestamp;
}

// Contacts domain (migration 0002).
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
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContactCustomValuesTable {
  account_id: string;
  contact_id: string;
  custom_field_id: string;
  value: string;
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

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  developers: DevelopersTable;
  email_tokens: EmailTokensTable;
  apps: AppsTable;
  app_secrets: AppSecretsTable;
  oauth_payloads: OauthPayloadsTable;
  web_sessions: WebSessionsTable;
  audit_events: AuditEventsTable;
  contacts: ContactsTable;
  contact_phone_numbers: ContactPhoneNumbersTable;
  contact_street_addresses: ContactStreetAddressesTable;
  contact_notes: ContactNotesTable;
  contact_lists: ContactListsTable;
  list_memberships: ListMembershipsTable;
  contact_tags: ContactTagsTable;
  taggings: TaggingsTable;
  contact_custom_fields: ContactCustomFieldsTable;
  contact_custom_values: ContactCustomValuesTable;
  activities: ActivitiesTable;
  contact_changes: ContactChangesTable;
  contact_change_horizons: ContactChangeHorizonsTable;
}
