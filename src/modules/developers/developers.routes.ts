// Developer account pages under /developer: sign up, sign in, sign out, terms; the email-link pages
// (verify, resend, password reset) come from the credential core's routes.
// Handlers only read the form, call the service and pick the page; the rules live in the service.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attempt, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import { safeReturnTo } from '../../web/redirects.ts';
import type { KnownDevices } from '../../web/known-devices.ts';
import type { WebSessions } from '../../web/sessions.ts';
import credentialRoutes from '../credentials/credentials.routes.ts';
import { checkEmailPage } from '../credentials/credentials.views.ts';
import { FORM_ROUTE } from './developers.schemas.ts';
import type { DevelopersService, DeveloperView } from './developers.service.ts';
import * as views from './developers.views.ts';

export type DeveloperRouteDeps = { developers: DevelopersService; sessions: WebSessions };

/** The signed-in developer, or null. */
export async function currentDeveloper(request: FastifyRequest, deps: DeveloperRouteDeps): Promise<DeveloperView | null> {
  const id = await deps.sessions.current(request, 'developer');
  return id ? deps.developers.getDeveloper(id) : null;
}

/** The signed-in developer; otherwise redirects to sign-in and returns null. */
export async function requireDeveloper(request: FastifyRequest, reply: FastifyReply, deps: DeveloperRouteDeps): Promise<DeveloperView | null> {
  const developer = await currentDeveloper(request, deps);
  if (!developer) reply.redirect(`/developer/sign-in?return_to=${encodeURIComponent(safeReturnTo(request.url, '/developer/apps'))}`, 303);
  return developer;
}

export default async function developerRoutes(app: FastifyInstance, deps: DeveloperRouteDeps & { devices: KnownDevices }): Promise<void> {
  const { developers, sessions, devices } = deps;
  const post = { ...FORM_ROUTE, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);
  const returnToOf = (request: FastifyRequest, form: Record<string, string | undefined> = {}) =>
    safeReturnTo(form.return_to ?? (request.query as Record<string, string>).return_to, '/developer/apps');

  await app.register(credentialRoutes, { pages: views.DEVELOPER_PAGES, service: developers, sessions });

  app.get('/developer', FORM_ROUTE, async (request, reply) =>
    (await currentDeveloper(request, deps)) ? reply.redirect('/developer/apps', 303) : sendPage(reply, views.landingPage()),
  );

  app.get('/developer/sign-up', FORM_ROUTE, (request, reply) => sendPage(reply, views.signUpPage(csrf(request, reply))));
  app.post('/developer/sign-up', post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => developers.signUp(form, request.ip),
      (sent) => sendPage(reply, checkEmailPage(views.DEVELOPER_PAGES, csrf(request, reply), sent.email)),
      (error) => sendPage(reply.headers(error.headers), views.signUpPage(csrf(request, reply), form, error)),
    );
  });

  app.get('/developer/sign-in', FORM_ROUTE, (request, reply) => {
    const query = request.query as Record<string, string>;
    const info =
      query.verified === '1'
        ? 'Your email address is verified. Sign in to register your application.'
        : query.reset === '1'
          ? 'Your new password is saved. Sign in with it.'
          : undefined;
    return sendPage(reply, views.signInPage(csrf(request, reply), returnToOf(request), {}, undefined, info));
  });
  app.post('/developer/sign-in', post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => developers.signIn(form.email, form.password, request.ip, devices.read(request, 'developer', form.email), request.headers['user-agent'] ?? null),
      async (developer) => {
        await sessions.start(reply, 'developer', developer.id);
        devices.remember(request, reply, 'developer', developer.email);
        // RFC 9700 §4.12: 303 so the browser never re-posts the credentials
        return reply.redirect(returnToOf(request, form), 303);
      },
      (error) => sendPage(reply.headers(error.headers), views.signInPage(csrf(request, reply), returnToOf(request, form), form, error)),
    );
  });

  app.get('/developer/sign-out', FORM_ROUTE, async (request, reply) => {
    const developer = await requireDeveloper(request, reply, deps);
    return developer ? sendPage(reply, views.signOutPage(csrf(request, reply), developer.email)) : reply;
  });
  app.post('/developer/sign-out', post, async (request, reply) => {
    await sessions.end(request, reply, 'developer');
    return reply.redirect('/developer/sign-in', 303);
  });

  app.get('/developer/terms', FORM_ROUTE, async (request, reply) =>
    sendPage(reply, views.termsPage(!!(await currentDeveloper(request, deps)))),
  );
}
