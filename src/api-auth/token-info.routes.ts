// The legacy token-info contract from the seed: POST /oauth2/tokeninfo.htm with access_token in a form
// body or the query string → {client_id, user_name, expires_in}; 404 when unknown, revoked or expired.
import type { FastifyInstance } from 'fastify';
import type { BearerAuth } from './bearer-auth.ts';

type TokenInfoRequest = { Body: Record<string, string> | undefined; Querystring: Record<string, string> };

const notFound = { error_key: 'http.status.token.not_found', error_message: 'The access token is invalid, expired or revoked' };

export default async function tokenInfoRoutes(app: FastifyInstance, opts: { bearer: BearerAuth }): Promise<void> {
  app.post<TokenInfoRequest>(
    '/oauth2/tokeninfo.htm',
    {
      schema: {
        tags: ['Token Info'],
        operationId: 'getTokenInfo',
        summary: 'What a token is: the app it belongs to, the user it acts for, and the seconds it has left',
        description:
          'The legacy contract: the token in a form body (`access_token=…`) or the query string. 404 when the token is unknown, revoked or expired; 405 for other methods.',
        security: [],
        querystring: { type: 'object', properties: { access_token: { type: 'string', description: 'The access token to describe' } } },
        response: {
          200: {
            description: 'The token is valid',
            type: 'object',
            properties: {
              client_id: { type: 'string', description: 'The API key of the app holding the token' },
              user_name: { type: 'string', description: 'The customer user the token acts for' },
              expires_in: { type: 'integer', description: 'Seconds left' },
            },
          },
        },
      },
    },
    async (request, reply) => {
      reply.header('Cache-Control', 'no-store');
      const accept = request.headers.accept;
      if (accept && !/application\/json|application\/\*|\*\/\*/.test(accept)) {
        return reply.status(406).send([{ error_key: 'http.status.not_acceptable', error_message: 'Only application/json is available' }]);
      }
      const token = request.body?.access_token ?? request.query.access_token;
      const info = typeof token === 'string' ? await opts.bearer.lookup(token) : null;
      if (!info) return reply.status(404).send([notFound]);
      return { client_id: info.clientId, user_name: info.userName, expires_in: opts.bearer.secondsLeft(info) };
    },
  );

  app.route({
    method: ['GET', 'PUT', 'PATCH', 'DELETE'],
    url: '/oauth2/tokeninfo.htm',
    schema: { hide: true },
    handler: async (_request, reply) =>
      reply
        .status(405)
        .header('Allow', 'POST')
        .send([{ error_key: 'http.status.method_not_allowed', error_message: 'Use POST' }]),
  });
}
