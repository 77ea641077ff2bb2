// The one composition root: builds every service from the config, shared by the HTTP server, the worker
// and the CLI. Nothing else constructs services, so there is exactly one code path per rule.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createBearerAuth } from './api-auth/bearer-auth.ts';
import { pino } from 'pino';
import { createCompactLogStream } from './shared/log-format.ts';
import { type Config, deriveKey } from './config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { createAccountsService } from './modules/accounts/accounts.service.ts';
import { createActivityRunner } from './modules/activities/activities.runner.ts';
import { createActivitiesService } from './modules/activities/activities.service.ts';
import { createBulkJobs } from './modules/activities/bulk.jobs.ts';
import { createBulkService } from './modules/activities/bulk.service.ts';
import { createExportJob } from './modules/activities/export.job.ts';
import { CONTACTS_FILE_IMPORT, CONTACTS_JSON_IMPORT, createImportJob } from './modules/activities/import.job.ts';
import { createImportsService } from './modules/activities/imports.service.ts';
import { createAppsService } from './modules/apps/apps.service.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { createOperatorsService } from './modules/operators/operators.service.ts';
import { createConsoleAppsService } from './modules/console/console-apps.service.ts';
import { createConsolePeopleService } from './modules/console/console-people.service.ts';
import { createContactsService } from './modules/contacts/contacts.service.ts';
import { createAccountServicesService } from './modules/accounts/account-services.service.ts';
import { createResubscribeService } from './modules/contacts/resubscribe.service.ts';
import { createCustomFieldsService } from './modules/custom-fields/custom-fields.service.ts';
import { createDeveloperAppsService } from './modules/developer-apps/developer-apps.service.ts';
import { createConnectionsService } from './modules/connections/connections.service.ts';
import { createDevelopersService } from './modules/developers/developers.service.ts';
import { createExchangeCredentials } from './modules/explorer/exchange-credentials.ts';
import { createListDeleteJob } from './modules/lists/list-delete.job.ts';
import { createV2ActivitiesService } from './modules/legacy-v2/v2-activities.service.ts';
import { createLegacyV2Service } from './modules/legacy-v2/v2.service.ts';
import { createListsService } from './modules/lists/lists.service.ts';
import { createTagDeleteJob } from './modules/tags/tag-delete.job.ts';
import { createTagsService } from './modules/tags/tags.service.ts';
import { createRateLimiter } from './http/rate-limit.ts';
import { createUsageCollector } from './http/usage-collector.ts';
import { createUsageService } from './modules/usage/usage.service.ts';
import { createGrantsService } from './oauth/grants.service.ts';
import { createRevocationBroadcast } from './oauth/revocation-broadcast.ts';
import { createAdapterClass } from './oauth/adapter.ts';
import { createDevicePolling } from './oauth/device-polling.ts';
import { apiResource, createProvider, type StorageHooks } from './oauth/provider.ts';
import type { RefreshTokenReuse } from './oauth/provider-internals/refresh-grace.ts';
import { type Clock, systemClock } from './shared/clock.ts';
import { createKnownDevices } from './web/known-devices.ts';
import { createMemoryCounterStore, createRedisCounterStore, type CounterStore } from './shared/counter-store.ts';
import { openRedis } from './shared/redis-client.ts';
import { randomToken } from './shared/crypto.ts';
import { createSignedTokenCodec } from './shared/signed-token.ts';
import { serializeRequest } from './shared/log-redaction.ts';
import { createMailer } from './shared/mailer.ts';
import { createWebSessions } from './web/sessions.ts';
// Webhooks
import { type Resolver, systemResolver } from './modules/webhooks/endpoint-guard.ts';
import { createWebhookDeliverer } from './modules/webhooks/webhook-deliverer.ts';
import { createDeliveryMetrics } from './modules/webhooks/webhook-metrics.ts';
import { createSecretBox } from './modules/webhooks/webhook-signing.ts';
import { createWebhooksService } from './modules/webhooks/webhooks.service.ts';

export type Services = Awaited<ReturnType<typeof createServices>>;

/**
 * The configured secrets, or a per-install secret kept in the data directory (mode 0600), created on
 * first start so that the embedded default needs no configuration. Several nodes must share SECRET_KEYS.
 */
export function resolveSecretKeys(config: Config): readonly string[] {
  if (config.secretKeys.length) return config.secretKeys;
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomToken(48)}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return [readFileSync(file, 'utf8').trim()];
}

export async function createServices(config: Config, options: { clock?: Clock; database?: DatabaseHandle; resolve?: Resolver } = {}) {
  const clock = options.clock ?? systemClock;
  // One logger for the process: Fastify's request logs and the services' own lines share it.
  // Request URLs are logged without the credentials some clients put in the query string. On a terminal,
  // one short line per event and per request; JSON lines for files, journald and collectors.
  const log = pino(
    { level: config.logLevel, serializers: { req: serializeRequest } },
    process.stdout.isTTY ? createCompactLogStream(process.stdout) : undefined,
  );
  const database = options.database ?? createDatabase(config.databaseUrl, { log });
  const { db } = database;
  const secretKeys = resolveSecretKeys(config);
  const primaryKey = secretKeys[0]!;
  const redis = config.redisUrl ? openRedis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2, enableAutoPipelining: true }) : null;
  const counters: CounterStore = redis ? createRedisCounterStore(redis) : createMemoryCounterStore(() => clock.now().getTime());
  const secureCookies = config.publicUrl.startsWith('https://');

  const sessions = createWebSessions({ db, clock, csrfKey: deriveKey(primaryKey, 'csrf'), secureCookies });
  const devices = createKnownDevices({ codec: createSignedTokenCodec(secretKeys.map((key) => deriveKey(key, 'known-device'))), secureCookies });
  const apps = createAppsService({ db, clock, defaultAccessTokenTtl: config.defaultAccessTokenTtl });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    log: (line) => config.logLevel !== 'silent' && process.stderr.write(`${line}\n`),
  });
  const credentialDeps = { db, clock, counters, mailer, publicUrl: config.publicUrl, limits: { ...config.credentialLimits } };
  // The audit log every action writes to (sign-ins of every realm through the credential core among them).
  const audit = createAuditService({ db, clock, retentionDays: config.auditRetentionDays });
  const accounts = createAccountsService({ ...credentialDeps, audit, summaryCacheSeconds: config.tokenCacheSeconds });
  const developers = createDevelopersService({ ...credentialDeps, audit });
  // The operators of the console (TOTP secrets sealed at rest).
  const operators = createOperatorsService({
    ...credentialDeps,
    audit,
    secrets: createSecretBox(secretKeys.map((key) => deriveKey(key, 'operator-totp'))),
  });

  const explorerCredentials = createExchangeCredentials();
  const devicePolling = createDevicePolling({ db, clock });
  const userCodeKey = deriveKey(secretKeys[0]!, 'device-user-code');
  const storage = (hooks: StorageHooks) => createAdapterClass(db, clock, { ...hooks, userCodeKey });
  // A reused refresh token ends its grant (RFC 9700 §4.14.2): the audit log keeps who presented it, and the
  // customer whose grant it was sees it too. A failure to record is logged; the refusal is sent regardless.
  const onRefreshTokenReuse = async (reuse: RefreshTokenReuse) => {
    try {
      const user = reuse.subject ? await accounts.getUser(reuse.subject) : undefined;
      await audit.record({
        action: 'refresh_token.reused',
        actor: { type: 'app', id: reuse.clientId, name: reuse.clientId },
        object: { type: 'grant', id: reuse.grantId ?? 'unknown' },
        accountId: user?.account_id ?? null,
        clientId: reuse.clientId,
        origin: { ip: reuse.ip, userAgent: reuse.userAgent },
        detail: { outcome: 'grant revoked' },
      });
    } catch (error) {
      log.error({ err: error }, 'the refresh-token reuse could not be recorded in the audit log');
    }
  };
  const provider = createProvider({ db, clock, apps, accounts, publicUrl: config.publicUrl, secretKeys, explorerCredentials, counters, refreshGraceSeconds: config.refreshGraceSeconds, onRefreshTokenReuse, trustProxy: config.trustProxy, storage });
  const bearer = createBearerAuth({
    db,
    clock,
    apps,
    accounts,
    resource: apiResource(config.publicUrl),
    requireApiKey: config.requireApiKey,
    cacheSeconds: config.tokenCacheSeconds,
    rateLimiter: createRateLimiter({ counters, defaults: config.rateLimit, account: config.accountRateLimit }),
  });
  // Revocations through the provider (RFC 7009, refresh-token reuse) or the pages reach every node's cache.
  const revocations = createRevocationBroadcast(config.redisUrl, bearer.forget);
  provider.on('access_token.destroyed', revocations.announce);
  provider.on('client_credentials.destroyed', revocations.announce);
  provider.on('grant.revoked', revocations.announce);

  // API usage: counted in memory on the request path (src/http/request-log.ts) and at token issue, added to
  // the database every USAGE_FLUSH_SECONDS and at shutdown, where every node's counts sum up.
  const usage = createUsageService({ db, clock, retentionDays: config.usage.retentionDays });
  const usageCollector = createUsageCollector({
    enabled: config.usage.collect,
    flushMs: config.usage.flushSeconds * 1000,
    sink: usage.record,
    onError: (err, dropped) => log.warn({ err, dropped }, 'could not write usage counts; they are kept for the next flush unless dropped'),
    now: () => clock.now().getTime(),
  });
  const countToken = (token: { clientId?: string }) => token.clientId && usageCollector.recordToken(token.clientId);
  provider.on('access_token.saved', countToken);
  provider.on('client_credentials.saved', countToken);
  const grants = createGrantsService({ db, clock, apps, onRevoke: revocations.announce });
  const developerApps = createDeveloperAppsService({ db, clock, apps, grants, audit });
  const connections = createConnectionsService({ apps, grants, audit });
  // The operator console: a suspension or a limit change reaches every node's token cache at once.
  const consoleApps = createConsoleAppsService({ db, clock, apps, audit, announce: revocations.announce });
  const consolePeople = createConsolePeopleService({ db, clock, audit, endSessions: sessions.endAll, accountBudget: config.accountRateLimit });

  // Pagination cursors and sync tokens of the /v3 API: signed with the first secret, verified with any.
  const apiTokens = createSignedTokenCodec(secretKeys.map((key) => deriveKey(key, 'api-cursor')));
  const contacts = createContactsService({ db, clock, tokens: apiTokens });
  const accountServices = createAccountServicesService({ db, clock });
  const resubscribe = createResubscribeService({ db, clock, tokens: apiTokens, mailer, publicUrl: config.publicUrl });

  // Bulk jobs (activities), and the resources whose deletion runs as one.
  // Import files and export results live under the data directory while their activity needs them.
  const importDir = path.join(config.dataDir, 'imports');
  const exportDir = path.join(config.dataDir, 'exports');
  const activityRunner = createActivityRunner({
    db,
    clock,
    jobs: [
      createListDeleteJob({ clock }),
      createTagDeleteJob({ clock }),
      createImportJob({ clock, dir: importDir }, CONTACTS_FILE_IMPORT),
      createImportJob({ clock, dir: importDir }, CONTACTS_JSON_IMPORT),
      createExportJob({ clock, dir: exportDir }),
      ...createBulkJobs({ clock }),
    ],
    staleAfterMs: config.jobStaleSeconds * 1000,
    onError: (err, activityId) => log.error({ err, activityId }, 'bulk job step failed'),
  });
  const activities = createActivitiesService({ db, clock, cursors: apiTokens, runner: activityRunner, runInProcess: config.jobsInProcess });
  const imports = createImportsService({ db, activities, dir: importDir });
  const bulk = createBulkService({ db, clock, activities, exportDir, exportTtlMs: config.exportTtlHours * 3_600_000, audit });
  const lists = createListsService({ db, clock, cursors: apiTokens, activities, audit });
  const tags = createTagsService({ db, clock, cursors: apiTokens, activities, audit });
  const customFields = createCustomFieldsService({ db, clock, cursors: apiTokens });
  // The legacy v2 dialect: views over the same services and tables.
  const legacyV2 = createLegacyV2Service({ db, clock, tokens: apiTokens, contacts, customFields, lists });
  const legacyV2Activities = createV2ActivitiesService({ db, imports, bulk, customFields });

  // Webhooks: subscriptions through the API, delivered from the change log by `serve` or `listgate worker`.
  const webhookDeps = {
    db,
    clock,
    config: config.webhooks,
    resolve: options.resolve ?? systemResolver,
    secrets: createSecretBox(secretKeys.map((key) => deriveKey(key, 'webhook-secrets'))),
  };
  const webhooks = createWebhooksService(webhookDeps);
  const webhookMetrics = createDeliveryMetrics(db);
  const webhookDeliverer = createWebhookDeliverer({ ...webhookDeps, dialect: database.dialect, mailer, log, metrics: webhookMetrics });

  async function close(): Promise<void> {
    await usageCollector.stop();
    await counters.close();
    await revocations.close();
    mailer.close();
    if (redis) await redis.quit().catch(() => redis.disconnect());
    await database.destroy();
  }

  return { log, config, clock, database, db, secretKeys, redis, counters, sessions, devices, accounts, apps, mailer, developers, audit, operators, consoleApps, consolePeople, provider, devicePolling, bearer, grants, developerApps, apiTokens, contacts, resubscribe, accountServices, activities, imports, bulk, lists, tags, customFields, legacyV2, legacyV2Activities, explorerCredentials, connections, webhooks, webhookMetrics, webhookDeliverer, usage, usageCollector, close };
}
