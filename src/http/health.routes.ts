// Liveness (/health: the process answers) and readiness (/ready: the database answers and can write, and
// the node is not shutting down). Load balancers stop sending traffic as soon as /ready turns 503.
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type DatabaseHandle, pingDatabase } from '../db/database.ts';

/** `started`: the app is built and answering (the socket may be open earlier); `shuttingDown`: draining. */
export type Readiness = { started?: boolean; shuttingDown: boolean };

/** Free space under which a SQLite node that hit a full disk stays unready. */
const MIN_FREE_BYTES = 4 << 20;

/** After a full disk: whether the SQLite file's file system has room again (no write is needed to tell). */
async function hasRoomAgain(file: string): Promise<boolean> {
  const fs = await statfs(path.dirname(path.resolve(file)));
  return fs.bavail * fs.bsize >= MIN_FREE_BYTES;
}

export default async function healthRoutes(
  app: FastifyInstance,
  opts: { database: Pick<DatabaseHandle, 'db' | 'file' | 'health'>; readiness: Readiness },
): Promise<void> {
  const { db, file, health } = opts.database;
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (opts.readiness.shuttingDown) return reply.status(503).send({ status: 'shutting_down' });
    try {
      await pingDatabase(db);
    } catch (err) {
      health.failed('unavailable', err);
      request.log.debug({ err }, 'database not reachable');
      return reply.status(503).send({ status: 'database_unreachable' });
    }
    health.recovered('unavailable');
    if (health.storageFull && file && file !== ':memory:' && (await hasRoomAgain(file))) health.recovered('storage_full');
    if (health.storageFull) return reply.status(503).send({ status: 'storage_full' });
    return { status: 'ready' };
  });
}
