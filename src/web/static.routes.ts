// Serves the few static files the pages use (stylesheet, icon, page scripts) from src/web/static through
// @fastify/static: pages link to fingerprinted names (src/web/assets.ts), cached for a year as immutable;
// the plain names stay, with an hour of caching. Both carry ETag and Last-Modified (a revalidation is a 304).
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { assetManifest, STATIC_DIR, STATIC_PREFIX } from './assets.ts';

const YEAR_MS = 365 * 24 * 3_600_000;

export default async function staticRoutes(app: FastifyInstance): Promise<void> {
  // send refuses a path that leaves the folder or names a dotfile with a bare 403 error: it is not found
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    if (error.statusCode === 403) return reply.callNotFound();
    throw error;
  });
  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: STATIC_PREFIX,
    maxAge: 3_600_000,
    // only the files themselves: no directory listings, no dotfiles, no index
    index: false,
    list: false,
    dotfiles: 'deny',
  });
  // A fingerprinted name changes with the content, so its answer never goes stale.
  for (const [name, fingerprinted] of assetManifest().fingerprinted) {
    app.get(`${STATIC_PREFIX}${fingerprinted}`, { schema: { hide: true } }, (_request, reply) =>
      reply.sendFile(name, { maxAge: YEAR_MS, immutable: true }),
    );
  }
}
