// Process entry for `listgate serve`: loadConfig → createServices → migrate → buildApp → listen, and a
// graceful shutdown on SIGTERM/SIGINT (readiness turns 503 at once, in-flight requests finish).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { buildApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { migrateToLatest } from './db/database.ts';
import { startMaintenance } from './maintenance.ts';
import { createServices } from './services.ts';

import type { Services } from './services.ts';
import type { Clock } from './shared/clock.ts';
import type { Resolver } from './modules/webhooks/endpoint-guard.ts';

export type RunningServer = { url: string; close(): Promise<void> };

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
  // The socket is open before the app is built (so PUBLIC_URL can name an OS-picked port): until the
  // app is ready, requests get a quick 503 with Retry-After instead of hanging.
  const readiness = { started: false, shuttingDown: false };
  server.on('request', (req, res) => {
    if (!readiness.started) answerStarting(req, res);
  });
  const port = await listen(server, initial.port, initial.host);
  const config = withListeningPort(initial, port);
  const services = await createServices(config, options);
  await migrateToLatest(services.db);
  const app = await buildApp(services, { readiness, server });
  await app.ready();
  readiness.started = true;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  app.log.info({ url, publicUrl: config.publicUrl, ms: Math.round(performance.now() - started) }, 'listgate ready');

  const jobs = config.jobsInProcess ? startMaintenance(services) : null;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      readiness.shuttingDown = true;
      await jobs?.stop();
      await app.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    })();
    return closing;
  };
  return { url, config, services, close };
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
