// Kysely's Database interface: every table by name. The table types live by domain in src/db/schema/ and
// are re-exported here, so that code imports them from this one file.
import type {
  ActivitiesTable,
  ActivityRowErrorsTable,
  ContactChangeHorizonsTable,
  ContactChangesTable,
  ContactCustomFieldsTable,
  ContactCustomValuesTable,
  ContactListsTable,
  ContactNotesTable,
  ContactPhoneNumbersTable,
  ContactStreetAddressesTable,
  ContactTagsTable,
  ContactV2FieldsTable,
  ContactsTable,
  ListMembershipsTable,
  TaggingsTable,
} from './schema/contacts.ts';
import type {
  AccountsTable,
  AccountEmailsTable,
  AppSecretsTable,
  AppsTable,
  AuditEventsTable,
  DevelopersTable,
  EmailTokensTable,
  OauthPayloadsTable,
  OperatorRecoveryCodesTable,
  OperatorsTable,
  UsersTable,
  WebSessionsTable,
} from './schema/identity.ts';
import type { UsageHourlyTable } from './schema/usage.ts';
import type { WebhookAttemptsTable, WebhookResendsTable, WebhookSubscriptionsTable } from './schema/webhooks.ts';

export type * from './schema/contacts.ts';
export type * from './schema/identity.ts';
export type * from './schema/usage.ts';
export type * from './schema/webhooks.ts';

export interface Database {
  accounts: AccountsTable;
  account_emails: AccountEmailsTable;
  users: UsersTable;
  developers: DevelopersTable;
  email_tokens: EmailTokensTable;
  apps: AppsTable;
  app_secrets: AppSecretsTable;
  oauth_payloads: OauthPayloadsTable;
  web_sessions: WebSessionsTable;
  audit_events: AuditEventsTable;
  operators: OperatorsTable;
  operator_recovery_codes: OperatorRecoveryCodesTable;
  contacts: ContactsTable;
  contact_phone_numbers: ContactPhoneNumbersTable;
  contact_street_addresses: ContactStreetAddressesTable;
  contact_notes: ContactNotesTable;
  contact_lists: ContactListsTable;
  contact_v2_fields: ContactV2FieldsTable;
  list_memberships: ListMembershipsTable;
  contact_tags: ContactTagsTable;
  taggings: TaggingsTable;
  contact_custom_fields: ContactCustomFieldsTable;
  contact_custom_values: ContactCustomValuesTable;
  activities: ActivitiesTable;
  activity_row_errors: ActivityRowErrorsTable;
  contact_changes: ContactChangesTable;
  contact_change_horizons: ContactChangeHorizonsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_resends: WebhookResendsTable;
  webhook_attempts: WebhookAttemptsTable;
  usage_hourly: UsageHourlyTable;
}
