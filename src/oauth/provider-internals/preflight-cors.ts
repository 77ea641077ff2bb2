// Provider behaviour changed: CORS preflights. A preflight names no client, so oidc-provider's CORS
// middleware allows every origin on it (clientBasedCORS only runs on the actual request); we answer a
// preflight with no CORS headers at all. The requests browser apps send (a public client's form POST) are
// simple and need no preflight. Relies on: provider.use middleware running around the provider's router,
// and the headers it sets on OPTIONS (see provider-internals.canary.test.ts).
import type Provider from 'oidc-provider';

export const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age'];

export function refusePreflights(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method === 'OPTIONS') for (const name of CORS_HEADERS) ctx.remove(name);
  });
}
