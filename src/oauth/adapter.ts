// oidc-provider's storage adapter over Kysely (SQLite or PostgreSQL). Ids of bearer-like artifacts (tokens,
// codes, sessions) are the secret values themselves, so only their sha256 is stored; consume is atomic.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import { deriveSealKey, keyedHash, type Sealed, seal, unseal } from './sealing.ts';
import { createPayloadWriter, deleteExpired, findSideRow } from '../provider-storage/tokens.repository.ts';

const EMPTY_COLUMNS = { grant_id: null, user_code: null, uid: null, subject: null, client_id: null, consumed_at: null, last_used_at: null };

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

export type ClientLoader = (clientId: string) => Promise<AdapterPayload | undefined>;

export type AdapterOptions = {
  /** `Client` is served from the apps table; dynamic registration is off. */
  findClient: ClientLoader;
  /** True while a grant-wide revocation must not happen (see keepsGrant in provider.ts). */
  keepsGrant: () => boolean;
  /** Server key for the user code → device code link (see linkUserCode). */
  userCodeKey: Buffer;
};

/**
 * The verification page finds a device code by its user code, and oidc-provider then needs the device
 * code itself. The link is a `DeviceUserCode` row keyed by a keyed hash of the user code (short codes
 * are easy to brute-force from a plain hash) holding the device code sealed under a key bound to it.
 */
const USER_CODE_MODEL = 'DeviceUserCode';

/**
 * Expired codes, sessions and records are swept now and then, a day after they expire: until then an
 * expired device code still answers expired_token rather than "not found".
 */
const SWEEP_EVERY_S = 600;
const SWEEP_AFTER_S = 86_400;

export function createAdapterClass(db: Db, clock: Clock, options: AdapterOptions) {
  const { findClient, keepsGrant, userCodeKey } = options;
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const writePayload = createPayloadWriter(db);
  // User codes reach the adapter normalised by the provider (upper case, no punctuation).
  const userCodeId = (userCode: string) => keyedHash(userCodeKey, userCode);
  const userCodeSeal = (userCode: string) => deriveSealKey(userCodeKey, 'device-user-code', userCode);

  async function linkUserCode(userCode: string, deviceCode: string, expiresAt: number | null): Promise<void> {
    const payload = JSON.stringify(seal(userCodeSeal(userCode), deviceCode));
    await db
      .insertInto('oauth_payloads')
      .values({ model: USER_CODE_MODEL, id: userCodeId(userCode), payload, expires_at: expiresAt, ...EMPTY_COLUMNS })
      .onConflict((oc) => oc.columns(['model', 'id']).doNothing())
      .execute();
  }

  let nextSweep = 0;
  function sweepNowAndThen(): void {
    const t = now();
    if (t < nextSweep) return;
    nextSweep = t + SWEEP_EVERY_S;
    deleteExpired(db, t - SWEEP_AFTER_S).catch(() => {
      nextSweep = 0;
    });
  }

  async function deviceCodeFor(userCode: string): Promise<string | null> {
    const row = await findSideRow(db, USER_CODE_MODEL, userCodeId(userCode), now());
    if (!row) return null;
    try {
      return unseal(userCodeSeal(userCode), JSON.parse(row.payload) as Sealed) as string;
    } catch {
      return null;
    }
  }

  return class KyselyAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const hashed = HASHED_MODELS.has(this.model);
      // The payload repeats the id as `jti`, and a device code its user code: neither is written in clear.
      const { jti: _jti, userCode, ...rest } = payload;
      // An Interaction copies the provider's session cookie value (`session.cookie`), which the provider
      // never reads back: it is a bearer secret for the session, so it is not stored at all.
      if (rest.session && typeof rest.session === 'object' && 'cookie' in rest.session) {
        const { cookie: _cookie, ...session } = rest.session as Record<string, unknown>;
        rest.session = session as AdapterPayload['session'];
      }
      const row = {
        payload: JSON.stringify(hashed ? rest : { ...rest, jti: payload.jti }),
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        subject: payload.accountId ?? null,
        client_id: payload.clientId ?? null,
        expires_at: expiresIn ? now() + expiresIn : null,
      };
      await writePayload({ model: this.model, id: storedId(this.model, id), ...row });
      if (this.model === 'DeviceCode' && typeof userCode === 'string') await linkUserCode(userCode, id, row.expires_at);
      sweepNowAndThen();
    }

    private async findWhere(column: 'id' | 'uid', value: string, id?: string): Promise<AdapterPayload | undefined> {
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

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const deviceCode = await deviceCodeFor(userCode);
      const payload = deviceCode ? await this.find(deviceCode) : undefined;
      return payload && { ...payload, userCode };
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
      if (keepsGrant()) return;
      await db.deleteFrom('oauth_payloads').where('grant_id', '=', grantId).execute();
    }
  };
}
