// Serves the few static files the pages use (stylesheet, icon, page scripts) from src/web/static through
// @fastify/static: ETag and Last-Modified (a revalidation answers 304), an hour of caching, right types.
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export default async function staticRoutes(app: FastifyInstance): Promise<void> {
  // send refuses a path that leaves the folder or names a dotfile with a bare 403 error: it is not found
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    if (error.statusCode === 403) return reply.callNotFound();
    throw error;
  });
  await app.register(fastifyStatic, {
    root: path.join(import.meta.dirname, 'static'),
    prefix: '/static/',
    maxAge: 3_600_000,
    // only the files themselves: no directory listings, no dotfiles, no index
    index: false,
    list: false,
    dotfiles: 'deny',
  });
}
