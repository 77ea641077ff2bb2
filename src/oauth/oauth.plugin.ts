// Mounts the authorization server under /oauth2 (oidc-provider's Koa app behind Fastify routes), serves its
// metadata at the well-known root paths too, and runs our token-request steps before the provider
// (including RFC 8628's slow_down and expired_token, which the provider never sends).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type Provider from 'oidc-provider';
import { DEVICE_CODE_GRANT, type DevicePolling } from './device-polling.ts';
import { OFFLINE_CONSENT_IMPLIED } from './provider.ts';
import {
  BodyTooLarge,
  dropUnservedScopes,
  type LegacyPolicy,
  legacyParameters,
  normalizeTokenRequest,
  readFormBody,
  unknownScope,
} from './token-request.ts';

type MountedRequest = IncomingMessage & { originalUrl?: string };

const MOUNT = '/oauth2';
/** Back-channel endpoints whose form bodies are read (and checked) before the provider sees them. */
const TOKEN_PATHS = new Set(['/token', '/token/introspection', '/token/revocation', '/device/auth']);
/** RFC 8414 §3 and OpenID Discovery at the root, answered as if asked under /oauth2. */
const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server/oauth2'];

/**
 * The authorization request as the provider gets it: without the dialect's unserved scopes (see
 * dropUnservedScopes), and, when it asks for offline_access without a `prompt`, with `prompt=consent`
 * marked as implied (OFFLINE_CONSENT_IMPLIED): the provider keeps offline_access only under prompt=consent
 * (OpenID Connect Core §11), and the consent step skips the page when the customer already allowed
 * everything asked (interactions.routes.ts), as the dialect issues a refresh token for offline_access.
 */
function authorizationRequest(url: string): string {
  const [path, query = ''] = url.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  const before = params.toString();
  params.delete(OFFLINE_CONSENT_IMPLIED);
  dropUnservedScopes(params);
  if (!params.has('prompt') && params.get('scope')?.split(' ').includes('offline_access')) {
    params.set('prompt', 'consent');
    params.set(OFFLINE_CONSENT_IMPLIED, '1');
  }
  return params.toString() === before ? url : `${path}?${params.toString()}`;
}

function sendOauthError(res: ServerResponse, status: number, error: string, description: string, extra: object = {}): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify({ error, error_description: description, ...extra }));
}

type Callback = (req: IncomingMessage, res: ServerResponse) => void;

/** RFC 8628 §3.5: polls too close together get slow_down; an expired device code gets expired_token. */
async function checkDevicePoll(params: URLSearchParams, polling: DevicePolling, res: ServerResponse): Promise<boolean> {
  const deviceCode = params.get('device_code');
  if (params.get('grant_type') !== DEVICE_CODE_GRANT || !deviceCode) return true;
  const verdict = await polling.check(deviceCode);
  if (!verdict) return true;
  if (verdict.error === 'expired_token') sendOauthError(res, 400, 'expired_token', 'the device code has expired; start again');
  else sendOauthError(res, 400, 'slow_down', `poll at most every ${verdict.interval} seconds`, { interval: verdict.interval });
  return false;
}

type Steps = { callback: Callback; polling: DevicePolling; legacy: LegacyPolicy };

/**
 * Reads a back-channel form body, refuses what needs no provider to refuse, and hands the rest on. At the
 * token endpoint, an app with legacy token requests may send the parameters in the query string instead.
 */
async function tokenRequest(req: MountedRequest, res: ServerResponse, isForm: boolean, steps: Steps): Promise<void> {
  const { callback, polling } = steps;
  const legacy = req.url?.split('?')[0] === '/token' ? await legacyParameters(req, steps.legacy) : null;
  if (legacy && 'refused' in legacy) return sendOauthError(res, 400, 'invalid_request', legacy.refused);
  if (!isForm && !legacy) return callback(req, res);
  let params: URLSearchParams;
  try {
    params = await readFormBody(req);
  } catch (err) {
    return err instanceof BodyTooLarge
      ? sendOauthError(res, 413, 'invalid_request', 'the request body is too large')
      : sendOauthError(res, 400, 'invalid_request', 'the request body could not be read');
  }
  if (legacy) {
    if (!isForm && params.size) return sendOauthError(res, 400, 'invalid_request', 'send token parameters as a form body or in the query string');
    // a parameter in both places reaches the provider twice, which it refuses (RFC 6749 §3.1)
    for (const [name, value] of legacy.params) params.append(name, value);
    req.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const { clientId } = normalizeTokenRequest(req, params);
  // RFC 6749 §5.2 / RFC 7662 §2.1: a request that names no client is refused before the provider runs
  if (!clientId && !params.has('client_assertion')) {
    res.setHeader('WWW-Authenticate', 'Basic realm="listgate"');
    return sendOauthError(res, 401, 'invalid_client', 'client authentication is required');
  }
  const unknown = unknownScope(params);
  if (unknown !== null) return sendOauthError(res, 400, 'invalid_scope', `unknown scope: ${unknown.slice(0, 40)}`);
  if (req.url?.split('?')[0] === '/token' && !(await checkDevicePoll(params, polling, res))) return;
  callback(req, res);
}

export type OauthPluginOptions = { provider: Provider; polling: DevicePolling; legacyTokenRequests: LegacyPolicy };

async function oauthPlugin(app: FastifyInstance, opts: OauthPluginOptions): Promise<void> {
  const callback = opts.provider.callback();
  const steps: Steps = { callback, polling: opts.polling, legacy: opts.legacyTokenRequests };

  /** Gives the raw request to the provider with the mount stripped from its URL, as Koa mounting would. */
  function handOver(request: FastifyRequest, reply: FastifyReply, providerUrl: string, originalUrl = request.raw.url): void {
    reply.hijack();
    const req = request.raw as MountedRequest;
    req.originalUrl = originalUrl;
    req.url = providerUrl;
    const path = providerUrl.split('?')[0]!;
    if (path === '/auth') {
      req.url = authorizationRequest(req.url);
      req.originalUrl = authorizationRequest(req.originalUrl ?? '');
    }
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const queryAtToken = path === '/token' && req.url.includes('?');
    if (req.method !== 'POST' || !(isForm || queryAtToken) || !TOKEN_PATHS.has(path)) {
      callback(req, reply.raw);
      return;
    }
    tokenRequest(req, reply.raw, isForm, steps).catch((err: unknown) => {
      request.log.error({ err }, 'token request failed before the provider');
      if (!reply.raw.headersSent) sendOauthError(reply.raw, 500, 'server_error', 'the request could not be handled');
    });
  }

  // Routes rather than a middleware: only requests for the provider pay for it, and its bodies stay unread.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all(`${MOUNT}/*`, { schema: { hide: true } }, async (request, reply) =>
      handOver(request, reply, request.raw.url!.slice(MOUNT.length) || '/'),
    );
    for (const path of DISCOVERY_PATHS) {
      scope.get(path, { schema: { hide: true } }, async (request, reply) =>
        handOver(request, reply, '/.well-known/openid-configuration', `${MOUNT}/.well-known/openid-configuration`),
      );
    }
  });
}

export default fp(oauthPlugin, { name: 'oauth' });
