// The audit log's pages: /admin/audit (every entry, CSV export) for operators, /developer/audit (the entries
// of the developer's own apps) and /account/audit (the entries of the customer's own account). The scope comes
// from the session, never from the request.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendPage } from '../../web/layout.ts';
import { ACCOUNT_NAV } from '../accounts/accounts.routes.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import { consoleNav, type ConsoleLinks } from '../console/console.views.ts';
import { type DeveloperRouteDeps, requireDeveloper } from '../developers/developers.routes.ts';
import { developerNav } from '../developers/developers.views.ts';
import { originOf, type OperatorRouteDeps, requireOperator } from '../operators/operators.routes.ts';
import type { AuditService } from './audit.service.ts';
import { auditPage } from './audit.views.ts';

const PAGE_ROUTE = { schema: { hide: true } } as const;

type Deps = OperatorRouteDeps & DeveloperRouteDeps & { audit: AuditService; accounts: AccountsService; links: ConsoleLinks };

const queryOf = (request: FastifyRequest): Record<string, string | undefined> => {
  const q = request.query as Record<string, unknown>;
  return Object.fromEntries(['q', 'action', 'before'].map((k) => [k, typeof q[k] === 'string' ? (q[k] as string) : undefined]));
};

export default async function auditRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { audit, sessions, accounts, links } = deps;

  app.get('/admin/audit', PAGE_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const query = queryOf(request);
    const page = await audit.search(query);
    return sendPage(reply, auditPage({ title: 'Audit log', intro: 'Every recorded action, newest first. Entries are never changed; they are removed after the retention period (AUDIT_RETENTION_DAYS).', action: '/admin/audit', query, page, nav: consoleNav(links), csv: true }));
  });

  app.get('/admin/audit.csv', PAGE_ROUTE, async (request, reply) => {
    const operator = await requireOperator(request, reply, deps);
    if (!operator) return reply;
    const query = queryOf(request);
    const csv = await audit.exportCsv(query);
    await audit.record({ action: 'audit.exported', actor: { type: 'operator', id: operator.id, name: operator.email }, origin: originOf(request), detail: { filter: query } });
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="listgate-audit.csv"')
      .header('Cache-Control', 'no-store')
      .send(csv);
  });

  app.get('/developer/audit', PAGE_ROUTE, async (request, reply) => {
    const developer = await requireDeveloper(request, reply, deps);
    if (!developer) return reply;
    const query = queryOf(request);
    const page = await audit.search(query, { developerId: developer.id });
    return sendPage(reply, auditPage({ title: 'Audit log of your apps', intro: 'What happened to your apps: changes, secret rotations, grants, revocations, suspensions.', action: '/developer/audit', query, page, nav: developerNav(true) }));
  });

  app.get('/account/audit', PAGE_ROUTE, async (request, reply) => {
    const userId = await sessions.current(request, 'account');
    const user = userId ? await accounts.getUser(userId) : undefined;
    if (!user) return reply.redirect(`/account/sign-in?return_to=${encodeURIComponent('/account/audit')}`, 303);
    const query = queryOf(request);
    const page = await audit.search(query, { accountId: user.account_id });
    return sendPage(reply, auditPage({ title: 'Activity log', intro: 'Sign-ins, apps you allowed or revoked, exports and deletions on your account.', action: '/account/audit', query, page, nav: ACCOUNT_NAV }));
  });
}
