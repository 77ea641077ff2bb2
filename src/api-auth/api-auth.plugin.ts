// Authentication of an API prefix (/v3, /v2): every request is authenticated and rate-limited in onRequest,
// then held to the one scope its route declares in `config.scope`. A route without a declared scope is a
// startup error, so no API route is ever served unguarded.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { BearerAuth } from './bearer-auth.ts';
import { isApiScope } from './scopes.ts';

async function apiAuth(app: FastifyInstance, opts: { bearer: BearerAuth }): Promise<void> {
  const { bearer } = opts;
  app.addHook('onRoute', (route) => {
    if (!isApiScope(route.config?.scope)) {
      throw new Error(`${String(route.method)} ${route.url}: API routes declare their scope, e.g. { config: { scope: 'contact_data' } } (src/api-auth/README.md)`);
    }
  });
  app.addHook('onRequest', bearer.authenticateRequest);
  app.addHook('preHandler', async (request) => {
    // onRoute guarantees a scope; the fallback only satisfies the type
    bearer.checkScope(request.auth, request.routeOptions.config.scope ?? 'account_update');
  });
}

export default fp(apiAuth, { name: 'api-auth' });
