// Queries over the authorization server's storage that the API and the pages need besides the
// provider's own adapter: token lookup by hash (the bearer hot path), grants per user and per app.
import type { Db } from '../db/database.ts';
import { precompile } from '../db/precompiled.ts';

export const BEARER_MODELS = ['AccessToken', 'ClientCredentials'] as const;

export type StoredToken = { model: string; payload: string; expires_at: number | null };

/** The hot path of every API call: one primary-key lookup (statement cached by the SQLite driver). */
export async function findBearerToken(db: Db, hashedId: string): Promise<StoredToken | undefined> {
  return db
    .selectFrom('oauth_payloads')
    .select(['model', 'payload', 'expires_at'])
    .where('model', 'in', BEARER_MODELS)
    .where('id', '=', hashedId)
    .executeTakeFirst();
}

export async function touchToken(db: Db, model: string, hashedId: string, grantId: string | null, at: number): Promise<void> {
  await db.updateTable('oauth_payloads').set({ last_used_at: at }).where('model', '=', model).where('id', '=', hashedId).execute();
  if (grantId) {
    await db.updateTable('oauth_payloads').set({ last_used_at: at }).where('model', '=', 'Grant').where('id', '=', grantId).execute();
  }
}

export type GrantRow = { id: string; client_id: string | null; payload: string; last_used_at: number | null; expires_at: number | null };

export async function findGrantsBySubject(db: Db, subject: string, now: number): Promise<GrantRow[]> {
  return db
    .selectFrom('oauth_payloads')
    .select(['id', 'client_id', 'payload', 'last_used_at', 'expires_at'])
    .where('model', '=', 'Grant')
    .where('subject', '=', subject)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id')
    .execute();
}

export async function findGrant(db: Db, grantId: string): Promise<GrantRow & { subject: string | null } | undefined> {
  return db
    .selectFrom('oauth_payloads')
    .select(['id', 'client_id', 'payload', 'last_used_at', 'expires_at', 'subject'])
    .where('model', '=', 'Grant')
    .where('id', '=', grantId)
    .executeTakeFirst();
}

/** Deletes the grant and every token and code issued under it. */
export async function deleteGrant(db: Db, grantId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('oauth_payloads').where('grant_id', '=', grantId).execute();
    await trx.deleteFrom('oauth_payloads').where('model', '=', 'Grant').where('id', '=', grantId).execute();
  });
}

export async function deleteAllForClient(db: Db, clientId: string): Promise<void> {
  await db.deleteFrom('oauth_payloads').where('client_id', '=', clientId).execute();
}

export async function tokenStatsForClient(db: Db, clientId: string, now: number): Promise<{ tokens: number; last_used_at: number | null }> {
  const row = await db
    .selectFrom('oauth_payloads')
    .select((eb) => [eb.fn.countAll<number>().as('tokens'), eb.fn.max('last_used_at').as('last_used_at')])
    .where('client_id', '=', clientId)
    .where('model', 'in', [...BEARER_MODELS, 'RefreshToken'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return { tokens: Number(row?.tokens ?? 0), last_used_at: row?.last_used_at === null || row?.last_used_at === undefined ? null : Number(row.last_used_at) };
}

/** A row the authorization server keeps beside oidc-provider's own models (grace records, device polls). */
export type SideRow = { payload: string; last_used_at: number | null; expires_at: number | null };

export async function insertSideRow(
  db: Db,
  row: { model: string; id: string; payload: string; grant_id: string | null; client_id: string | null; expires_at: number; last_used_at: number | null },
): Promise<void> {
  await db
    .insertInto('oauth_payloads')
    .values({ ...row, user_code: null, uid: null, subject: null, consumed_at: null })
    .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet({ payload: row.payload, expires_at: row.expires_at, last_used_at: row.last_used_at }))
    .execute();
}

/** Inserts a poll row unless one exists (another request got there first): true when inserted. */
export async function insertPollRow(db: Db, row: { id: string; payload: string; client_id: string | null; expires_at: number | null; last_used_at: number }): Promise<boolean> {
  const result = await db
    .insertInto('oauth_payloads')
    .values({ model: 'DevicePoll', ...row, grant_id: null, user_code: null, uid: null, subject: null, consumed_at: null })
    .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The row of `model` under `id` unless it has expired at `now` (epoch seconds). */
export async function findSideRow(db: Db, model: string, id: string, now: number): Promise<SideRow | undefined> {
  return db
    .selectFrom('oauth_payloads')
    .select(['payload', 'last_used_at', 'expires_at'])
    .where('model', '=', model)
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Compare-and-set of a poll row: succeeds only if nobody polled since `seen` was read. */
export async function updatePollRow(db: Db, id: string, seen: number | null, next: { payload: string; last_used_at: number }): Promise<boolean> {
  const result = await db
    .updateTable('oauth_payloads')
    .set(next)
    .where('model', '=', 'DevicePoll')
    .where('id', '=', id)
    .where('last_used_at', seen === null ? 'is' : '=', seen)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Consumption and expiry of a stored code or token (by its hashed id), for checks before the provider runs. */
export async function findArtifactState(
  db: Db,
  model: 'DeviceCode' | 'RefreshToken',
  hashedId: string,
): Promise<{ consumed_at: number | null; expires_at: number | null; client_id: string | null } | undefined> {
  return db
    .selectFrom('oauth_payloads')
    .select(['consumed_at', 'expires_at', 'client_id'])
    .where('model', '=', model)
    .where('id', '=', hashedId)
    .executeTakeFirst();
}

/** Deletes every stored artifact that expired before `before` (epoch seconds). */
export async function deleteExpired(db: Db, before: number): Promise<void> {
  await db.deleteFrom('oauth_payloads').where('expires_at', '<', before).execute();
}

export type PayloadRow = {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  subject: string | null;
  client_id: string | null;
  expires_at: number | null;
};

const PAYLOAD_FIELDS = ['model', 'id', 'payload', 'grant_id', 'uid', 'subject', 'client_id', 'expires_at'] as const;

/** Inserts or replaces one artifact of the provider: every issued token is written here (see precompile). */
export function createPayloadWriter(db: Db): (row: PayloadRow) => Promise<void> {
  const upsert = precompile(db, PAYLOAD_FIELDS, (row: PayloadRow) => {
    const { model: _model, id: _id, ...changes } = row;
    return db
      .insertInto('oauth_payloads')
      .values({ ...row, consumed_at: null, last_used_at: null, user_code: null })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(changes));
  });
  return async (row) => {
    await upsert(row);
  };
}
