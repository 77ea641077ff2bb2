// The console's developers, customer accounts and jobs pages under /admin, each behind requireOperator.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attempt, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import { originOf, type OperatorRouteDeps, requireOperator } from '../operators/operators.routes.ts';
import type { ConsolePeopleService } from './console-people.service.ts';
import * as views from './console-people.views.ts';
import { actorOf, FORM_ROUTE } from './console.routes.ts';
import type { ConsoleLinks } from './console.views.ts';

type Deps = OperatorRouteDeps & { people: ConsolePeopleService; links: ConsoleLinks };
type IdParams = { Params: { id: string } };

const DONE: Record<string, string> = { suspended: 'Suspended. Their sessions have ended.', resumed: 'Resumed.', retried: 'The job is queued again.' };

export default async function consolePeopleRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { sessions, people, links } = deps;
  const post = { ...FORM_ROUTE, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);
  const q = (request: FastifyRequest) => String((request.query as Record<string, unknown>).q ?? '');
  const done = (request: FastifyRequest) => DONE[String((request.query as Record<string, unknown>).done)];

  app.get('/admin/developers', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    return sendPage(reply, views.developersPage(q(request), await people.searchDevelopers(q(request)), links));
  });
  app.get<IdParams>('/admin/developers/:id', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    return sendPage(reply, views.developerPage(await people.developer(request.params.id), { csrf: csrf(request, reply), done: done(request) }, links));
  });

  app.get('/admin/accounts', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    return sendPage(reply, views.accountsPage(q(request), await people.searchAccounts(q(request)), links));
  });
  app.get<IdParams>('/admin/accounts/:id', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    return sendPage(reply, views.accountPage(await people.account(request.params.id), { csrf: csrf(request, reply), done: done(request) }, links));
  });

  for (const kind of ['developer', 'account'] as const) {
    for (const action of ['suspend', 'resume'] as const) {
      app.post<IdParams>(`/admin/${kind}s/:id/${action}`, post, async (request, reply) => {
        const operator = await requireOperator(request, reply, deps);
        if (!operator) return reply;
        const { id } = request.params;
        const form = formOf(request.body);
        return attempt(
          () => people.setSuspended(kind, actorOf(operator), id, action === 'suspend', form, originOf(request)),
          () => reply.redirect(`/admin/${kind}s/${id}?done=${action === 'suspend' ? 'suspended' : 'resumed'}`, 303),
          async (error) => {
            const state = { csrf: csrf(request, reply), form, error };
            return sendPage(reply, kind === 'developer' ? views.developerPage(await people.developer(id), state, links) : views.accountPage(await people.account(id), state, links));
          },
        );
      });
    }
  }

  app.get('/admin/jobs', FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    return sendPage(reply, views.jobsPage(await people.jobs(), { csrf: csrf(request, reply), done: done(request) }, links));
  });
  app.post<IdParams>('/admin/jobs/:id/retry', post, async (request, reply) => {
    const operator = await requireOperator(request, reply, deps);
    if (!operator) return reply;
    const form = formOf(request.body);
    return attempt(
      () => people.retryJob(actorOf(operator), request.params.id, form, originOf(request)),
      () => reply.redirect('/admin/jobs?done=retried', 303),
      async (error) => sendPage(reply, views.jobsPage(await people.jobs(), { csrf: csrf(request, reply), form, error, failedId: request.params.id }, links)),
    );
  });
}
