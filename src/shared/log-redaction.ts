// What the request log may say about a URL: everything but the values of credentials carried in the query
// string (a refused `?access_token=`, the `token` of verify and reset links, an authorization `code`).
import type { IncomingMessage } from 'node:http';

export const SECRET_QUERY_PARAMETERS = [
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'code',
  'client_secret',
  'api_key',
  'password',
  'user_code',
  'device_code',
  'code_verifier',
  'state',
  'assertion',
  'client_assertion',
];
const SECRET = new Set(SECRET_QUERY_PARAMETERS);

/** The URL with the value of every secret query parameter replaced by `[REDACTED]` (names compared lowercase). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {}
    return SECRET.has(name.toLowerCase()) && eq >= 0 ? `${rawName}=[REDACTED]` : pair;
  });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

type LoggedRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'> & { ip?: string; host?: string; socket?: { remotePort?: number } };

/** pino serializer for `req`: Fastify's fields, with the URL redacted. */
export function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url ?? ''),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
