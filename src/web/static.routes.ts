// Serves the few static files the pages use (stylesheet, icon, page scripts) from src/web/static, read
// once at start-up, with long caching and the right types.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export default async function staticRoutes(app: FastifyInstance): Promise<void> {
  const dir = path.join(import.meta.dirname, 'static');
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { body: readFileSync(path.join(dir, name)), type });
  }
  app.get<{ Params: { name: string } }>('/static/:name', { schema: { hide: true } }, async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file) return reply.callNotFound();
    return reply.header('Cache-Control', 'public, max-age=3600').type(file.type).send(file.body);
  });
}
