// The developer portal's application pages under /developer/apps. Each handler checks the developer's
// session, calls one service function and shows a page (or the form again with the messages).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../../errors.ts';
import { attempt, type Form, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import { requireDeveloper } from '../developers/developers.routes.ts';
import type { DevelopersService, DeveloperView } from '../developers/developers.service.ts';
import { settingsPage, type SettingsView } from './app-settings.views.ts';
import type { DeveloperAppsService } from './developer-apps.service.ts';
import * as views from './developer-apps.views.ts';
import { type UsageService, usageCsv } from '../usage/usage.service.ts';

type Deps = { developers: DevelopersService; sessions: WebSessions; portal: DeveloperAppsService; usage: UsageService; publicUrl: string; now: () => string };
type AppRequest = FastifyRequest<{ Params: { clientId: string } }>;

const FLASHES: Record<string, string> = {
  saved: 'Settings saved.',
  enabled: 'The application is enabled.',
  disabled: 'The application is disabled and every token it held has stopped working.',
  deleted: 'The application is deleted; its API key and tokens no longer work.',
};

export default async function developerAppsRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { sessions, portal } = deps;
  const hide = { schema: { hide: true } };
  const post = { ...hide, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);

  /** Runs `then` with the signed-in developer, or sends the browser to sign in first. */
  async function withDeveloper(request: FastifyRequest, reply: FastifyReply, then: (d: DeveloperView) => Promise<unknown>) {
    const developer = await requireDeveloper(request, reply, deps);
    return developer ? then(developer) : reply;
  }

  async function showSettings(request: AppRequest, reply: FastifyReply, developer: DeveloperView, extra: Partial<SettingsView> = {}) {
    const details = await portal.details(developer.id, request.params.clientId);
    const usage = await deps.usage.forDeveloperApp(developer.id, request.params.clientId);
    const flash = FLASHES[(request.query as Form).done ?? ''];
    const explorerRedirectUri = `${deps.publicUrl}/explorer/callback`;
    return sendPage(reply, settingsPage({ csrf: csrf(request, reply), ...details, explorerRedirectUri, usage, flash, ...extra }));
  }

  /** Seals the one-time values for the result page at `path` and sends the browser there (303). */
  const revealThen = (reply: FastifyReply, path: string, values: Record<string, string>) => {
    sessions.reveal.stash(reply, path, values);
    return reply.redirect(path, 303);
  };

  /** The settings page again with `error` next to the fields of the form that failed. */
  const failed = (request: AppRequest, reply: FastifyReply, developer: DeveloperView, errorFor: SettingsView['errorFor']) => (error: AppError) =>
    error.status === 404 ? reply.callNotFound() : showSettings(request, reply, developer, { error, errorFor, form: formOf(request.body) });

  app.get('/developer/apps', hide, (request, reply) =>
    withDeveloper(request, reply, async (developer) => {
      const flash = FLASHES[(request.query as Form).done ?? ''];
      return sendPage(reply, views.appsListPage(developer.email, await portal.listWithStats(developer.id), flash));
    }),
  );

  app.get('/developer/apps/register', hide, (request, reply) =>
    withDeveloper(request, reply, async () => sendPage(reply, views.registerPage(csrf(request, reply)))),
  );

  app.post('/developer/apps/register', post, (request, reply) =>
    withDeveloper(request, reply, async (developer) => {
      const form = formOf(request.body);
      return attempt(
        () => portal.register(developer.id, form),
        (created) => revealThen(reply, `/developer/apps/${created.app.client_id}/registered`, { secret: created.client_secret ?? '' }),
        (error) => sendPage(reply, views.registerPage(csrf(request, reply), form, error)),
      );
    }),
  );

  // Post/redirect/get: a reload of this page shows the key again but registers nothing.
  app.get<{ Params: { clientId: string } }>('/developer/apps/:clientId/registered', hide, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.requireOwned(developer.id, request.params.clientId),
        (owned) => sendPage(reply, views.registeredPage(owned, sessions.reveal.take(request, reply, request.url.split('?')[0]!)?.secret || null, deps.publicUrl)),
        () => reply.callNotFound(),
      ),
    ),
  );

  app.get<{ Params: { clientId: string } }>('/developer/apps/:clientId/new-secret', hide, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.requireOwned(developer.id, request.params.clientId),
        (owned) => sendPage(reply, views.newSecretPage(owned, sessions.reveal.take(request, reply, request.url.split('?')[0]!), deps.now())),
        () => reply.callNotFound(),
      ),
    ),
  );

  app.get<{ Params: { clientId: string } }>('/developer/apps/:clientId', hide, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(() => showSettings(request, reply, developer), (r) => r, () => reply.callNotFound()),
    ),
  );

  // The app's usage as CSV (?granularity=day|hour, start, end as GET /v3/usage takes them); only its owner's.
  app.get<{ Params: { clientId: string } }>('/developer/apps/:clientId/usage.csv', hide, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        async () => {
          await portal.requireOwned(developer.id, request.params.clientId);
          return deps.usage.forDeveloperApp(developer.id, request.params.clientId, request.query as Form);
        },
        (series) =>
          reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="usage-${series.granularity}-${series.start.slice(0, 10)}.csv"`)
            .send(usageCsv(request.params.clientId, series)),
        (error) => (error.status === 404 ? reply.callNotFound() : reply.code(error.status).type('text/plain; charset=utf-8').send(`${error.message}\n`)),
      ),
    ),
  );

  app.post<{ Params: { clientId: string } }>('/developer/apps/:clientId', post, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.updateSettings(developer.id, request.params.clientId, formOf(request.body)),
        (saved) => reply.redirect(`/developer/apps/${saved.client_id}?done=saved`, 303),
        failed(request, reply, developer, 'settings'),
      ),
    ),
  );

  app.post<{ Params: { clientId: string } }>('/developer/apps/:clientId/secret', post, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.rotateSecret(developer.id, request.params.clientId, formOf(request.body).grace),
        (rotated) =>
          revealThen(reply, `/developer/apps/${request.params.clientId}/new-secret`, {
            secret: rotated.client_secret,
            previous_expires_at: rotated.previous_expires_at,
          }),
        failed(request, reply, developer, 'secret'),
      ),
    ),
  );

  app.post<{ Params: { clientId: string } }>('/developer/apps/:clientId/status', post, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.setStatus(developer.id, request.params.clientId, formOf(request.body).status),
        (changed) => reply.redirect(`/developer/apps/${changed.client_id}?done=${changed.status === 'active' ? 'enabled' : 'disabled'}`, 303),
        failed(request, reply, developer, 'status'),
      ),
    ),
  );

  app.post<{ Params: { clientId: string } }>('/developer/apps/:clientId/delete', post, (request, reply) =>
    withDeveloper(request, reply, (developer) =>
      attempt(
        () => portal.remove(developer.id, request.params.clientId, formOf(request.body).confirm),
        () => reply.redirect('/developer/apps?done=deleted', 303),
        failed(request, reply, developer, 'delete'),
      ),
    ),
  );
}
