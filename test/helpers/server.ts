// Starts the real server (the same startServer as `listgate serve`) on 127.0.0.1 with port 0, on a fresh
// database of the chosen dialect, for tests that talk to it over HTTP.
import { loadConfig, type Config } from '../../src/config.ts';
import { startServer } from '../../src/main.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Resolver } from '../../src/modules/webhooks/endpoint-guard.ts';
import type { Services } from '../../src/services.ts';
import { createTestDatabase, type TestDialect } from './databases.ts';

export type TestServer = {
  url: string;
  /** Where the server listens (differs from `url` when PUBLIC_URL names a proxy in front). */
  address: string;
  config: Config;
  services: Services;
  dialect: TestDialect;
  close(): Promise<void>;
};

export async function startTestServer(
  dialect: TestDialect = 'sqlite',
  env: Record<string, string> = {},
  options: { clock?: Clock; resolve?: Resolver } = {},
): Promise<TestServer> {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Suites make bursts of calls with one key; tests of the limits set their own.
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_DAY: '1000000000',
    ACCOUNT_RATE_LIMIT_PER_SECOND: '10000000',
    ACCOUNT_RATE_LIMIT_PER_DAY: '10000000000',
    // A suite's clients are done when it closes its server: their idle connections need no grace.
    SHUTDOWN_IDLE_GRACE_SECONDS: '0',
    ...env,
  });
  const server = await startServer(config, options);
  return {
    url: server.config.publicUrl,
    address: server.url,
    config: server.config,
    services: server.services,
    dialect,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
