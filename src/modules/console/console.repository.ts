// The operator console's cross-account reads: search apps, developers and customer accounts (LIKE patterns
// escaped), an app's grants and last use. Writes go through the owning modules' services.
import { containsText } from '../../db/like.ts';
import type { Executor } from '../accounts/accounts.repository.ts';

const LIMIT = 100;

export type AppListRow = {
  client_id: string;
  name: string;
  kind: string;
  status: string;
  suspended_at: string | null;
  owner: string | null;
  created_at: string;
};

/** Apps whose name or API key contains `text` (all apps when empty), newest first. */
export async function searchApps(db: Executor, text: string, filter: { developerId?: string; accountId?: string } = {}): Promise<AppListRow[]> {
  let query = db
    .selectFrom('apps')
    .leftJoin('developers', 'developers.id', 'apps.owner_developer_id')
    .leftJoin('accounts', 'accounts.id', 'apps.owner_account_id')
    .select(['apps.client_id', 'apps.name', 'apps.kind', 'apps.status', 'apps.suspended_at', 'apps.created_at'])
    .select((eb) => eb.fn.coalesce('developers.email', 'accounts.organization_name').as('owner'))
    .orderBy('apps.created_at', 'desc')
    .limit(LIMIT);
  if (text) query = query.where((eb) => eb.or([containsText('apps.name', text), containsText('apps.client_id', text)]));
  if (filter.developerId) query = query.where('apps.owner_developer_id', '=', filter.developerId);
  if (filter.accountId) query = query.where('apps.owner_account_id', '=', filter.accountId);
  return query.execute();
}

/** How many live grants the app holds and when one of its tokens was last used (epoch seconds). */
export async function appUsage(db: Executor, clientId: string, nowS: number): Promise<{ grants: number; lastUsedAt: number | null }> {
  const grants = await db
    .selectFrom('oauth_payloads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('model', '=', 'Grant')
    .where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowS)]))
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('oauth_payloads')
    .select((eb) => eb.fn.max('last_used_at').as('at'))
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return { grants: Number(grants.n), lastUsedAt: last.at === null ? null : Number(last.at) };
}

export type DeveloperListRow = { id: string; email: string; name: string | null; verified_at: string | null; suspended_at: string | null; created_at: string };

export async function searchDevelopers(db: Executor, text: string): Promise<DeveloperListRow[]> {
  let query = db
    .selectFrom('developers')
    .select(['id', 'email', 'name', 'verified_at', 'suspended_at', 'created_at'])
    .orderBy('created_at', 'desc')
    .limit(LIMIT);
  if (text) query = query.where((eb) => eb.or([containsText('email', text), containsText('name', text)]));
  return query.execute();
}

export type AccountListRow = { id: string; organization_name: string; contact_email: string; suspended_at: string | null; created_at: string };

export async function searchAccounts(db: Executor, text: string): Promise<AccountListRow[]> {
  let query = db
    .selectFrom('accounts')
    .select(['id', 'organization_name', 'contact_email', 'suspended_at', 'created_at'])
    .orderBy('created_at', 'desc')
    .limit(LIMIT);
  if (text) {
    query = query.where((eb) =>
      eb.or([
        containsText('organization_name', text),
        containsText('contact_email', text),
        eb.exists(eb.selectFrom('users').select('users.id').whereRef('users.account_id', '=', 'accounts.id').where(containsText('users.email', text))),
      ]),
    );
  }
  return query.execute();
}

export async function findAccountRow(db: Executor, id: string) {
  return db.selectFrom('accounts').select(['id', 'organization_name', 'contact_email', 'suspended_at', 'suspended_reason', 'created_at']).where('id', '=', id).executeTakeFirst();
}

export async function setSuspension(db: Executor, table: 'developers' | 'accounts', id: string, at: string | null, reason: string | null, nowIso: string): Promise<boolean> {
  const result = await db.updateTable(table).set({ suspended_at: at, suspended_reason: reason, updated_at: nowIso }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Customers' apps they granted access to: client ids with a live grant for a user of the account. */
export async function connectedClientIds(db: Executor, accountId: string, nowS: number): Promise<string[]> {
  const rows = await db
    .selectFrom('oauth_payloads')
    .innerJoin('users', 'users.id', 'oauth_payloads.subject')
    .select('oauth_payloads.client_id')
    .distinct()
    .where('users.account_id', '=', accountId)
    .where('oauth_payloads.model', '=', 'Grant')
    .where((eb) => eb.or([eb('oauth_payloads.expires_at', 'is', null), eb('oauth_payloads.expires_at', '>', nowS)]))
    .execute();
  return rows.map((r) => r.client_id).filter((id): id is string => id !== null);
}

export type ActivityListRow = { activity_id: string; account_id: string; kind: string; state: string; created_at: string; updated_at: string; error_count: number; errors: string };

/** Running and failed bulk jobs across every account, newest first. */
export async function listJobs(db: Executor, states: readonly string[]): Promise<ActivityListRow[]> {
  return db
    .selectFrom('activities')
    .select(['activity_id', 'account_id', 'kind', 'state', 'created_at', 'updated_at', 'error_count', 'errors'])
    .where('state', 'in', states as never)
    .orderBy('updated_at', 'desc')
    .limit(LIMIT)
    .execute();
}
