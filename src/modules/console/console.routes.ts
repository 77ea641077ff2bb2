// The operator console at /admin: home and apps. Every page requires a fully signed-in operator (password
// and TOTP); handlers read the form, call one service function and pick the page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attempt, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import { originOf, type OperatorRouteDeps, requireOperator } from '../operators/operators.routes.ts';
import type { OperatorView } from '../operators/operators.service.ts';
import type { ConsoleAppsService } from './console-apps.service.ts';
import * as appViews from './console-apps.views.ts';
import { type ConsoleLinks, homePage } from './console.views.ts';

export const FORM_ROUTE = { schema: { hide: true } } as const;

export type ConsoleRouteDeps = OperatorRouteDeps & { consoleApps: ConsoleAppsService; links: ConsoleLinks };

export const actorOf = (operator: OperatorView) => ({ type: 'operator' as const, id: operator.id, name: operator.email });

type AppParams = { Params: { clientId: string } };

const DONE: Record<string, string> = {
  suspended: 'The app is suspended. Its tokens are refused on every node.',
  resumed: 'The app is resumed. Its tokens work again.',
  limits: 'The rate limits are saved. Every node applies them at once.',
  rotated: 'The secret is rotated.',
};

export default async function consoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): Promise<void> {
  const { sessions, consoleApps, links } = deps;
  const post = { ...FORM_ROUTE, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);

  app.get('/admin', FORM_ROUTE, async (request, reply) => {
    const operator = await requireOperator(request, reply, deps);
    return operator ? sendPage(reply, homePage(operator.email, links)) : reply;
  });

  app.get('/admin/apps', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const q = String((request.query as Record<string, unknown>).q ?? '');
    return sendPage(reply, appViews.appsPage(q, await consoleApps.search(q), links));
  });

  app.get<AppParams>('/admin/apps/:clientId', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const path = `/admin/apps/${request.params.clientId}`;
    const detail = await consoleApps.detail(request.params.clientId);
    const done = DONE[String((request.query as Record<string, unknown>).done)];
    const secret = sessions.reveal.take(request, reply, path)?.secret;
    return sendPage(reply, appViews.appPage(detail, { csrf: csrf(request, reply), done, secret }, links));
  });

  /** One POST action on an app: run it, then back to the app's page, or the page again with the errors. */
  function appAction(name: string, done: string, run: (operator: OperatorView, clientId: string, form: Record<string, string | undefined>, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
    app.post<AppParams>(`/admin/apps/:clientId/${name}`, post, async (request, reply) => {
      const operator = await requireOperator(request, reply, deps);
      if (!operator) return reply;
      const { clientId } = request.params;
      const form = formOf(request.body);
      return attempt(
        () => run(operator, clientId, form, request, reply),
        () => reply.redirect(`/admin/apps/${clientId}?done=${done}`, 303),
        async (error) =>
          sendPage(reply.headers(error.headers), appViews.appPage(await consoleApps.detail(clientId), { csrf: csrf(request, reply), form, error, errorFor: name === 'rotate-secret' ? 'rotate' : name }, links)),
      );
    });
  }

  appAction('suspend', 'suspended', (operator, clientId, form, request) => consoleApps.suspend(actorOf(operator), clientId, form, originOf(request)));
  appAction('resume', 'resumed', (operator, clientId, form, request) => consoleApps.resume(actorOf(operator), clientId, form, originOf(request)));
  appAction('limits', 'limits', (operator, clientId, form, request) => consoleApps.setLimits(actorOf(operator), clientId, form, originOf(request)));
  appAction('rotate-secret', 'rotated', async (operator, clientId, form, request, reply) => {
    const secret = await consoleApps.rotateSecret(actorOf(operator), clientId, form, originOf(request));
    sessions.reveal.stash(reply, `/admin/apps/${clientId}`, { secret });
  });
}
