// Provider behaviour changed: where oidc-provider (Koa) takes the request's scheme and client address.
// Koa reads them from forwarding headers when `proxy` is on, which only a trusted proxy may set (RFC 9700
// §4.13); without one, PUBLIC_URL says whether browsers came over TLS and the socket says who. Relies on:
// `provider.proxy` and `provider.use` being Koa's, and Koa reading X-Forwarded-Proto/-For/-Host
// (see provider-internals.canary.test.ts).
import type Provider from 'oidc-provider';

export function installConnectionInfo(provider: Provider, opts: { trustProxy: boolean; secure: boolean }): void {
  provider.proxy = true;
  if (opts.trustProxy) return;
  provider.use((ctx, next) => {
    const req = ctx.req;
    req.headers['x-forwarded-proto'] = opts.secure ? 'https' : 'http';
    req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    delete req.headers['x-forwarded-host'];
    return next();
  });
}
