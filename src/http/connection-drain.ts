// Graceful shutdown of the HTTP server: stop accepting connections, let requests in flight finish (their
// responses say `Connection: close`, as does any later request on an open keep-alive connection), close
// keep-alive connections once idle, and give up on stragglers after a bound.
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** A keep-alive connection that just carried a response may already hold its client's next request. */
const IDLE_GRACE_MS = 500;
const POLL_MS = 50;

type Connection = { active: number; idleSince: number };

export type ConnectionDrain = {
  readonly draining: boolean;
  /** Resolves once every connection is closed, or after `boundMs` (then the rest are destroyed). */
  drain(boundMs: number): Promise<{ forced: number }>;
};

/** Call before any other 'request' listener is attached, so that every response is seen. */
export function trackConnections(server: Server): ConnectionDrain {
  const connections = new Map<Socket, Connection>();
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: 0, idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (connection) connection.active++;
    inFlight.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      if (connection) {
        connection.active--;
        connection.idleSince = Date.now();
      }
    });
  });

  function closeIdle(now: number): void {
    for (const [socket, connection] of connections)
      if (connection.active === 0 && now - connection.idleSince >= IDLE_GRACE_MS) socket.end();
  }

  return {
    get draining() {
      return draining;
    },
    drain(boundMs) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      // net.Server's close stops accepting and waits for open connections. http.Server's close would also
      // destroy idle keep-alive connections at once, racing with a client that is sending its next
      // request on one (it would see a reset); those are closed above, after a short grace, instead.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      return new Promise((resolve) => {
        const started = Date.now();
        const timer = setInterval(() => {
          const now = Date.now();
          if (now - started < boundMs) return closeIdle(now);
          clearInterval(timer);
          const forced = connections.size;
          for (const socket of connections.keys()) socket.destroy();
          resolve({ forced });
        }, POLL_MS);
        closeIdle(Date.now());
        closed.then(() => {
          clearInterval(timer);
          resolve({ forced: 0 });
        });
      });
    },
  };
}
