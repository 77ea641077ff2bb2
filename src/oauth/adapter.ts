// oidc-provider's storage adapter over Kysely (SQLite or PostgreSQL). Ids of bearer-like artifacts (tokens,
// codes, sessions) are the secret values themselves, so only their sha256 is stored; consume is atomic.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';

/** Models whose id is a bearer secret: stored as sha256(id), and the plaintext never written. */
export const HASHED_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'Session',
  'BackchannelAuthenticationRequest',
  'RegistrationAccessToken',
  'InitialAccessToken',
]);

export function storedId(model: string, id: string): string {
  return HASHED_MODELS.has(model) ? sha256(id) : id;
}

/** User codes are normalised by the provider (upper case, no punctuation) before they reach us. */
function userCodeKey(userCode: string): string {
  return sha256(`user-code:${userCode}`);
}

export type ClientLoader = (clientId: string) => Promise<AdapterPayload | undefined>;

/** `findClient` serves the `Client` model from the apps table; dynamic registration is off. */
export function createAdapterClass(db: Db, clock: Clock, findClient: ClientLoader) {
  const now = () => Math.floor(clock.now().getTime() / 1000);

  return class KyselyAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const hashed = HASHED_MODELS.has(this.model);
      // the payload repeats the id as `jti`; drop it so that no bearer value is written
      const { jti: _jti, ...rest } = payload;
      const row = {
        payload: JSON.stringify(hashed ? rest : payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ? userCodeKey(payload.userCode) : null,
        uid: payload.uid ?? null,
        subject: payload.accountId ?? null,
        client_id: payload.clientId ?? null,
        expires_at: expiresIn ? now() + expiresIn : null,
      };
      await db
        .insertInto('oauth_payloads')
        .values({ model: this.model, id: storedId(this.model, id), consumed_at: null, last_used_at: null, ...row })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
        .execute();
    }

    private async findWhere(column: 'id' | 'user_code' | 'uid', value: string, id?: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('oauth_payloads')
        .select(['payload', 'consumed_at', 'expires_at'])
        .where('model', '=', this.model)
        .where(column, '=', value)
        .executeTakeFirst();
      if (!row || (row.expires_at !== null && row.expires_at < now())) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      if (id !== undefined && HASHED_MODELS.has(this.model)) payload.jti = id;
      if (row.consumed_at !== null) payload.consumed = row.consumed_at;
      return payload;
    }

    find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return findClient(id);
      return this.findWhere('id', storedId(this.model, id), id);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('user_code', userCodeKey(userCode));
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.findWhere('uid', uid);
    }

    /**
     * Marks the artifact used. A conditional update, so that of N parallel redemptions of one code or
     * refresh token exactly one succeeds; the others get invalid_grant instead of a second token.
     */
    async consume(id: string): Promise<void> {
      const result = await db
        .updateTable('oauth_payloads')
        .set({ consumed_at: now() })
        .where('model', '=', this.model)
        .where('id', '=', storedId(this.model, id))
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw new errors.InvalidGrant('grant already used');
      }
    }

    async destroy(id: string): Promise<void> {
      await db
        .deleteFrom('oauth_payloads')
        .where('model', '=', this.model)
        .where('id', '=', storedId(this.model, id))
        .execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oauth_payloads').where('grant_id', '=', grantId).execute();
    }
  };
}
