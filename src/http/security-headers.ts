// Security headers on every response: pages may not be framed (CSP frame-ancestors + X-Frame-Options),
// load nothing from other hosts, and leak no referrer. Also used for the OAuth routes served by the provider.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function applySecurityHeaders(res: ServerResponse, secure: boolean): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}

/** API responses are JSON, never rendered: they need no page policy, only never to be sniffed or framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

async function securityHeaders(app: FastifyInstance, opts: { secure: boolean }): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/v3/')) {
      reply.raw.setHeader('Content-Security-Policy', API_CSP);
      reply.raw.setHeader('X-Content-Type-Options', 'nosniff');
      if (opts.secure) reply.raw.setHeader('Strict-Transport-Security', 'max-age=31536000');
      return;
    }
    applySecurityHeaders(reply.raw, opts.secure);
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
