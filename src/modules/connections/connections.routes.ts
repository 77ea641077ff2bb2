// Customer pages for connections: /account/apps (Connected apps, Revoke) and /account/integrations
// (private integrations). Each handler checks the customer's session and calls one service function.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../../errors.ts';
import { attempt, type Form, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { UserRow } from '../accounts/accounts.repository.ts';
import type { ConnectionsService } from './connections.service.ts';
import * as views from './connections.views.ts';

type Deps = { accounts: AccountsService; sessions: WebSessions; connections: ConnectionsService; publicUrl: string };
type ClientRequest = FastifyRequest<{ Params: { clientId: string } }>;

const FLASHES: Record<string, string> = {
  deleted: 'The integration is deleted; its secret and tokens no longer work.',
};

export default async function connectionRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { accounts, sessions, connections } = deps;
  const hide = { schema: { hide: true } };
  const post = { ...hide, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);
  const tokenUrl = `${deps.publicUrl}/oauth2/token`;

  /** Runs `then` with the signed-in customer, or sends the browser to the customer sign-in first. */
  async function withUser(request: FastifyRequest, reply: FastifyReply, then: (user: UserRow) => Promise<unknown>) {
    const userId = await sessions.current(request, 'account');
    const user = userId ? await accounts.getUser(userId) : undefined;
    if (user) return then(user);
    return reply.redirect(`/account/sign-in?return_to=${encodeURIComponent(request.url.split('?')[0]!)}`, 303);
  }

  const resultPath = (clientId: string) => `/account/integrations/${clientId}/created`;
  /** Seals the new secret for the result page and sends the browser there (303). */
  function revealThen(reply: FastifyReply, clientId: string, secret: string, done: 'created' | 'rotated') {
    sessions.reveal.stash(reply, resultPath(clientId), { secret });
    return reply.redirect(`${resultPath(clientId)}${done === 'rotated' ? '?done=rotated' : ''}`, 303);
  }

  async function showIntegrations(request: FastifyRequest, reply: FastifyReply, user: UserRow, extra: { error?: AppError; errorFor?: string } = {}) {
    const list = await connections.integrations(user.account_id);
    const flash = FLASHES[(request.query as Form).done ?? ''];
    return sendPage(reply, views.integrationsPage({ csrf: csrf(request, reply), list, form: formOf(request.body), flash, ...extra }));
  }

  app.get('/account/apps', hide, (request, reply) =>
    withUser(request, reply, async (user) => {
      const revoked = (request.query as Form).revoked;
      const flash = revoked === '1' ? 'Access revoked: that app can no longer use your account, and its tokens stopped working.' : undefined;
      return sendPage(reply, views.connectedAppsPage(csrf(request, reply), user.email, await connections.connectedApps(user.id), flash));
    }),
  );

  app.post<{ Params: { grantId: string } }>('/account/apps/:grantId/revoke', post, (request, reply) =>
    withUser(request, reply, (user) =>
      attempt(
        () => connections.revoke(user.id, request.params.grantId),
        () => reply.redirect('/account/apps?revoked=1', 303),
        () => reply.redirect('/account/apps', 303),
      ),
    ),
  );

  app.get('/account/integrations', hide, (request, reply) => withUser(request, reply, (user) => showIntegrations(request, reply, user)));

  app.post('/account/integrations', post, (request, reply) =>
    withUser(request, reply, (user) =>
      attempt(
        () => connections.createIntegration(user.account_id, formOf(request.body).name),
        (created) => revealThen(reply, created.app.client_id, created.client_secret ?? '', 'created'),
        (error) => showIntegrations(request, reply, user, { error, errorFor: 'create' }),
      ),
    ),
  );

  app.post('/account/integrations/:clientId/secret', post, (request: ClientRequest, reply) =>
    withUser(request, reply, (user) =>
      attempt(
        () => connections.rotateSecret(user.account_id, request.params.clientId),
        (rotated) => revealThen(reply, rotated.app.client_id, rotated.client_secret, 'rotated'),
        () => reply.callNotFound(),
      ),
    ),
  );

  // Post/redirect/get: reloading the result shows the client id again but creates nothing.
  app.get('/account/integrations/:clientId/created', hide, (request: ClientRequest, reply) =>
    withUser(request, reply, (user) =>
      attempt(
        () => connections.requireIntegration(user.account_id, request.params.clientId),
        (integration) => {
          const revealed = sessions.reveal.take(request, reply, resultPath(request.params.clientId));
          const rotated = (request.query as Form).done === 'rotated';
          return sendPage(reply, views.integrationCreatedPage(integration, revealed?.secret || null, tokenUrl, rotated));
        },
        () => reply.callNotFound(),
      ),
    ),
  );

  app.post('/account/integrations/:clientId/delete', post, (request: ClientRequest, reply) =>
    withUser(request, reply, (user) =>
      attempt(
        () => connections.deleteIntegration(user.account_id, request.params.clientId, formOf(request.body).confirm),
        () => reply.redirect('/account/integrations?done=deleted', 303),
        (error) => (error.status === 404 ? reply.callNotFound() : showIntegrations(request, reply, user, { error, errorFor: request.params.clientId })),
      ),
    ),
  );
}
