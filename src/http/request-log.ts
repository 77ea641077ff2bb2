// One log line per request, written when the response is done: method, URL, status and time. Fastify's
// default writes two (on arrival and on completion), which doubled the cost of logging on every call.
// Credentials carried in a query string are redacted (src/shared/log-redaction.ts).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrl } from '../shared/log-redaction.ts';

async function requestLog(app: FastifyInstance): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });
}

export default fp(requestLog, { name: 'request-log' });
