// One log line per request, written when the response is done: method, URL, status and time. Fastify's
// default writes two (on arrival and on completion), which doubled the cost of logging on every call.
// Credentials carried in a query string are redacted (src/shared/log-redaction.ts). The same hook counts
// each API response of an authenticated app for the usage figures (one in-memory increment).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { redactUrl } from '../shared/log-redaction.ts';
import type { UsageCollector } from './usage-collector.ts';

async function requestLog(app: FastifyInstance, opts: { usage?: UsageCollector }): Promise<void> {
  const usage = opts.usage?.enabled ? opts.usage : null;
  app.addHook('onResponse', async (request, reply) => {
    const ms = reply.elapsedTime;
    request.log.info({ method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    // request.auth is set by the API's bearer check (src/api-auth), also on calls it then refuses with 429.
    const clientId = request.auth?.clientId;
    if (usage && clientId) usage.recordCall(clientId, reply.statusCode, ms);
  });
}

export default fp(requestLog, { name: 'request-log' });
