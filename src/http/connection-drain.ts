// Graceful shutdown of the HTTP server: stop accepting connections, let requests in flight finish (their
// responses say `Connection: close`, as does any later request on an open keep-alive connection), close
// keep-alive connections once they have stayed idle, and give up on stragglers after a bound.
//
// HTTP/1.1 has no way to tell a client "do not reuse this connection" except in a response, so closing an
// idle keep-alive connection always races with a client that is sending its next request on it (the
// client then meets a reset). The drain therefore never closes a connection that is busy, and closes an
// idle one only after it has carried nothing for the idle grace (SHUTDOWN_IDLE_GRACE_SECONDS, 5 s by default),
// measured per connection from the end of its last response: a client that keeps using its connection gets
// a `Connection: close` answer long before.
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

const POLL_MS = 100;

type Connection = { active: number; idleSince: number; bytesReadWhenIdle: number };

export type ConnectionDrain = {
  readonly draining: boolean;
  /**
   * Resolves once every connection is closed, or after `boundMs` (then the rest are destroyed); an idle
   * connection is closed once it has carried nothing for `idleGraceMs`.
   */
  drain(boundMs: number, idleGraceMs: number): Promise<{ forced: number }>;
};

/** Call before any other 'request' listener is attached, so that every response is seen. */
export function trackConnections(server: Server): ConnectionDrain {
  const connections = new Map<Socket, Connection>();
  const inFlight = new Set<ServerResponse>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: 0, idleSince: Date.now(), bytesReadWhenIdle: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (req, res: ServerResponse) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (connection) connection.active++;
    inFlight.add(res);
    // A request that arrives once the drain began is served, and told that its connection ends with it.
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      if (connection) {
        connection.active--;
        connection.idleSince = Date.now();
        connection.bytesReadWhenIdle = socket.bytesRead;
      }
    });
  });

  /** Idle: no request running, nothing read since the last response (not even part of a request), long enough. */
  function isIdle(socket: Socket, connection: Connection, now: number, idleGraceMs: number): boolean {
    return connection.active === 0 && socket.bytesRead === connection.bytesReadWhenIdle && now - connection.idleSince >= idleGraceMs;
  }

  function closeIdle(idleGraceMs: number): void {
    // Decided after the event loop's I/O phase (setImmediate runs after it), so that a request that reached
    // the socket while a timer was due has been read and counted first.
    setImmediate(() => {
      const now = Date.now();
      for (const [socket, connection] of connections) if (isIdle(socket, connection, now, idleGraceMs)) socket.end();
    });
  }

  return {
    get draining() {
      return draining;
    },
    drain(boundMs, idleGraceMs) {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      // net.Server's close stops accepting and waits for open connections. http.Server's close would also
      // destroy idle keep-alive connections at once (`closeIdleConnections`), resetting a client that is
      // sending its next request on one; those are closed by `closeIdle` instead.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      return new Promise((resolve) => {
        const started = Date.now();
        const timer = setInterval(() => {
          if (Date.now() - started < boundMs) return closeIdle(idleGraceMs);
          clearInterval(timer);
          const forced = connections.size;
          for (const socket of connections.keys()) socket.destroy();
          resolve({ forced });
        }, POLL_MS);
        closed.then(() => {
          clearInterval(timer);
          resolve({ forced: 0 });
        });
      });
    },
  };
}
