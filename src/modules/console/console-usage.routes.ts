// The console's usage page: every app's calls summed per day with the apps that made the most, or one app's
// usage (?app=<API key>), each downloadable as CSV. The numbers are the ones the developer portal and
// GET /v3/usage show, from the same service.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { html } from '../../shared/html.ts';
import { attempt } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import { type OperatorRouteDeps, requireOperator } from '../operators/operators.routes.ts';
import { type UsageService, usageCsv } from '../usage/usage.service.ts';
import { topAppsTable, usageSection } from '../usage/usage.views.ts';
import type { ConsoleAppsService } from './console-apps.service.ts';
import { FORM_ROUTE } from './console.routes.ts';
import { type ConsoleLinks, consolePage, errorNotice } from './console.views.ts';

export const USAGE_PATH = '/admin/usage';

type Deps = OperatorRouteDeps & { usage: UsageService; consoleApps: ConsoleAppsService; links: ConsoleLinks };
type Query = { Querystring: Record<string, string | undefined> };

export default async function consoleUsageRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { usage, consoleApps, links } = deps;
  const csvHref = (clientId?: string) => `${USAGE_PATH}.csv${clientId ? `?app=${encodeURIComponent(clientId)}` : ''}`;

  app.get<Query>(USAGE_PATH, FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const clientId = request.query.app;
    if (clientId) {
      return attempt(
        async () => ({ detail: await consoleApps.detail(clientId), series: await usage.forApp(clientId) }),
        ({ detail, series }) =>
          sendPage(
            reply,
            consolePage(
              `Usage of ${detail.name}`,
              html`<h1>Usage of <a href="/admin/apps/${detail.client_id}">${detail.name}</a></h1>
<p><a href="${USAGE_PATH}">All apps</a></p>
${usageSection(series, csvHref(clientId))}`,
              links,
            ),
          ),
        (error) => sendPage(reply, consolePage('Usage', html`<h1>Usage</h1>${errorNotice(error)}<p><a href="${USAGE_PATH}">All apps</a></p>`, links, error.status)),
      );
    }
    const [series, top] = await Promise.all([usage.overall(), usage.topApps()]);
    return sendPage(
      reply,
      consolePage(
        'Usage',
        html`<h1>Usage of the API</h1>
${usageSection(series, csvHref(), 'any app')}
<section class="card" aria-label="Apps with the most calls">${topAppsTable(top, (id) => `${USAGE_PATH}?app=${encodeURIComponent(id)}`)}</section>`,
        links,
      ),
    );
  });

  // The same numbers as CSV (?app, ?granularity=day|hour, ?start, ?end as GET /v3/usage takes them).
  app.get<Query>(`${USAGE_PATH}.csv`, FORM_ROUTE, async (request, reply: FastifyReply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const { app: clientId, ...query } = request.query;
    return attempt(
      async () => {
        if (clientId) await consoleApps.detail(clientId);
        return clientId ? usage.forApp(clientId, query) : usage.overall(query);
      },
      (series) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="usage-${clientId ? 'app' : 'all'}-${series.granularity}-${series.start.slice(0, 10)}.csv"`)
          .send(usageCsv(clientId ?? '*', series)),
      (error) => reply.code(error.status).type('text/plain; charset=utf-8').send(`${error.message}\n`),
    );
  });
}
