// Queries on webhook subscriptions, their queued resends and delivery attempts. The reads of the contacts
// domain a subscription needs are in webhook-log.repository.ts.
import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { Db, Dialect } from '../../db/database.ts';
import type { Database, WebhookAttemptsTable, WebhookSubscriptionsTable } from '../../db/schema.ts';

export type SubscriptionRow = WebhookSubscriptionsTable;
export type AttemptRow = WebhookAttemptsTable;
type Scope = { accountId: string; clientId: string };
/** The database or a transaction: the caller picks the transaction boundary. */
export type Executor = Db | Transaction<Database>;

const numeric = (row: SubscriptionRow): SubscriptionRow => ({
  ...row,
  cursor_seq: Number(row.cursor_seq),
  delivered_count: Number(row.delivered_count),
});

export async function insertSubscription(db: Db, row: SubscriptionRow): Promise<void> {
  await db.insertInto('webhook_subscriptions').values(row).execute();
}

export async function findSubscription(db: Db, scope: Scope, id: string): Promise<SubscriptionRow | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('subscription_id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('client_id', '=', scope.clientId)
    .executeTakeFirst();
  return row && numeric(row);
}

export async function listSubscriptions(db: Db, scope: Scope): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('client_id', '=', scope.clientId)
    .orderBy('created_at')
    .orderBy('subscription_id')
    .execute();
  return rows.map(numeric);
}

/** Every subscription of one app, on every account that granted it (the developer portal's view). */
export async function listSubscriptionsOfClient(db: Db, clientId: string): Promise<SubscriptionRow[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('account_id')
    .orderBy('created_at')
    .orderBy('subscription_id')
    .execute();
  return rows.map(numeric);
}

export async function findSubscriptionOfClient(db: Db, clientId: string, id: string): Promise<SubscriptionRow | undefined> {
  const row = await db.selectFrom('webhook_subscriptions').selectAll().where('subscription_id', '=', id).where('client_id', '=', clientId).executeTakeFirst();
  return row && numeric(row);
}

export async function updateSubscription(db: Executor, id: string, fields: Partial<SubscriptionRow>, leaseOwner?: string): Promise<boolean> {
  let query = db.updateTable('webhook_subscriptions').set(fields).where('subscription_id', '=', id);
  if (leaseOwner) query = query.where('lease_owner', '=', leaseOwner);
  return Number((await query.executeTakeFirst()).numUpdatedRows) === 1;
}

export async function deleteSubscription(db: Db, scope: Scope, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_subscriptions')
    .where('subscription_id', '=', id)
    .where('account_id', '=', scope.accountId)
    .where('client_id', '=', scope.clientId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Claims active subscriptions that are due and have something to send (the account's log moved past the
 * cursor, or a resend is queued) and whose lease is free or expired. On PostgreSQL the candidates are
 * locked with FOR UPDATE SKIP LOCKED, so nodes claiming at once take different rows; the conditional
 * update makes the claim safe on SQLite too.
 */
export async function claimDue(
  db: Db,
  dialect: Dialect,
  claim: { owner: string; now: string; leaseUntil: string; limit: number },
): Promise<SubscriptionRow[]> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('webhook_subscriptions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .select('s.subscription_id')
      .where('s.status', '=', 'active')
      .where((eb) => eb.or([eb('s.next_attempt_at', 'is', null), eb('s.next_attempt_at', '<=', claim.now)]))
      .where((eb) => eb.or([eb('s.lease_until', 'is', null), eb('s.lease_until', '<', claim.now)]))
      .where((eb) =>
        eb.or([
          eb('a.change_seq', '>', eb.ref('s.cursor_seq')),
          eb.exists(eb.selectFrom('webhook_resends as r').select('r.seq').whereRef('r.subscription_id', '=', 's.subscription_id')),
        ]),
      )
      .orderBy('s.next_attempt_at')
      .limit(claim.limit);
    if (dialect === 'postgres') query = query.modifyEnd(sql`for update of s skip locked`);
    const ids = (await query.execute()).map((r) => r.subscription_id);
    if (!ids.length) return [];
    await trx
      .updateTable('webhook_subscriptions')
      .set({ lease_owner: claim.owner, lease_until: claim.leaseUntil })
      .where('subscription_id', 'in', ids)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', claim.now)]))
      .execute();
    const rows = await trx
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('subscription_id', 'in', ids)
      .where('lease_owner', '=', claim.owner)
      .where('lease_until', '=', claim.leaseUntil)
      .execute();
    return rows.map(numeric);
  });
}

export async function findResendSeqs(db: Db, id: string, limit: number): Promise<number[]> {
  const rows = await db.selectFrom('webhook_resends').select('seq').where('subscription_id', '=', id).orderBy('seq').limit(limit).execute();
  return rows.map((r) => Number(r.seq));
}

export async function insertResend(db: Db, id: string, seq: number, now: string): Promise<void> {
  await db
    .insertInto('webhook_resends')
    .values({ subscription_id: id, seq, created_at: now })
    .onConflict((oc) => oc.columns(['subscription_id', 'seq']).doNothing())
    .execute();
}

export async function deleteResends(db: Executor, id: string, seqs: readonly number[]): Promise<void> {
  if (seqs.length) await db.deleteFrom('webhook_resends').where('subscription_id', '=', id).where('seq', 'in', seqs).execute();
}

const KEEP_ATTEMPTS = 100;

export async function insertAttempt(db: Executor, row: AttemptRow): Promise<void> {
  await db.insertInto('webhook_attempts').values(row).execute();
}

/** Keeps only the subscription's most recent KEEP_ATTEMPTS attempts (once per claim, not per request). */
export async function pruneAttempts(db: Executor, id: string): Promise<void> {
  const cutoff = await db
    .selectFrom('webhook_attempts')
    .select('attempted_at')
    .where('subscription_id', '=', id)
    .orderBy('attempted_at', 'desc')
    .offset(KEEP_ATTEMPTS)
    .limit(1)
    .executeTakeFirst();
  if (cutoff) await db.deleteFrom('webhook_attempts').where('subscription_id', '=', id).where('attempted_at', '<=', cutoff.attempted_at).execute();
}

export async function listAttempts(db: Db, id: string, limit: number): Promise<AttemptRow[]> {
  const rows = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('subscription_id', '=', id)
    .orderBy('attempted_at', 'desc')
    .orderBy('attempt_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, first_seq: Number(r.first_seq), last_seq: Number(r.last_seq) }));
}

/** The developer who owns an app, for the disabled-subscription email. */
export async function findAppDeveloperEmail(db: Db, clientId: string): Promise<{ email: string; app: string } | undefined> {
  return db
    .selectFrom('apps')
    .innerJoin('developers', 'developers.id', 'apps.owner_developer_id')
    .select(['developers.email as email', 'apps.name as app'])
    .where('apps.client_id', '=', clientId)
    .executeTakeFirst();
}

/** Per subscription, for /metrics: its status, delivered count, failing streak and backlog. */
export async function subscriptionGauges(db: Db) {
  const rows = await db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .select(['s.subscription_id', 's.status', 's.delivered_count', 's.failed_attempts', 's.cursor_seq', 'a.change_seq'])
    .execute();
  return rows.map((r) => ({
    id: r.subscription_id,
    active: r.status === 'active',
    delivered: Number(r.delivered_count),
    failing: r.failed_attempts,
    backlog: Math.max(0, Number(r.change_seq) - Number(r.cursor_seq)),
  }));
}

/**
 * Moves the cursor forward from `from` and renews the lease, only while this node holds the lease and
 * nobody moved the cursor meanwhile (a replay): false means stop and let the next claim start over.
 */
export async function advanceCursor(
  db: Executor,
  id: string,
  move: { owner: string; from: number; to: number; delivered: number; leaseUntil: string; now: string },
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set((eb) => ({
      cursor_seq: move.to,
      delivered_count: eb('delivered_count', '+', move.delivered),
      failed_attempts: 0,
      failing_since: null,
      next_attempt_at: null,
      lease_until: move.leaseUntil,
    }))
    .where('subscription_id', '=', id)
    .where('lease_owner', '=', move.owner)
    .where('cursor_seq', '=', move.from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(db: Executor, id: string, owner: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ lease_owner: null, lease_until: null })
    .where('subscription_id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/**
 * Whether the app may still receive the account's data: the app is active and is either the account's own
 * private integration or holds an unexpired grant from one of the account's users (the customer has not
 * removed it under Connected apps).
 */
export async function appStillConnected(db: Db, clientId: string, accountId: string, nowSeconds: number): Promise<boolean> {
  const row = await db
    .selectFrom('apps as a')
    .select('a.client_id')
    .where('a.client_id', '=', clientId)
    .where('a.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('a.owner_account_id', '=', accountId),
        eb.exists(
          eb
            .selectFrom('oauth_payloads as p')
            .innerJoin('users as u', 'u.id', 'p.subject')
            .select('p.id')
            .where('p.model', '=', 'Grant')
            .whereRef('p.client_id', '=', 'a.client_id')
            .where('u.account_id', '=', accountId)
            .where((e) => e.or([e('p.expires_at', 'is', null), e('p.expires_at', '>', nowSeconds)])),
        ),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}
