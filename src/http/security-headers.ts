// Security headers on every response, through @fastify/helmet: pages may not be framed (CSP frame-ancestors
// + X-Frame-Options), load nothing from other hosts, and leak no referrer. Helmet writes them on the raw
// response, so the OAuth routes handed over to the provider carry them too. /v3 answers are JSON, never
// rendered: they get a short header set of their own instead (no page policy; never sniffed or framed).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'"],
  'script-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** The pages' policy as a header value (the consent page widens img-src for an app's logo). */
export const CONTENT_SECURITY_POLICY = Object.entries(DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

const HSTS = { maxAge: 31_536_000, includeSubDomains: false };
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const isApi = (url: string) => url.startsWith('/v3/');

async function securityHeaders(app: FastifyInstance, opts: { secure: boolean }): Promise<void> {
  // Before helmet's own onRoute hook, so that it sees API routes as skipped.
  app.addHook('onRoute', (route) => {
    if (isApi(route.url)) route.helmet = false;
  });
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: opts.secure ? HSTS : false,
    // helmet's other defaults add nothing these pages need, and each is a byte on every response
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request.url)) return;
    reply.raw.setHeader('Content-Security-Policy', API_CSP);
    reply.raw.setHeader('X-Content-Type-Options', 'nosniff');
    if (opts.secure) reply.raw.setHeader('Strict-Transport-Security', `max-age=${HSTS.maxAge}`);
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
