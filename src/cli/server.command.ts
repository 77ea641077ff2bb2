// Operator commands that act on the local installation: serve and migrate.
import { type Command, Option } from 'commander';
import { EXIT } from './exit-codes.ts';
import { printResult } from './output.ts';

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (pages, OAuth 2.0 authorization server, REST API)')
    .option('--port <n>', 'port to listen on (env PORT, default 3000; 0 picks a free port)')
    .option('--host <h>', 'interface to listen on (env HOST, default 127.0.0.1)')
    .addHelpText('after', '\nConfiguration comes from environment variables; see .env.example.')
    .action(async (opts: { port?: string; host?: string }) => {
      const { loadConfig } = await import('../config.ts');
      const { startServer, installSignalHandlers } = await import('../main.ts');
      const env = { ...process.env };
      if (opts.port !== undefined) env.PORT = opts.port;
      if (opts.host !== undefined) env.HOST = opts.host;
      const config = loadConfig(env);
      const { StartupError } = await import('../main.ts');
      const server = await startServer(config).catch((error: unknown) => {
        // Exit at once: a supervisor (systemd Restart=on-failure, Kubernetes) starts the node again.
        if (!(error instanceof StartupError)) throw error;
        process.stderr.write(`listgate: ${error.message}\n`);
        process.exit(EXIT.FAILURE);
      });
      const base = server.config.publicUrl;
      const db = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice(7) : 'PostgreSQL';
      process.stderr.write(
        [
          '',
          `  Listgate is running at ${base}`,
          '',
          `  Customer account:  ${base}/account/sign-up`,
          `  Developer portal:  ${base}/developer`,
          `  API Tester:        ${base}/explorer`,
          `  API reference:     ${base}/docs`,
          '',
          `  Database: ${db}    Mail: ${config.smtpUrl ? 'SMTP' : `${config.dataDir}/outbox/`}`,
          '  Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      installSignalHandlers(server, (m) => process.stderr.write(`${m}\n`));
    });

  program
    .command('worker')
    .description('run bulk jobs, webhook deliveries and the change-log retention sweep only, for installs that set JOBS_IN_PROCESS=false')
    .addOption(new Option('--interval <ms>', 'how often to look for pending jobs').default('2000', '2000'))
    .action(async (opts: { interval: string }) => {
      const { loadConfig } = await import('../config.ts');
      const { createServices } = await import('../services.ts');
      const { migrateToLatest } = await import('../db/database.ts');
      const { startMaintenance } = await import('../maintenance.ts');
      const services = await createServices(loadConfig());
      await migrateToLatest(services.db);
      const loop = startMaintenance(services, { jobIntervalMs: Number(opts.interval) || 2000 });
      // The loop's own timer does not hold the process open; this one does, until a signal.
      const keepAlive = setInterval(() => {}, 60_000);
      const stop = async () => {
        clearInterval(keepAlive);
        await loop.stop();
        await services.close();
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      services.log.info('listgate worker running bulk jobs');
    });

  program
    .command('migrate')
    .description('apply pending database migrations (serve also does this at start-up)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { withServices } = await import('./services-context.ts');
      const { migrateToLatest } = await import('../db/database.ts');
      await withServices(async (services) => {
        const result = await migrateToLatest(services.db);
        const applied = (result.results ?? []).map((r) => r.migrationName);
        printResult({ applied }, Boolean(opts.json), () =>
          applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.',
        );
      }, { migrate: false });
    });
}
