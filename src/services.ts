// The one composition root: builds every service from the config, shared by the HTTP server, the worker
// and the CLI. Nothing else constructs services, so there is exactly one code path per rule.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { type Config, deriveKey } from './config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createAppsService } from './modules/apps/apps.service.ts';
import { createDevelopersService } from './modules/developers/developers.service.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import { createMemoryCounterStore, createRedisCounterStore, type CounterStore } from './shared/counter-store.ts';
import { randomToken } from './shared/crypto.ts';
import { createMailer } from './shared/mailer.ts';
import { createWebSessions } from './web/sessions.ts';

export type Services = Awaited<ReturnType<typeof createServices>>;

/**
 * The configured secrets, or a per-install secret kept in the data directory (mode 0600), created on
 * first start so that the embedded default needs no configuration. Several nodes must share SECRET_KEYS.
 */
export function resolveSecretKeys(config: Config): readonly string[] {
  if (config.secretKeys.length) return config.secretKeys;
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomToken(48)}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return [readFileSync(file, 'utf8').trim()];
}

export async function createServices(config: Config, options: { clock?: Clock; database?: DatabaseHandle } = {}) {
  const clock = options.clock ?? systemClock;
  const database = options.database ?? createDatabase(config.databaseUrl);
  const { db } = database;
  const secretKeys = resolveSecretKeys(config);
  const primaryKey = secretKeys[0]!;
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 }) : null;
  const counters: CounterStore = redis ? createRedisCounterStore(redis) : createMemoryCounterStore();
  const secureCookies = config.publicUrl.startsWith('https://');

  const sessions = createWebSessions({ db, clock, csrfKey: deriveKey(primaryKey, 'csrf'), secureCookies });
  const accounts = createAccountsService({ db, clock, counters });
  const apps = createAppsService({ db, clock, defaultAccessTokenTtl: config.defaultAccessTokenTtl });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    log: (line) => config.logLevel !== 'silent' && process.stderr.write(`${line}\n`),
  });
  const developers = createDevelopersService({ db, clock, counters, mailer, publicUrl: config.publicUrl });

  async function close(): Promise<void> {
    await counters.close();
    mailer.close();
    if (redis) await redis.quit().catch(() => redis.disconnect());
    await database.destroy();
  }

  return { config, clock, database, db, secretKeys, redis, counters, sessions, accounts, apps, mailer, developers, close };
}
