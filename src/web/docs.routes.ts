// The human API reference at /docs: Swagger UI (from the swagger-ui-dist package, served by this server
// only) rendering /openapi.json, started by a same-origin script because the CSP forbids inline ones.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { html } from '../shared/html.ts';
import { assetUrl } from './assets.ts';
import { sendPage } from './layout.ts';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
};

function assetDirectory(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

export default async function docsRoutes(app: FastifyInstance): Promise<void> {
  const dir = assetDirectory();
  // Read on first use: the bundle is large and most processes (workers, CLI) never serve it.
  const cache = new Map<string, Buffer>();

  app.get('/docs', { schema: { hide: true } }, (_request, reply) =>
    sendPage(reply, {
      title: 'API reference',
      scripts: ['/docs/swagger-ui-bundle.js', assetUrl('docs-init.js')],
      body: html`<link rel="stylesheet" href="/docs/swagger-ui.css">
<h1>API reference</h1>
<p>Generated from the running server: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Try calls with a token from the <a href="/explorer">API Tester</a>.</p>
<div id="swagger-ui" data-spec-url="/openapi.json" data-oauth2-redirect="/docs/oauth2-redirect.html"><p>Loading the reference…</p></div>`,
    }),
  );

  app.get<{ Params: { name: string } }>('/docs/:name', { schema: { hide: true } }, async (request, reply) => {
    const { name } = request.params;
    const type = ASSETS[name];
    if (!type) return reply.callNotFound();
    let body = cache.get(name);
    if (!body) {
      body = readFileSync(path.join(dir, name));
      cache.set(name, body);
    }
    return reply.header('Cache-Control', 'public, max-age=3600').type(type).send(body);
  });
}
