// What every /v2 call shares beyond /v3's JSON-only bodies: 406 for a non-JSON Accept, the API key required
// (whatever REQUIRE_API_KEY says for /v3: v2 clients always send it), and rate limits answered as v2 did,
// 403 with the mashery keys (its clients know no 429; Retry-After and RateLimit-* headers are kept).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';
import { toAppError } from '../../http/error-handler.ts';

const JSON_ACCEPT = /(^|,)\s*(\*\/\*|application\/\*|application\/json|application\/[a-z.+-]*\+json)\s*(;|,|$)/i;

// Registered before src/api-auth's plugin, so these checks run before the bearer check.
async function v2Scope(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const accept = request.headers.accept;
    if (accept && !JSON_ACCEPT.test(accept)) throw new AppError('NOT_ACCEPTABLE');
    const query = request.query as Record<string, unknown> | undefined;
    if ((query?.api_key ?? request.headers['x-api-key'] ?? '') === '') {
      throw new AppError('INVALID_API_KEY', 'The api_key parameter (the app\'s API key) is required on every /v2 call');
    }
  });
  app.setErrorHandler((error) => {
    const appError = toAppError(error);
    if (appError?.code === 'THROTTLED') throw new AppError('OVER_QPS', appError.message, { headers: appError.headers });
    if (appError?.code === 'QUOTA_EXCEEDED') throw new AppError('OVER_RATE_LIMIT', appError.message, { headers: appError.headers });
    throw error;
  });
}

export default fp(v2Scope, { name: 'v2-scope' });
