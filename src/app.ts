// buildApp(): the table of contents of the HTTP server. Every plugin and route module is registered
// here, in order, by hand.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import apiAuth from './api-auth/api-auth.plugin.ts';
import tokenInfoRoutes from './api-auth/token-info.routes.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { registerErrorHandler } from './http/error-handler.ts';
import apiScope from './http/api-scope.ts';
import healthRoutes, { type Readiness } from './http/health.routes.ts';
import { lazySchemaCompilers } from './http/lazy-schemas.ts';
import finiteNumbers from './http/finite-numbers.ts';
import metrics from './http/metrics.ts';
import requestLog from './http/request-log.ts';
import { AJV_OPTIONS, extendAjv } from './http/schema-check.ts';
import openapi from './http/openapi.ts';
import queryParams from './http/query-params.ts';
import securityHeaders from './http/security-headers.ts';
import accountServicesRoutes from './modules/accounts/account-services.routes.ts';
import accountSummaryRoutes from './modules/accounts/account-summary.routes.ts';
import accountRoutes from './modules/accounts/accounts.routes.ts';
import activityRoutes from './modules/activities/activities.routes.ts';
import bulkRoutes from './modules/activities/bulk.routes.ts';
import customFieldRoutes from './modules/custom-fields/custom-fields.routes.ts';
import appWebhooksRoutes from './modules/developer-apps/app-webhooks.routes.ts';
import developerAppsRoutes from './modules/developer-apps/developer-apps.routes.ts';
import contactRoutes from './modules/contacts/contacts.routes.ts';
import { CONTACT_FORMATS } from './modules/contacts/formats.ts';
import resubscribePageRoutes from './modules/contacts/resubscribe-page.routes.ts';
import resubscribeRoutes from './modules/contacts/resubscribe.routes.ts';
import connectionRoutes from './modules/connections/connections.routes.ts';
import developerRoutes from './modules/developers/developers.routes.ts';
import consoleUsageRoutes, { USAGE_PATH } from './modules/console/console-usage.routes.ts';
import consoleRoutes from './modules/console/console.routes.ts';
import type { ConsoleLinks } from './modules/console/console.views.ts';
import consolePeopleRoutes from './modules/console/console-people.routes.ts';
import auditRoutes from './modules/audit/audit.routes.ts';
import operatorRoutes from './modules/operators/operators.routes.ts';
import explorerRoutes from './modules/explorer/explorer.routes.ts';
import v2ActivityRoutes from './modules/legacy-v2/v2-activities.routes.ts';
import v2ContactRoutes from './modules/legacy-v2/v2-contacts.routes.ts';
import v2ListRoutes from './modules/legacy-v2/v2-lists.routes.ts';
import v2Scope from './modules/legacy-v2/v2-scope.ts';
import listPageRoutes from './modules/lists/list-pages.routes.ts';
import listRoutes from './modules/lists/lists.routes.ts';
import tagRoutes from './modules/tags/tags.routes.ts';
import usageRoutes from './modules/usage/usage.routes.ts';
import webhookRoutes from './modules/webhooks/webhooks.routes.ts';
import deviceRoutes from './oauth/device.routes.ts';
import interactionRoutes from './oauth/interactions.routes.ts';
import oauthPlugin from './oauth/oauth.plugin.ts';
import { allowsLegacyTokenRequests } from './oauth/provider.ts';
import type { Services } from './services.ts';
import docsRoutes from './web/docs.routes.ts';
import homeRoutes from './web/home.routes.ts';
import staticRoutes from './web/static.routes.ts';

export type BuildOptions = {
  readiness?: Readiness;
  /** An already listening server to attach to (so the public URL can name a port picked by the OS). */
  server?: Server;
};

export async function buildApp(services: Services, options: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const readiness = options.readiness ?? { shuttingDown: false };
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Request ids from a trusted proxy are kept so that log lines can be followed across hops.
    requestIdHeader: config.trustProxy ? 'x-request-id' : false,
    routerOptions: { ignoreTrailingSlash: true },
    // Every validation problem of a request at once, each with its rule's message; the contact formats
    // (email, uuid, anniversary) are the ones the services and imports check with.
    ajv: { customOptions: AJV_OPTIONS, onCreate: (ajv) => extendAjv(ajv, CONTACT_FORMATS) },
    schemaController: { compilersFactory: lazySchemaCompilers() },
    // src/http/request-log.ts writes one line per request instead of Fastify's two
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.server
      ? {
          serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
            // The app answers once the caller marks it started; until then the caller answers 503.
            options.server!.on('request', (req, res) => {
              if (readiness.started) handler(req, res);
            });
            return options.server!;
          },
        }
      : {}),
  });

  // Cross-cutting: headers, body parsers, cookies, the one error handler.
  await app.register(securityHeaders, { secure: config.publicUrl.startsWith('https://') });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  registerErrorHandler(app, services.database.health);
  await app.register(requestLog, { usage: services.usageCollector });
  await app.register(finiteNumbers);
  // Before any route, so that every route schema lands in /openapi.json.
  await app.register(openapi, { publicUrl: config.publicUrl });

  // Operations.
  await app.register(healthRoutes, { database: services.database, readiness });
  await app.register(metrics, { sources: [services.webhookMetrics] });

  // The authorization server under /oauth2, the customer's sign-in/consent steps, and token info.
  await app.register(oauthPlugin, {
    provider: services.provider,
    polling: services.devicePolling,
    legacyTokenRequests: async (clientId) => allowsLegacyTokenRequests(await services.apps.getApp(clientId)),
  });
  await app.register(interactionRoutes, {
    provider: services.provider,
    sessions: services.sessions,
    accounts: services.accounts,
    apps: services.apps,
    // "Allow" grants the app access: the audit log keeps who allowed what, from where.
    onConsent: (e) =>
      services.audit.record({
        action: 'consent.given',
        actor: { type: 'customer', id: e.userId },
        object: { type: 'grant', id: e.grantId },
        clientId: e.clientId,
        origin: { ip: e.ip, userAgent: e.userAgent },
        detail: { scopes: e.scopes },
      }),
  });
  await app.register(tokenInfoRoutes, { bearer: services.bearer });
  await app.register(deviceRoutes);

  // Pages.
  await app.register(staticRoutes);
  await app.register(homeRoutes);
  await app.register(accountRoutes, { accounts: services.accounts, sessions: services.sessions, devices: services.devices });
  await app.register(developerRoutes, { developers: services.developers, sessions: services.sessions, devices: services.devices });
  await app.register(developerAppsRoutes, {
    developers: services.developers,
    sessions: services.sessions,
    portal: services.developerApps,
    usage: services.usage,
    publicUrl: config.publicUrl,
    now: () => services.clock.now().toISOString(),
  });
  await app.register(appWebhooksRoutes, {
    developers: services.developers,
    sessions: services.sessions,
    portal: services.developerApps,
    webhooks: services.webhooks,
  });
  await app.register(explorerRoutes, {
    apps: services.apps,
    developers: services.developers,
    sessions: services.sessions,
    credentials: services.explorerCredentials,
    publicUrl: config.publicUrl,
  });
  await app.register(connectionRoutes, {
    accounts: services.accounts,
    sessions: services.sessions,
    connections: services.connections,
    publicUrl: config.publicUrl,
  });
  // The customer's lists and their imports, exports and activities, through the same services as /v3.
  await app.register(listPageRoutes, {
    accounts: services.accounts,
    sessions: services.sessions,
    lists: services.lists,
    contacts: services.contacts,
    activities: services.activities,
    imports: services.imports,
    bulk: services.bulk,
    importMaxBytes: config.importMaxBytes,
  });
  await app.register(docsRoutes);
  // The operator console at /admin: operators sign in with a password and a TOTP code; its usage page
  // (nav entry and a link on each app's page) shows what the usage collector counted.
  const consoleLinks: ConsoleLinks = { usage: USAGE_PATH };
  await app.register(operatorRoutes, { operators: services.operators, sessions: services.sessions, devices: services.devices });
  await app.register(consoleRoutes, {
    operators: services.operators,
    sessions: services.sessions,
    consoleApps: services.consoleApps,
    links: consoleLinks,
  });
  await app.register(consolePeopleRoutes, { operators: services.operators, sessions: services.sessions, people: services.consolePeople, links: consoleLinks });
  await app.register(auditRoutes, {
    audit: services.audit,
    operators: services.operators,
    developers: services.developers,
    accounts: services.accounts,
    sessions: services.sessions,
    links: consoleLinks,
  });
  await app.register(consoleUsageRoutes, {
    operators: services.operators,
    sessions: services.sessions,
    usage: services.usage,
    consoleApps: services.consoleApps,
    links: consoleLinks,
  });
  await app.register(resubscribePageRoutes, { resubscribe: services.resubscribe, sessions: services.sessions });

  // The /v3 API (Constant Contact v3 dialect): JSON bodies only; every API route module registers here.
  await app.register(
    async (v3) => {
      await v3.register(apiScope);
      // Every /v3 call is authenticated (and rate-limited) first; each route then requires the one scope it
      // declares in config.scope (src/api-auth/README.md).
      await v3.register(apiAuth, { bearer: services.bearer });
      await v3.register(queryParams);
      await v3.register(contactRoutes, { contacts: services.contacts });
      await v3.register(resubscribeRoutes, { resubscribe: services.resubscribe });
      await v3.register(listRoutes, { lists: services.lists });
      await v3.register(tagRoutes, { tags: services.tags });
      await v3.register(customFieldRoutes, { customFields: services.customFields });
      await v3.register(activityRoutes, { activities: services.activities });
      // Bulk activities (imports, exports, membership, tagging and deletion jobs); multipart is scoped to
      // the file import route inside this module.
      await v3.register(bulkRoutes, { bulk: services.bulk, imports: services.imports, importMaxBytes: config.importMaxBytes });
      await v3.register(accountSummaryRoutes, { accounts: services.accounts });
      await v3.register(accountServicesRoutes, { accounts: services.accounts, accountServices: services.accountServices });
      // The calling app's own usage (calls, errors, 429s, latency) per day or hour.
      await v3.register(usageRoutes, { usage: services.usage });
      // Webhooks: the calling app's subscriptions on the token's account.
      await v3.register(webhookRoutes, { webhooks: services.webhooks, readiness });
    },
    { prefix: '/v3' },
  );

  // The legacy v2 API (Constant Contact v2 contacts dialect) over the same services: JSON only, the API key
  // required on every call (checked before the token), rate limits answered as v2 did; each route declares its
  // scope as /v3 routes do.
  await app.register(
    async (v2) => {
      await v2.register(apiScope);
      await v2.register(v2Scope);
      await v2.register(apiAuth, { bearer: services.bearer });
      // A parameter a /v2 route does not declare is refused with 400, never ignored.
      await v2.register(queryParams);
      await v2.register(v2ContactRoutes, { v2: services.legacyV2 });
      await v2.register(v2ListRoutes, { v2: services.legacyV2 });
      await v2.register(v2ActivityRoutes, { activities: services.legacyV2Activities });
    },
    { prefix: '/v2' },
  );

  return app;
}
