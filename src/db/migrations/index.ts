// The ordered list of migrations. Each file exports up/down and works on SQLite and PostgreSQL alike.
import type { Migration } from 'kysely/migration';
import * as identity from './0001-identity.ts';
import * as contacts from './0002-contacts.ts';
import * as oauthPartialIndexes from './0003-oauth-partial-indexes.ts';
import * as legacyIds from './0004-legacy-ids.ts';
import * as verifiedCustomers from './0005-verified-customers.ts';
import * as bulkActivities from './0006-bulk-activities.ts';
import * as webhooks from './0007-webhooks.ts';
import * as v3Fidelity from './0008-v3-fidelity.ts';
import * as legacyTokenRequests from './0009-legacy-token-requests.ts';
import * as legacyV2Fidelity from './0010-legacy-v2-fidelity.ts';
import * as operators from './0011-operators.ts';
import * as auditLog from './0012-audit-log.ts';
import * as usage from './0013-usage.ts';

export const migrations: Record<string, Migration> = {
  '0001-identity': identity,
  '0002-contacts': contacts,
  '0003-oauth-partial-indexes': oauthPartialIndexes,
  '0004-legacy-ids': legacyIds,
  '0005-verified-customers': verifiedCustomers,
  '0006-bulk-activities': bulkActivities,
  '0007-webhooks': webhooks,
  '0008-v3-fidelity': v3Fidelity,
  '0009-legacy-token-requests': legacyTokenRequests,
  '0010-legacy-v2-fidelity': legacyV2Fidelity,
  '0011-operators': operators,
  '0012-audit-log': auditLog,
  '0013-usage': usage,
};
