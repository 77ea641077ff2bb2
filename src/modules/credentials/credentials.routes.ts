// The email-link pages every password realm shares, mounted under its base path: verify, resend the
// link, forgotten password, reset. Handlers read the form, call the realm's service and pick the page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { attempt, formOf } from '../../web/forms.ts';
import { sendPage } from '../../web/layout.ts';
import { safeReturnTo } from '../../web/redirects.ts';
import type { WebSessions } from '../../web/sessions.ts';
import * as views from './credentials.views.ts';

const FORM_ROUTE = { schema: { hide: true } } as const;
const LINK_ROUTE = {
  schema: { hide: true, querystring: Type.Object({ token: Type.Optional(Type.String()), return_to: Type.Optional(Type.String()) }) },
} as const;

export type EmailLinkService = {
  verifyEmail(token: unknown): Promise<unknown>;
  resendVerification(email: unknown): Promise<void>;
  requestPasswordReset(email: unknown): Promise<void>;
  isResetTokenUsable(token: unknown): Promise<boolean>;
  resetPassword(token: unknown, password: unknown): Promise<{ id: string }>;
};

export type CredentialRouteOptions = { pages: views.RealmPages; service: EmailLinkService; sessions: WebSessions };

export default async function credentialRoutes(app: FastifyInstance, opts: CredentialRouteOptions): Promise<void> {
  const { pages: r, service, sessions } = opts;
  const base = r.basePath;
  const post = { ...FORM_ROUTE, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);
  type LinkQuery = { token?: string; return_to?: string };

  app.get(`${base}/verify`, LINK_ROUTE, async (request, reply) => {
    const query = request.query as LinkQuery;
    const back = safeReturnTo(query.return_to, '');
    return attempt(
      () => service.verifyEmail(query.token),
      () => reply.redirect(`${base}/sign-in?verified=1${back ? `&return_to=${encodeURIComponent(back)}` : ''}`, 303),
      (error) => sendPage(reply, views.verifyFailedPage(r, csrf(request, reply), error)),
    );
  });

  app.get(`${base}/verify/resend`, FORM_ROUTE, (request, reply) => sendPage(reply, views.resendPage(r, csrf(request, reply))));
  app.post(`${base}/verify/resend`, post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => service.resendVerification(form.email),
      () => sendPage(reply, views.resendPage(r, csrf(request, reply), form, undefined, true)),
      (error) => sendPage(reply, views.resendPage(r, csrf(request, reply), form, error)),
    );
  });

  app.get(`${base}/forgot-password`, FORM_ROUTE, (request, reply) => sendPage(reply, views.forgotPasswordPage(r, csrf(request, reply))));
  app.post(`${base}/forgot-password`, post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => service.requestPasswordReset(form.email),
      () => sendPage(reply, views.forgotPasswordPage(r, csrf(request, reply), form, undefined, true)),
      (error) => sendPage(reply, views.forgotPasswordPage(r, csrf(request, reply), form, error)),
    );
  });

  // Showing the form does not use the link, so a mail scanner that opens it leaves it working.
  app.get(`${base}/reset-password`, LINK_ROUTE, async (request, reply) => {
    const token = (request.query as LinkQuery).token ?? '';
    return sendPage(reply, views.resetPasswordPage(r, csrf(request, reply), token, await service.isResetTokenUsable(token)));
  });
  app.post(`${base}/reset-password`, post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => service.resetPassword(form.token, form.password),
      async (subject) => {
        await sessions.endAll(subject.id);
        return reply.redirect(`${base}/sign-in?reset=1`, 303);
      },
      (error) => sendPage(reply, views.resetPasswordPage(r, csrf(request, reply), form.token ?? '', true, error)),
    );
  });
}
