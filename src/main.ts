// Process entry for `listgate serve`: loadConfig → createServices → migrate → buildApp → listen, and a
// graceful shutdown on SIGTERM/SIGINT (readiness turns 503 at once, in-flight requests finish). A node whose
// database cannot be reached at start-up stops with a message instead of waiting (docs/operations.md).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { buildApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { migrateToLatest } from './db/database.ts';
import { classifyDatabaseError } from './db/database-health.ts';
import { trackConnections } from './http/connection-drain.ts';
import { startMaintenance } from './maintenance.ts';
import { createServices } from './services.ts';

import type { Services } from './services.ts';
import type { Clock } from './shared/clock.ts';
import type { Resolver } from './modules/webhooks/endpoint-guard.ts';

export type RunningServer = { url: string; close(): Promise<void> };

/** How long requests in flight may take to finish once a shutdown starts. */
const DRAIN_MS = 15_000;

/** The database (or its disk) failed while the node started: nothing listens any more. */
export class StartupError extends Error {
  override name = 'StartupError';
}

function describeStartupFailure(config: Config, error: unknown): string {
  const where = config.databaseUrl.startsWith('sqlite:')
    ? `the SQLite database ${config.databaseUrl.slice('sqlite:'.length)}`
    : `the PostgreSQL database at ${redactUrl(config.databaseUrl)}`;
  const cause = error instanceof Error ? error.message || String(error) : String(error);
  const fault = classifyDatabaseError(error);
  const sqlite = config.databaseUrl.startsWith('sqlite:');
  if (fault === 'unavailable')
    return `cannot start: ${where} ${sqlite ? 'cannot be opened or written' : 'cannot be reached'} (${cause}); ${sqlite ? 'check that its disk has free space and the file is writable' : 'start it'}, then start listgate again`;
  if (fault === 'storage_full') return `cannot start: ${where} cannot write, its disk is full (${cause}); free space, then start listgate again`;
  return `cannot start: ${cause}`;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function answerStarting(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
  res.end('{"status":"starting"}');
}

/** With PORT=0 and no PUBLIC_URL, the public URL names the port the OS picked. */
export function withListeningPort(config: Config, port: number): Config {
  if (!config.publicUrl.endsWith(':0')) return config;
  return Object.freeze({ ...config, port, publicUrl: config.publicUrl.replace(/:0$/, `:${port}`) });
}

/** `options.clock` lets tests move time (and `resolve` fake DNS); the process itself uses the system's. */
export async function startServer(
  initial: Config,
  options: { clock?: Clock; resolve?: Resolver } = {},
): Promise<RunningServer & { config: Config; services: Services }> {
  const started = performance.now();
  const server = createServer({ keepAliveTimeout: 65_000 });
  const connections = trackConnections(server);
  // The socket is open before the app is built (so PUBLIC_URL can name an OS-picked port): until the
  // app is ready, requests get a quick 503 with Retry-After instead of hanging.
  const readiness = { started: false, shuttingDown: false };
  server.on('request', (req, res) => {
    if (!readiness.started) answerStarting(req, res);
  });
  const port = await listen(server, initial.port, initial.host);
  const config = withListeningPort(initial, port);
  let services: Services | null = null;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    services = await createServices(config, options);
    await migrateToLatest(services.db);
    app = await buildApp(services, { readiness, server });
    await app.ready();
  } catch (error) {
    // A supervisor restarts a node that exits; one that keeps listening as "starting" is never restarted.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await services?.close().catch(() => undefined);
    throw new StartupError(describeStartupFailure(config, error), { cause: error });
  }
  readiness.started = true;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  app.log.info({ url, publicUrl: config.publicUrl, ms: Math.round(performance.now() - started) }, 'listgate ready');

  const ready = services;
  const jobs = config.jobsInProcess ? startMaintenance(ready) : null;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      readiness.shuttingDown = true;
      const [drained] = await Promise.all([connections.drain(DRAIN_MS, config.shutdownIdleGraceSeconds * 1000), jobs?.stop()]);
      if (drained.forced) app.log.warn({ connections: drained.forced }, 'requests still running after the shutdown bound were cut');
      await app.close();
      await ready.close();
    })();
    return closing;
  };
  return { url, config, services: ready, close };
}

export function installSignalHandlers(server: RunningServer, log: (message: string) => void): void {
  const stop = (signal: string) => {
    log(`${signal} received, finishing in-flight requests`);
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

if (import.meta.main) {
  const server = await startServer(loadConfig());
  installSignalHandlers(server, (m) => console.error(m));
}
