// The developer portal's webhook pages under /developer/apps/{clientId}/webhooks: the app's subscriptions
// on every account that granted it, one subscription's delivery log, and resend / replay (post/redirect/get).
// Everything goes through the webhooks service, as the API does; an app the developer does not own is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../../errors.ts';
import { attempt, type Form, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import { requireDeveloper } from '../developers/developers.routes.ts';
import type { DevelopersService, DeveloperView } from '../developers/developers.service.ts';
import type { WebhooksService } from '../webhooks/webhooks.service.ts';
import { type SubscriptionView, subscriptionPage, subscriptionsPage } from './app-webhooks.views.ts';
import type { DeveloperAppsService } from './developer-apps.service.ts';

type Deps = { developers: DevelopersService; sessions: WebSessions; portal: DeveloperAppsService; webhooks: WebhooksService };
type AppRequest = FastifyRequest<{ Params: { clientId: string } }>;
type HookRequest = FastifyRequest<{ Params: { clientId: string; webhookId: string } }>;

const FLASHES: Record<string, string> = {
  resent: 'The event is queued: it goes out before the rest of the backlog.',
  replayed: 'Replay started: every change since that time is being delivered again, in order.',
};

export default async function appWebhooksRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { sessions, portal, webhooks } = deps;
  const hide = { schema: { hide: true } };
  const post = { ...hide, preHandler: sessions.verifyCsrf };

  /** Runs `then` with the signed-in developer's own app, sign-in first, or a 404 for anyone else's. */
  async function withOwnApp(request: AppRequest, reply: FastifyReply, then: (developer: DeveloperView) => Promise<unknown>) {
    const developer = await requireDeveloper(request, reply, deps);
    if (!developer) return reply;
    return attempt(() => portal.requireOwned(developer.id, request.params.clientId), () => then(developer), () => reply.callNotFound());
  }

  /** The subscription page, with the error of a failed form; a subscription of another app is a 404. */
  async function show(request: HookRequest, reply: FastifyReply, developer: DeveloperView, extra: Partial<SubscriptionView> = {}) {
    const { clientId, webhookId } = request.params;
    const scope = await webhooks.scopeForClient(clientId, webhookId);
    const [owned, subscription, log] = await Promise.all([
      portal.requireOwned(developer.id, clientId),
      webhooks.getWebhook(scope, webhookId),
      webhooks.listAttempts(scope, webhookId),
    ]);
    const flash = FLASHES[(request.query as Form).done ?? ''];
    const csrf = sessions.csrfToken(request, reply);
    return sendPage(reply, subscriptionPage({ csrf, app: owned, subscription: { account_id: scope.accountId, ...subscription }, attempts: log.attempts, flash, ...extra }));
  }

  const failed = (request: HookRequest, reply: FastifyReply, developer: DeveloperView, errorFor: 'resend' | 'replay') => (error: AppError) =>
    error.status === 404 ? reply.callNotFound() : show(request, reply, developer, { error, errorFor, form: formOf(request.body) });

  /** Resend or replay through the webhooks service, then back to the subscription page (303). */
  const act = (request: HookRequest, reply: FastifyReply, done: 'resent' | 'replayed', run: (form: Form) => Promise<unknown>) =>
    withOwnApp(request, reply, async (developer) =>
      attempt(
        () => run(formOf(request.body)),
        () => reply.redirect(`/developer/apps/${request.params.clientId}/webhooks/${request.params.webhookId}?done=${done}`, 303),
        failed(request, reply, developer, done === 'resent' ? 'resend' : 'replay'),
      ),
    );
  const scopeOf = (request: HookRequest) => webhooks.scopeForClient(request.params.clientId, request.params.webhookId);

  app.get<{ Params: { clientId: string } }>('/developer/apps/:clientId/webhooks', hide, (request, reply) =>
    withOwnApp(request, reply, async (developer) => {
      const owned = await portal.requireOwned(developer.id, request.params.clientId);
      return sendPage(reply, subscriptionsPage(owned, await webhooks.listForClient(owned.client_id)));
    }),
  );

  app.get<{ Params: { clientId: string; webhookId: string } }>('/developer/apps/:clientId/webhooks/:webhookId', hide, (request, reply) =>
    withOwnApp(request, reply, (developer) => attempt(() => show(request, reply, developer), (r) => r, () => reply.callNotFound())),
  );

  app.post<{ Params: { clientId: string; webhookId: string } }>('/developer/apps/:clientId/webhooks/:webhookId/resend', post, (request, reply) =>
    act(request, reply, 'resent', async (form) => webhooks.resendEvent(await scopeOf(request), request.params.webhookId, (form.event_id ?? '').trim())),
  );

  app.post<{ Params: { clientId: string; webhookId: string } }>('/developer/apps/:clientId/webhooks/:webhookId/replay', post, (request, reply) =>
    act(request, reply, 'replayed', async (form) => webhooks.replaySince(await scopeOf(request), request.params.webhookId, (form.since ?? '').trim())),
  );
}
