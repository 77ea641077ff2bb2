// One log line per request, written when the response is done: method, path, status and time. Fastify's
// default writes two (on arrival and on completion), which doubled the cost of logging on every call.
// Query strings are left out of the line: they can carry credentials (verification links, token info).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function requestLog(app: FastifyInstance): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    const query = request.url.indexOf('?');
    request.log.info(
      {
        method: request.method,
        path: query < 0 ? request.url : request.url.slice(0, query),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });
}

export default fp(requestLog, { name: 'request-log' });
