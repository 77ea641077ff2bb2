// Small compatibility steps applied to token-endpoint requests before the provider sees them: the body
// is read once (the provider then reads the rewritten one, see provider-internals/replay-body.ts),
// client_secret_post is accepted for every confidential app, and a client-credentials request without
// `scope` gets the app's full scope.
import type { IncomingMessage } from 'node:http';
import { API_SCOPES, isKnownScope, withoutUnservedScopes } from '../api-auth/scopes.ts';
import { replayBody } from './provider-internals/replay-body.ts';

const LIMIT = 56 * 1024;

export class BodyTooLarge extends Error {}

export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new BodyTooLarge('request body too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** RFC 6749 §5.2: a scope the server does not know is refused (invalid_scope) rather than dropped unseen. */
export function unknownScope(params: URLSearchParams): string | null {
  const scope = params.get('scope');
  if (scope === null) return null;
  return scope.split(' ').find((s) => s !== '' && !isKnownScope(s)) ?? null;
}

/**
 * The dialect's unserved scopes (campaign_data) are left out of the request, so the grant and the token
 * response's `scope` hold what is served (RFC 6749 §3.3). A request for nothing else keeps its scope and is
 * refused as unknown: it would be granted nothing.
 */
export function dropUnservedScopes(params: URLSearchParams): void {
  const served = withoutUnservedScopes(params.get('scope'));
  if (served) params.set('scope', served);
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before being joined for HTTP Basic. */
function basic(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** Whether a client has the app setting "Legacy token requests" (provider.ts allowsLegacyTokenRequests). */
export type LegacyPolicy = (clientId: string) => Promise<boolean>;

export type LegacyParameters = { params: URLSearchParams } | { refused: string } | null;

/**
 * The dialect's server flow sends token-endpoint parameters in the query string
 * (`POST /oauth2/token?code=…&redirect_uri=…&grant_type=authorization_code`). For an app with the legacy
 * setting they are taken from there, and the query is removed from the request the provider sees; for any
 * other app (null) the request goes on as it came, and the provider refuses it as it always has. A client
 * secret is never taken from a URL.
 */
export async function legacyParameters(req: IncomingMessage & { originalUrl?: string }, allows: LegacyPolicy): Promise<LegacyParameters> {
  const [path, query] = (req.url ?? '').split('?', 2) as [string, string?];
  if (!query) return null;
  const params = new URLSearchParams(query);
  const clientId = basicCredentials(req.headers.authorization)?.clientId ?? params.get('client_id');
  if (!clientId || !(await allows(clientId))) return null;
  if (params.has('client_secret')) return { refused: 'send the client secret in the Authorization header, never in the URL' };
  req.url = path;
  req.originalUrl = req.originalUrl?.split('?')[0];
  return { params };
}

/**
 * `clientId` is null when the request names no client, or presents HTTP Basic credentials that cannot be
 * read or carry an empty secret: RFC 6749 §5.2 answers those with 401 invalid_client.
 */
export type TokenRequest = { params: URLSearchParams; clientId: string | null };

/** Rewrites the request so that the provider sees one authentication method per confidential client. */
export function normalizeTokenRequest(req: IncomingMessage, params: URLSearchParams): TokenRequest {
  dropUnservedScopes(params);
  const secret = params.get('client_secret');
  const clientId = params.get('client_id');
  if (secret !== null && clientId && !req.headers.authorization) {
    req.headers.authorization = basic(clientId, secret);
    params.delete('client_secret');
    params.delete('client_id');
  }
  if (params.get('grant_type') === 'client_credentials' && !params.get('scope')) {
    params.set('scope', API_SCOPES.join(' '));
  }
  replayBody(req, params.toString());
  const fromHeader = basicCredentials(req.headers.authorization);
  if (req.headers.authorization && (!fromHeader || fromHeader.secret === '')) return { params, clientId: null };
  return { params, clientId: fromHeader?.clientId ?? clientId };
}

/** The client id and secret of an HTTP Basic header, or null when there is none or it cannot be read. */
function basicCredentials(header: string | undefined): { clientId: string; secret: string } | null {
  if (!header?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  const dec = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
  try {
    return { clientId: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}
