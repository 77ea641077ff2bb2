// The API's bearer check (RFC 6750): token → request.auth (account, client, scopes), the API key rule,
// and the scope check. Validated tokens are cached per node for a few seconds: revocation is refused
// on every node within that bound, without any cross-node messaging.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import { decodeTokenPayload } from '../provider-storage/payload-codec.ts';
import { findBearerToken, touchToken } from '../provider-storage/tokens.repository.ts';
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import type { AuthContext } from './auth-context.ts';
import type { ApiScope } from './scopes.ts';
import { createTtlCache } from '../shared/ttl-cache.ts';

const REALM = 'listgate';
const TOUCH_INTERVAL_S = 60;

export type TokenInfo = AuthContext & {
  /** epoch seconds */
  expiresAt: number;
  grantId: string | null;
  model: string;
  hashedId: string;
  /** The customer user's email, or the owning account's contact email for client-credentials tokens. */
  userName: string;
  /** The app's own rate limits, when it has any (cached with the token). */
  limits: { perSecond?: number; perDay?: number };
  /** Why an operator suspended the token's app; such a token is refused with this reason. */
  suspendedReason: string | null;
};

/** What the bearer check needs of apps and accounts (the composition root passes the services in). */
type AppLookup = {
  getApp(clientId: string): Promise<{
    status: string;
    kind: string;
    owner_account_id: string | null;
    rate_per_second: number | null;
    rate_per_day: number | null;
    suspended_at: string | null;
    suspended_reason: string | null;
  } | undefined | null>;
};
type AccountLookup = {
  getUser(userId: string): Promise<{ id: string; account_id: string; email: string } | undefined | null>;
  getSummary(accountId: string): Promise<{ contact_email: string }>;
};

function challenge(error?: string, description?: string, scope?: string): string {
  const parts = [`realm="${REALM}"`];
  if (error) parts.push(`error="${error}"`);
  // RFC 6750 §3: error_description is quoted-string-safe ASCII, no `"` or `\`
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, "")}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

function unauthorized(message: string, error?: string): AppError {
  return new AppError('UNAUTHORIZED', message, { headers: { 'WWW-Authenticate': challenge(error, error ? message : undefined) } });
}

export type BearerAuth = ReturnType<typeof createBearerAuth>;

export function createBearerAuth(deps: {
  db: Db;
  clock: Clock;
  apps: AppLookup;
  accounts: AccountLookup;
  resource: string;
  requireApiKey: boolean;
  cacheSeconds: number;
  rateLimiter?: RateLimiter;
}) {
  const { db, clock, apps, accounts, resource, requireApiKey } = deps;
  const nowMs = () => clock.now().getTime();
  const cache = createTtlCache<TokenInfo | null>(deps.cacheSeconds * 1000, nowMs);
  const touched = new Map<string, number>();

  async function load(hashedId: string): Promise<TokenInfo | null> {
    const row = await findBearerToken(db, hashedId);
    if (!row) return null;
    const payload = decodeTokenPayload(row.payload);
    if (!payload) return null;
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    // RFC 9700 §2.3: refuse tokens that were not issued for this API
    if (!audiences.includes(resource)) return null;
    const app = await apps.getApp(payload.clientId);
    if (app?.status !== 'active') return null;
    let accountId: string | null = null;
    let userName = '';
    let userId: string | null = null;
    if (row.model === 'ClientCredentials') {
      // A private integration acts on the account that owns it, and only there (RFC 9700 §4.15).
      if (app.kind !== 'private' || !app.owner_account_id) return null;
      accountId = app.owner_account_id;
      userName = (await accounts.getSummary(accountId)).contact_email;
    } else {
      const user = payload.accountId ? await accounts.getUser(payload.accountId) : undefined;
      if (!user) return null;
      accountId = user.account_id;
      userId = user.id;
      userName = user.email;
    }
    return {
      accountId,
      userId,
      clientId: payload.clientId,
      scopes: new Set((payload.scope ?? '').split(' ').filter(Boolean)),
      tokenKind: row.model === 'ClientCredentials' ? 'client' : 'user',
      // the row's expiry is set on the server clock (the adapter's), as every check here uses
      expiresAt: row.expires_at ?? payload.exp ?? 0,
      grantId: payload.grantId ?? null,
      model: row.model,
      hashedId,
      userName,
      limits: { perSecond: app.rate_per_second ?? undefined, perDay: app.rate_per_day ?? undefined },
      suspendedReason: app.suspended_at ? (app.suspended_reason ?? 'no reason given') : null,
    };
  }

  /** The token's meaning (suspended apps included), or null when unknown, revoked, expired or for another audience. */
  async function find(token: string): Promise<TokenInfo | null> {
    if (typeof token !== 'string' || token.length < 16 || token.length > 512) return null;
    const hashedId = sha256(token);
    const info = await cache.getOrLoad(hashedId, () => load(hashedId));
    if (!info || info.expiresAt * 1000 <= nowMs()) return null;
    return info;
  }

  /** The token's meaning, or null when it is unknown, revoked, expired, for another audience or its app suspended. */
  async function lookup(token: string): Promise<TokenInfo | null> {
    const info = await find(token);
    return info?.suspendedReason ? null : info;
  }

  /** Records the last use, at most once a minute per token, off the request's critical path. */
  function touch(request: FastifyRequest, info: TokenInfo): void {
    const at = Math.floor(nowMs() / 1000);
    if ((touched.get(info.hashedId) ?? 0) + TOUCH_INTERVAL_S > at) return;
    touched.set(info.hashedId, at);
    if (touched.size > 50_000) touched.clear();
    touchToken(db, info.model, info.hashedId, info.grantId, at).catch((err: unknown) =>
      request.log.warn({ err }, 'could not record token use'),
    );
  }

  async function authenticate(request: FastifyRequest): Promise<TokenInfo> {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && 'access_token' in query) {
      // RFC 9700 §2.4 / RFC 6750 §2.3: tokens in URLs leak into logs and histories
      throw new AppError('VALIDATION', 'Send the access token in the Authorization header, not in the URL', {
        headers: { 'WWW-Authenticate': challenge('invalid_request', 'access tokens in the query string are refused') },
      });
    }
    const header = request.headers.authorization ?? '';
    // RFC 6750 §3.1: no bearer credentials at all (none, or another scheme) → a challenge without `error`
    if (!/^bearer(\s|$)/i.test(header)) throw unauthorized('An access token is required (Authorization: Bearer <token>)');
    const match = /^bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"', 'invalid_token');
    const info = await find(match[1]!);
    if (!info) throw unauthorized('The access token is invalid, expired or revoked', 'invalid_token');
    if (info.suspendedReason) throw unauthorized(`The app of this access token is suspended: ${info.suspendedReason}`, 'invalid_token');
    const apiKey = request.headers['x-api-key'] ?? query?.api_key;
    if (apiKey === undefined ? requireApiKey : apiKey !== info.clientId) {
      throw new AppError('INVALID_API_KEY', apiKey === undefined ? 'An API key is required (x-api-key header or api_key parameter)' : undefined, {
        headers: { 'WWW-Authenticate': challenge('invalid_token', 'the API key does not belong to this token') },
      });
    }
    touch(request, info);
    return info;
  }

  /** Counts the call against the API key's limits (the app's own, or the operator's defaults) and its account's budget. */
  async function limit(info: TokenInfo, reply: FastifyReply): Promise<void> {
    if (!deps.rateLimiter) return;
    await deps.rateLimiter.consume(info.clientId, reply, info.limits, info.accountId);
  }

  /**
   * onRequest hook of the /v3 scope: authenticates and counts the call before the body is even read, so a
   * request without a valid token gets its 401 (and a throttled one its 429) whatever its body holds.
   */
  async function authenticateAndLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const info = await authenticate(request);
    // Set before the limit: a refused call (429) is still the app's, for its usage figures.
    request.auth = info;
    await limit(info, reply);
  }
  const authenticateRequest: onRequestAsyncHookHandler = authenticateAndLimit;

  /** 403 unless the authenticated request's token holds `scope` (RFC 6750 §3.1 insufficient_scope). */
  function checkScope(auth: AuthContext, scope: ApiScope): void {
    if (auth.scopes.has(scope)) return;
    throw new AppError('FORBIDDEN', `The access token lacks the ${scope} scope`, {
      headers: { 'WWW-Authenticate': challenge('insufficient_scope', undefined, scope) },
    });
  }

  /** Seconds the token has left, on the server's clock (token info's expires_in). */
  const secondsLeft = (info: TokenInfo) => Math.max(0, info.expiresAt - Math.floor(nowMs() / 1000));

  return { lookup, authenticate, authenticateRequest, checkScope, secondsLeft, forget: () => cache.clear() };
}
