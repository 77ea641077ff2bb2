// All of the authorization server's policy in one place: oidc-provider configured for opaque, hashed,
// per-app tokens (PKCE unless an app turns on legacy token requests, code flow only, device flow, client
// credentials, introspection, revocation).
import { createPrivateKey } from 'node:crypto';
import type { ClientMetadata, Configuration, ResponseType } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { deriveKey } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { AccountsService } from '../modules/accounts/accounts.service.ts';
import type { AppView, AppsService } from '../modules/apps/apps.service.ts';
import { API_SCOPES, PROVIDER_SCOPES } from '../api-auth/scopes.ts';
import type { Clock } from '../shared/clock.ts';
import type { CounterStore } from '../shared/counter-store.ts';
import type { AdapterOptions } from './adapter.ts';
import { createTtlCache } from '../shared/ttl-cache.ts';
import { installDeviceFlowSteps, recordWrongCode } from './provider-internals/device-flow.ts';
import { deviceFlowPages } from './device-pages.ts';
import { DEVICE_CODE_GRANT } from './device-polling.ts';
import { answerDatabaseFaults } from './database-unavailable.ts';
import { renderOauthError } from './error-page.ts';
import { installClientSecretCheck } from './provider-internals/client-secret.ts';
import { installConnectionInfo } from './provider-internals/connection.ts';
import { refusePreflights } from './provider-internals/preflight-cors.ts';
import { createRefreshGrace, providerWithRefreshGrace, type RefreshTokenReuse } from './provider-internals/refresh-grace.ts';
import { isRevokingAnAccessToken } from './provider-internals/request-context.ts';

export { DEVICE_CODE_GRANT };
/** The longest lifetime anything of a grant may have: the legacy 10-year token. */
export const MAX_LIFETIME = 315359999;

/** What any storage of the provider must consult: clients come from the apps table; grant revocation policy. */
export type StorageHooks = Pick<AdapterOptions, 'findClient' | 'keepsGrant'>;

export type ProviderDeps = {
  db: Db;
  clock: Clock;
  apps: AppsService;
  accounts: AccountsService;
  publicUrl: string;
  secretKeys: readonly string[];
  /** Wrong user codes on the device verification page are counted here (per session, per IP, overall). */
  counters: CounterStore;
  /** How long a just-rotated refresh token still returns the same new pair (0 turns the window off). */
  refreshGraceSeconds: number;
  /** Told of every reuse of a rotated refresh token after the grace window, before the refusal is sent. */
  onRefreshTokenReuse?: (reuse: RefreshTokenReuse) => Promise<void>;
  /** Behind a trusted reverse proxy: client IPs (for the user-code limit) come from X-Forwarded-For. */
  trustProxy?: boolean;
  /**
   * The provider's storage, built by the composition root from the hooks the provider needs (services.ts
   * passes createAdapterClass over the database).
   */
  storage: (hooks: StorageHooks) => Configuration['adapter'];
  /**
   * Single-use credentials of the API Tester's in-process code exchange (src/modules/explorer/
   * exchange-credentials.ts): app secrets are hashes, so the server cannot present the real one.
   */
  explorerCredentials?: { consume(clientId: string, presented: string): boolean };
};

/** The resource indicator (RFC 8707) of the contacts API: every access token is audience-restricted to it. */
export function apiResource(publicUrl: string): string {
  return `${publicUrl}/v3`;
}

/** An Ed25519 signing key (for ID tokens) derived from a configured secret, so every node has the same. */
function signingKey(secret: string) {
  const seed = deriveKey(secret, 'id-token-signing');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  return { ...jwk, kid: deriveKey(secret, 'kid').toString('base64url').slice(0, 16), alg: 'EdDSA', use: 'sig' };
}

/** CORS on the token, introspection and revocation endpoints: only from the origin of one of the app's own
 * redirect URIs, and only for apps that have them (web and native); none for device or private apps. */
export function allowsCorsFrom(client: { responseTypes?: readonly string[]; redirectUris?: readonly string[] }, origin: string): boolean {
  if (!client.responseTypes?.includes('code')) return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}

/** Maps an app to the client metadata oidc-provider validates and enforces. */
export function toClientMetadata(app: AppView, explorerRedirectUri: string): ClientMetadata {
  const common = {
    client_id: app.client_id,
    client_name: app.name,
    ...(app.logo_uri ? { logo_uri: app.logo_uri } : {}),
    id_token_signed_response_alg: 'EdDSA' as const,
    response_types: [] as ResponseType[],
    redirect_uris: [] as string[],
  };
  const redirects = [...app.redirect_uris, explorerRedirectUri];
  switch (app.kind) {
    case 'web':
      return {
        ...common,
        // the real secret is only stored hashed; acceptsClientSecret checks it (provider-internals/client-secret.ts)
        client_secret: 'stored-as-a-hash',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
        response_types: ['code'],
        redirect_uris: redirects,
      };
    case 'native':
      return {
        ...common,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
        response_types: ['code'],
        redirect_uris: redirects,
      };
    case 'device':
      return { ...common, token_endpoint_auth_method: 'none', grant_types: [DEVICE_CODE_GRANT, 'refresh_token'] };
    case 'private':
      return {
        ...common,
        client_secret: 'stored-as-a-hash',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
      };
  }
}

// Per-app policy travels in the client metadata, so the synchronous ttl functions can read it.
export const TOKEN_TTL = 'listgate_access_token_ttl';
export const REFRESH_POLICY = 'listgate_refresh_policy';
export const REFRESH_TTL = 'listgate_refresh_ttl';
export const LEGACY_TOKEN_REQUESTS = 'listgate_legacy_token_requests';
/**
 * An authorization parameter only our pre-step sets (oauth.plugin.ts): the request asked for offline_access
 * without `prompt`, and `prompt=consent` was added so that the provider keeps offline_access.
 */
export const OFFLINE_CONSENT_IMPLIED = 'listgate_offline_consent';

type PolicyClient = { [TOKEN_TTL]?: number; [REFRESH_POLICY]?: string; [REFRESH_TTL]?: number; [LEGACY_TOKEN_REQUESTS]?: boolean };

/**
 * The app setting "Legacy token requests" (docs/oauth.md), for an app moved from the hosted platform: the
 * authorization code flow without PKCE, and token-endpoint parameters in the query string (oauth.plugin.ts).
 * Only an active confidential web app can have it.
 */
export function allowsLegacyTokenRequests(app: Pick<AppView, 'kind' | 'status' | 'legacy_token_requests'> | null): boolean {
  return app?.kind === 'web' && app.status === 'active' && app.legacy_token_requests === 1;
}
const policyOf = (client: unknown) => (client ?? {}) as PolicyClient;

/**
 * Our revocation policy: revoking an access token ends that token alone, while oidc-provider would also
 * end every other token of its grant. Revoking a refresh token (or the grant itself) still ends them all.
 */
function keepsGrant(): boolean {
  return isRevokingAnAccessToken();
}

export function createProvider(deps: ProviderDeps): Provider {
  const { db, clock, apps, accounts, publicUrl, secretKeys } = deps;
  const resource = apiResource(publicUrl);
  const explorerRedirectUri = `${publicUrl}/explorer/callback`;
  const secure = publicUrl.startsWith('https://');
  const sessionCookie = secure ? '__Secure-lg_session' : '_session';
  // Client lookups happen several times per token request; a short cache keeps them off the database.
  const appCache = createTtlCache<AppView | null>(2_000, () => clock.now().getTime());
  const loadApp = (clientId: string) => appCache.getOrLoad(clientId, () => apps.getApp(clientId));

  async function findClient(clientId: string) {
    const app = await loadApp(clientId);
    // a disabled app (by its developer) or a suspended one (by an operator) gets no token
    if (app?.status !== 'active' || app.suspended_at) return undefined;
    return {
      ...toClientMetadata(app, explorerRedirectUri),
      [TOKEN_TTL]: app.access_token_ttl,
      [REFRESH_POLICY]: app.refresh_policy,
      [REFRESH_TTL]: app.refresh_policy === 'long-lived' ? MAX_LIFETIME : app.refresh_idle_ttl,
      [LEGACY_TOKEN_REQUESTS]: allowsLegacyTokenRequests(app),
    };
  }

  /**
   * Client authentication policy at the token, introspection and revocation endpoints. A presented client
   * secret is accepted when it is one of the app's active secrets (stored as sha256 hashes, compared in
   * constant time), or the single-use credential that the API Tester's in-process code exchange minted for
   * that app a moment before (src/modules/explorer/exchange-credentials.ts: 256 random bits, 60 s, one use,
   * never sent to a browser). No other way in.
   */
  const acceptsClientSecret = async (clientId: string, presented: string): Promise<boolean> =>
    deps.explorerCredentials?.consume(clientId, presented) === true || apps.verifySecret(clientId, presented);

  const configuration: Configuration = {
    adapter: deps.storage({ findClient, keepsGrant }),
    async findAccount(_ctx, sub) {
      const user = await accounts.getUser(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: user.email,
          email_verified: Boolean(user.verified_at),
          given_name: user.first_name ?? undefined,
          family_name: user.last_name ?? undefined,
        }),
      };
    },
    extraClientMetadata: { properties: [TOKEN_TTL, REFRESH_POLICY, REFRESH_TTL, LEGACY_TOKEN_REQUESTS] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
    scopes: [...PROVIDER_SCOPES],
    extraParams: [OFFLINE_CONSENT_IMPLIED],
    responseTypes: ['code'],
    // PKCE always, except for a web app whose developer turned on legacy token requests
    pkce: { required: (_ctx, client) => policyOf(client)[LEGACY_TOKEN_REQUESTS] !== true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    allowOmittingSingleRegisteredRedirectUri: false,
    clientBasedCORS: (_ctx, origin, client) => allowsCorsFrom(client, origin),
    conformIdTokenClaims: true,
    enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
    jwks: { keys: secretKeys.map(signingKey) },
    cookies: {
      keys: secretKeys.map((s) => deriveKey(s, 'oidc-cookies').toString('base64url')),
      long: { httpOnly: true, sameSite: 'lax', secure, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure, signed: true },
      // path-scoped cookies cannot be __Host-; __Secure- still pins them to https
      ...(secure ? { names: { session: '__Secure-lg_session', interaction: '__Secure-lg_interaction', resume: '__Secure-lg_resume' } } : {}),
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // 10-year tokens must outlive the browser session that granted them.
    expiresWithSession: async () => false,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: (ctx) => policyOf(ctx.oidc.client)[REFRESH_POLICY] !== 'long-lived',
    ttl: {
      AccessToken: (_ctx, _token, client) => policyOf(client)[TOKEN_TTL] ?? MAX_LIFETIME,
      ClientCredentials: (_ctx, _token, client) => policyOf(client)[TOKEN_TTL] ?? MAX_LIFETIME,
      RefreshToken: (_ctx, _token, client) => policyOf(client)[REFRESH_TTL] ?? 180 * 86_400,
      AuthorizationCode: 60,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 86_400,
      // The grant must outlive every token of it, or introspection reports them inactive.
      Grant: MAX_LIFETIME,
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §4: only the client a token was issued to learns anything about it
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a client may revoke only its own tokens
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: async (_ctx, indicator, client) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES.join(' '),
            audience: resource,
            accessTokenTTL: policyOf(client)[TOKEN_TTL] ?? MAX_LIFETIME,
            accessTokenFormat: 'opaque',
          };
        },
      },
      deviceFlow: {
        enabled: true,
        charset: 'base-20',
        mask: '****-****',
        ...deviceFlowPages({ onWrongCode: (ctx) => recordWrongCode(deps.counters, ctx, sessionCookie) }),
      },
    },
    renderError: async (ctx, out) => renderOauthError(ctx, out),
  };

  // The refresh grant runs inside the grace window (provider-internals/refresh-grace.ts).
  const ListgateProvider = providerWithRefreshGrace(createRefreshGrace({ db, clock, graceSeconds: deps.refreshGraceSeconds, ...(deps.onRefreshTokenReuse ? { onReuse: deps.onRefreshTokenReuse } : {}) }));
  const provider = new ListgateProvider(`${publicUrl}/oauth2`, configuration);
  installConnectionInfo(provider, { trustProxy: deps.trustProxy ?? false, secure });
  refusePreflights(provider);
  answerDatabaseFaults(provider);
  installDeviceFlowSteps(provider, { counters: deps.counters, clock, publicUrl, sessionCookie });

  installClientSecretCheck(provider, acceptsClientSecret);
  return provider;
}
