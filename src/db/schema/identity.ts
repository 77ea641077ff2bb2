// Table types of the identity domain (migration 0001): accounts and users, developers, apps and secrets,
// OAuth storage, web sessions, audit events.

import type { ColumnType } from 'kysely';

// Timestamps are ISO-8601 strings (UTC, millisecond precision) generated in the app, so that both dialects
// store and compare them the same way; oauth_payloads keeps epoch seconds as oidc-provider does. Booleans
// are 0/1 integers for the same reason.
export type Timestamp = string;

/** A nullable column added by a later migration: optional on insert, so older writers need not name it. */
type Added<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface AccountsTable {
  id: string;
  organization_name: string;
  contact_email: string;
  first_name: string | null;
  last_name: string | null;
  time_zone_id: string;
  country_code: string | null;
  state_code: string | null;
  contact_phone: Added<string>;
  organization_phone: Added<string>;
  website: Added<string>;
  /** JSON of the dialect's physical_address, or null */
  physical_address: Added<string>;
  /** JSON of the dialect's company_logo ({url, external_url}), or null */
  company_logo: Added<string>;
  /** Set by an operator (migration 0011): a suspended subject is refused until resumed. */
  suspended_at: Added<Timestamp>;
  suspended_reason: Added<string>;
  /** Last value of the per-account contact change sequence (bumped in the writer's transaction). */
  change_seq: number;
  /** Last per-account list number handed out (the legacy v2 list ids, migration 0004). */
  list_seq: number;
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
  /** Set by an operator (migration 0011): a suspended subject is refused until resumed. */
  suspended_at: Timestamp | null;
  suspended_reason: string | null;
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
  /** 1: a confidential web app may skip PKCE and send token parameters in the query string (migration 0009). */
  legacy_token_requests: number;
  /** Set by an operator (migration 0011): a suspended subject is refused until resumed. */
  suspended_at: Timestamp | null;
  suspended_reason: string | null;
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
  /** `operator-2fa`: an operator past the password who has not yet given (or enrolled) the second factor. */
  realm: 'account' | 'developer' | 'operator' | 'operator-2fa';
  subject_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type AuditActorType = 'operator' | 'developer' | 'customer' | 'app' | 'system';

/** Append-only (migration 0012 added who, object, IP and user agent); `detail` is a JSON object. */
export interface AuditEventsTable {
  id: string;
  /** The customer account the entry concerns (shown on that account's pages). */
  account_id: string | null;
  /** A readable name of who acted: an email, an API key, "system". */
  actor: string;
  action: string;
  detail: string;
  created_at: Timestamp;
  actor_type: Added<AuditActorType>;
  actor_id: Added<string>;
  object_type: Added<string>;
  object_id: Added<string>;
  /** The app the entry concerns, and its owning developer (shown in that developer's portal). */
  client_id: Added<string>;
  developer_id: Added<string>;
  ip: Added<string>;
  user_agent: Added<string>;
}

export interface OperatorsTable {
  id: string;
  email: string;
  password_hash: string;
  verified_at: Timestamp | null;
  /** Sealed TOTP secret (AES-256-GCM under a key derived from SECRET_KEYS). */
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OperatorRecoveryCodesTable {
  /** sha256 of the code: codes are shown once and kept only as hashes. */
  code_hash: string;
  operator_id: string;
  used_at: Timestamp | null;
  created_at: Timestamp;
}

/** Sender addresses of an account (the dialect's /account/emails); the contact_email is listed besides. */
export interface AccountEmailsTable {
  account_id: string;
  email_id: number;
  email_address: string;
  /** CONFIRMED or UNCONFIRMED */
  confirm_status: string;
  confirm_time: Timestamp | null;
  confirm_source_type: string | null;
  /** JSON array of role codes */
  roles: string;
  created_at: Timestamp;
}
