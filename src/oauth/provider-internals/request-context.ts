// Provider behaviour read, not changed: which endpoint the current request is on, from a place that has no
// request in hand (the storage adapter's revokeByGrantId). Relies on: `Provider.ctx`, oidc-provider's
// AsyncLocalStorage view of the current Koa context, and `ctx.oidc.route` / `ctx.oidc.entities`
// (see provider-internals.canary.test.ts).
import Provider from 'oidc-provider';

/** True while the revocation endpoint is revoking an access token (rather than a refresh token or grant). */
export function isRevokingAnAccessToken(): boolean {
  const ctx = Provider.ctx;
  return ctx?.oidc?.route === 'revocation' && ctx.oidc.entities.AccessToken !== undefined;
}
