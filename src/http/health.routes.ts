// Liveness (/health: the process answers) and readiness (/ready: the database answers, and the node is
// not shutting down). Load balancers stop sending traffic as soon as /ready turns 503.
import type { FastifyInstance } from 'fastify';
import { pingDatabase, type Db } from '../db/database.ts';

/** `started`: the app is built and answering (the socket may be open earlier); `shuttingDown`: draining. */
export type Readiness = { started?: boolean; shuttingDown: boolean };

export default async function healthRoutes(app: FastifyInstance, opts: { db: Db; readiness: Readiness }): Promise<void> {
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (request, reply) => {
    if (opts.readiness.shuttingDown) return reply.status(503).send({ status: 'shutting_down' });
    try {
      await pingDatabase(opts.db);
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'database not reachable');
      return reply.status(503).send({ status: 'database_unreachable' });
    }
  });
}
