// Mounts the authorization server under /oauth2 (oidc-provider's Koa app through middie), serves its
// metadata at the well-known root paths too, and applies our security headers and token-request steps.
import type { IncomingMessage, ServerResponse } from 'node:http';
import middie from '@fastify/middie';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type Provider from 'oidc-provider';
import { applySecurityHeaders } from '../http/security-headers.ts';
import { BodyTooLarge, normalizeTokenRequest, readFormBody, unknownScope } from './token-request.ts';

type Next = (err?: unknown) => void;

/** Paths under /oauth2 served by Fastify routes rather than the provider. */
const FASTIFY_PATHS = new Set(['/tokeninfo.htm']);
/** Back-channel endpoints whose form bodies are read (and checked) before the provider sees them. */
const TOKEN_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/device/auth']);
const DISCOVERY_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-authorization-server/oauth2',
]);

function sendOauthError(res: ServerResponse, status: number, error: string, description: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify({ error, error_description: description }));
}

async function oauthPlugin(app: FastifyInstance, opts: { provider: Provider; secure: boolean }): Promise<void> {
  const { provider, secure } = opts;
  const callback = provider.callback();
  await app.register(middie, { hook: 'onRequest' });

  app.use('/oauth2', (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: Next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (FASTIFY_PATHS.has(path)) return next();
    applySecurityHeaders(res, secure);
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (req.method === 'POST' && TOKEN_PATHS.has(path) && isForm) {
      readFormBody(req).then(
        (params) => {
          const { clientId } = normalizeTokenRequest(req, params);
          // RFC 6749 §5.2 / RFC 7662 §2.1: a request that names no client is refused before the provider runs
          if (!clientId && !params.has('client_assertion')) {
            res.setHeader('WWW-Authenticate', 'Basic realm="listgate"');
            return sendOauthError(res, 401, 'invalid_client', 'client authentication is required');
          }
          const unknown = unknownScope(params);
          if (unknown !== null) return sendOauthError(res, 400, 'invalid_scope', `unknown scope: ${unknown.slice(0, 40)}`);
          callback(req, res);
        },
        (err: unknown) =>
          err instanceof BodyTooLarge
            ? sendOauthError(res, 413, 'invalid_request', 'the request body is too large')
            : sendOauthError(res, 400, 'invalid_request', 'the request body could not be read'),
      );
      return;
    }
    callback(req, res);
  });

  // RFC 8414 §3 and OpenID Discovery at the root, answered by the provider as if asked under /oauth2.
  app.use((req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: Next) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!DISCOVERY_PATHS.has(path) || req.method !== 'GET') return next();
    req.originalUrl = '/oauth2/.well-known/openid-configuration';
    req.url = '/.well-known/openid-configuration';
    callback(req, res);
  });
}

export default fp(oauthPlugin, { name: 'oauth' });
