// Provider behaviour changed: the refresh_token grant. For a short time after a rotating refresh token is
// redeemed, presenting it again returns the very same new pair (oidc-provider would revoke the grant), so a
// cron job that lost the response can recover without a reset. Relies on: oidc-provider registering its
// grant handlers through `registerGrantType` while it is constructed, so a subclass can wrap the
// refresh_token handler after client authentication; `ctx.oidc.params.refresh_token`, `ctx.oidc.client`
// and `ctx.oidc.entities.RotatedRefreshToken` (see provider-internals.canary.test.ts).
// Also reported, not changed: a reuse of a rotated refresh token after the window (the provider revokes the
// grant) goes to `onReuse` before the error leaves, read from `ctx.oidc.entities.RefreshToken.consumed`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CanBePromise, TokenEndpointGrantContext } from 'oidc-provider';
import Provider, { errors } from 'oidc-provider';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { sha256 } from '../../shared/crypto.ts';
import { deriveSealKey, type Sealed, seal, unseal } from '../sealing.ts';
import { findArtifactState, findSideRow, insertSideRow } from '../../provider-storage/tokens.repository.ts';

const MODEL = 'RotationGrace';
/** How long a retry waits for a redemption of the same token still running on another node. */
const CROSS_NODE_WAIT_MS = 2_000;

type TokenResponse = Record<string, unknown> & { expires_in?: number };
type GraceRecord = Sealed & { clientId: string; issuedAt: number };

/**
 * The key that seals a stored response is derived from the old refresh token itself (HKDF), which is
 * stored nowhere: a database dump holds only ciphertext that nobody without that token can open.
 */
const keyFor = (oldToken: string, clientId: string) => deriveSealKey(oldToken, 'refresh-grace', clientId);


type RefreshGrace = ReturnType<typeof createRefreshGrace>;

/** A rotated refresh token presented again after the grace window: the provider has revoked its grant. */
export type RefreshTokenReuse = { clientId: string; grantId: string | null; subject: string | null; ip: string | null; userAgent: string | null };

export function createRefreshGrace(deps: { db: Db; clock: Clock; graceSeconds: number; onReuse?: (reuse: RefreshTokenReuse) => Promise<void> }) {
  const { db, clock, graceSeconds } = deps;
  const nowMs = () => clock.now().getTime();
  const now = () => Math.floor(nowMs() / 1000);
  const queues = new Map<string, Promise<void>>();

  /** Runs redemptions of one token one after the other on this node, so that followers find the record. */
  async function serialize(key: string, task: () => Promise<void>): Promise<void> {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.catch(() => undefined);
    queues.set(key, tail);
    try {
      await run;
    } finally {
      if (queues.get(key) === tail) queues.delete(key);
    }
  }

  async function save(key: string, oldToken: string, clientId: string, grantId: string | null, body: TokenResponse) {
    const record: GraceRecord = { clientId, issuedAt: nowMs(), ...seal(keyFor(oldToken, clientId), body) };
    const payload = JSON.stringify(record);
    await insertSideRow(db, { model: MODEL, id: key, payload, grant_id: grantId, client_id: clientId, expires_at: now() + graceSeconds, last_used_at: null });
  }

  async function stored(key: string, oldToken: string, clientId: string): Promise<TokenResponse | null> {
    const row = await findSideRow(db, MODEL, key, now());
    if (!row) return null;
    const record = JSON.parse(row.payload) as GraceRecord;
    // RFC 9700 §4.14.2: a refresh token is bound to its client; another client learns nothing
    if (record.clientId !== clientId) throw new errors.InvalidGrant('client mismatch');
    const body = unseal(keyFor(oldToken, clientId), record) as TokenResponse;
    if (typeof body.expires_in === 'number') {
      body.expires_in = Math.max(0, body.expires_in - Math.floor((nowMs() - record.issuedAt) / 1000));
    }
    return body;
  }

  /**
   * The stored response for a retry inside the window. A token consumed moments ago without a record is
   * being redeemed on another node: wait briefly for its record, and refuse without revoking if none comes.
   */
  async function findReplay(key: string, oldToken: string, clientId: string): Promise<TokenResponse | null> {
    const found = await stored(key, oldToken, clientId);
    if (found) return found;
    const state = await findArtifactState(db, 'RefreshToken', key);
    if (state?.consumed_at == null || now() - state.consumed_at >= graceSeconds) return null;
    for (let waited = 0; waited < CROSS_NODE_WAIT_MS; waited += 100) {
      await sleep(100);
      const late = await stored(key, oldToken, clientId);
      if (late) return late;
    }
    throw new errors.InvalidGrant('refresh token already used');
  }

  /** Runs the provider's handler; a refusal because the token was already consumed is reported as a reuse. */
  async function redeem<C extends TokenEndpointGrantContext<object>>(handler: (ctx: C) => unknown, ctx: C): Promise<void> {
    try {
      await handler(ctx);
    } catch (error) {
      const used = ctx.oidc.entities.RefreshToken;
      if (deps.onReuse && error instanceof errors.InvalidGrant && used?.consumed) {
        await deps.onReuse({ clientId: ctx.oidc.client.clientId, grantId: used.grantId ?? null, subject: used.accountId ?? null, ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null });
      }
      throw error;
    }
  }

  /** Wraps oidc-provider's refresh_token grant handler (client authentication has already happened). */
  function wrap<C extends TokenEndpointGrantContext<object>>(handler: (ctx: C) => unknown): (ctx: C) => Promise<void> {
    return async (ctx) => {
      const oldToken = ctx.oidc.params.refresh_token;
      const clientId = ctx.oidc.client.clientId;
      if (graceSeconds <= 0 || typeof oldToken !== 'string' || !oldToken) {
        await redeem(handler, ctx);
        return;
      }
      const key = sha256(oldToken);
      await serialize(key, async () => {
        const replay = await findReplay(key, oldToken, clientId);
        if (replay) {
          ctx.body = replay;
          return;
        }
        await redeem(handler, ctx);
        const rotated = ctx.oidc.entities.RotatedRefreshToken;
        // stored before the response leaves, so that a retry after a lost response always finds it
        if (rotated) await save(key, oldToken, clientId, rotated.grantId ?? null, ctx.body as TokenResponse);
      });
    };
  }

  return { wrap };
}

type GrantTypeOptions = Parameters<Provider['registerGrantType']> extends [unknown, unknown, ...infer R] ? R : never;

/** The provider class whose refresh_token grant runs inside the grace window of `grace`. */
export function providerWithRefreshGrace(grace: RefreshGrace): typeof Provider {
  return class ListgateProvider extends Provider {
    override registerGrantType<P extends object>(
      name: string,
      handler: (ctx: TokenEndpointGrantContext<P>) => CanBePromise<void>,
      ...rest: GrantTypeOptions
    ): void {
      super.registerGrantType(name, name === 'refresh_token' ? grace.wrap(handler) : handler, ...rest);
    }
  };
}
