// The rules every /v3 route shares: request bodies are JSON only (415 otherwise) and capped (413), parsed
// without prototype poisoning. Registered inside the /v3 prefix in app.ts; API route modules join that scope.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function apiScope(app: FastifyInstance): Promise<void> {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // Form, text and every other type answer 415; the root limit (or a route's bodyLimit) answers 413.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // A bodiless DELETE sent with a JSON content type is not an error; a required body still fails validation.
    if (body === '') return done(null, undefined);
    return parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
}

export default fp(apiScope, { name: 'api-scope' });
