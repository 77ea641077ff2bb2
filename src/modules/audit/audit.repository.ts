// Queries of the audit log: insert, search (every filter optional, newest first, keyset pages) and the
// retention sweep. There is no update and no other delete: entries are append-only.
import type { Insertable, Selectable } from 'kysely';
import { containsText } from '../../db/like.ts';
import type { AuditEventsTable } from '../../db/schema.ts';
import type { Executor } from '../accounts/accounts.repository.ts';

export type AuditRow = Selectable<AuditEventsTable>;

export type AuditFilter = {
  accountId?: string;
  developerId?: string;
  clientId?: string;
  action?: string;
  actorType?: string;
  /** Free text: matched in the actor's name, the object id and the action. */
  text?: string;
  /** Only entries created before this timestamp (the next page), and at or after `since`. */
  before?: string;
  since?: string;
};

export async function insertAuditEvent(db: Executor, row: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export async function searchAuditEvents(db: Executor, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.developerId) query = query.where('developer_id', '=', filter.developerId);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorType) query = query.where('actor_type', '=', filter.actorType as AuditRow['actor_type'] & string);
  if (filter.before) query = query.where('created_at', '<', filter.before);
  if (filter.since) query = query.where('created_at', '>=', filter.since);
  const text = filter.text;
  if (text) query = query.where((eb) => eb.or([containsText('actor', text), containsText('object_id', text), containsText('action', text)]));
  return query.execute();
}

/** The retention sweep: removes entries older than `beforeIso`; the only delete of the audit log. */
export async function deleteAuditEventsBefore(db: Executor, beforeIso: string): Promise<number> {
  const result = await db.deleteFrom('audit_events').where('created_at', '<', beforeIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The developer who owns an app, so that its entries show in that developer's portal. */
export async function findAppOwner(db: Executor, clientId: string): Promise<{ developerId: string | null; accountId: string | null } | undefined> {
  const row = await db.selectFrom('apps').select(['owner_developer_id', 'owner_account_id']).where('client_id', '=', clientId).executeTakeFirst();
  return row ? { developerId: row.owner_developer_id, accountId: row.owner_account_id } : undefined;
}

/** The email of a developer, operator or customer user, to name them in an entry. */
export async function findActorEmail(db: Executor, type: 'developer' | 'operator' | 'customer', id: string): Promise<string | undefined> {
  const table = type === 'developer' ? 'developers' : type === 'operator' ? 'operators' : 'users';
  const row = await db.selectFrom(table).select('email').where('id', '=', id).executeTakeFirst();
  return row?.email;
}

export async function findUserAccountId(db: Executor, userId: string): Promise<string | undefined> {
  return (await db.selectFrom('users').select('account_id').where('id', '=', userId).executeTakeFirst())?.account_id;
}
