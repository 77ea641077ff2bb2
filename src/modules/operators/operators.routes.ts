// Operator sign-in under /admin: password (the credential core's rules: throttling, verified email), then the
// second factor. Until a TOTP app is enrolled and a code given, the browser holds only an `operator-2fa`
// session, which opens the set-up and code pages and nothing else; requireOperator guards every console page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attempt, formOf } from '../../web/forms.ts';
import type { KnownDevices } from '../../web/known-devices.ts';
import { sendPage } from '../../web/layout.ts';
import { safeReturnTo } from '../../web/redirects.ts';
import type { WebSessions } from '../../web/sessions.ts';
import credentialRoutes from '../credentials/credentials.routes.ts';
import type { OperatorsService, OperatorView } from './operators.service.ts';
import * as views from './operators.views.ts';

const FORM_ROUTE = { schema: { hide: true } } as const;
const RECOVERY_PATH = '/admin/recovery-codes';

export type OperatorRouteDeps = { operators: OperatorsService; sessions: WebSessions };

/** Where a request came from, for the audit log. */
export const originOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

/** The fully signed-in operator (password and second factor); otherwise redirects and returns null. */
export async function requireOperator(request: FastifyRequest, reply: FastifyReply, deps: OperatorRouteDeps): Promise<OperatorView | null> {
  const id = await deps.sessions.current(request, 'operator');
  const operator = id ? await deps.operators.getOperator(id) : null;
  if (operator?.totpEnabled) return operator;
  const back = encodeURIComponent(safeReturnTo(request.url, '/admin'));
  const pending = await deps.sessions.current(request, 'operator-2fa');
  reply.redirect(pending ? `/admin/two-factor?return_to=${back}` : `/admin/sign-in?return_to=${back}`, 303);
  return null;
}

export default async function operatorRoutes(app: FastifyInstance, deps: OperatorRouteDeps & { devices: KnownDevices }): Promise<void> {
  const { operators, sessions, devices } = deps;
  const post = { ...FORM_ROUTE, preHandler: sessions.verifyCsrf };
  const csrf = (request: FastifyRequest, reply: FastifyReply) => sessions.csrfToken(request, reply);
  const returnToOf = (request: FastifyRequest, form: Record<string, string | undefined> = {}) =>
    safeReturnTo(form.return_to ?? (request.query as Record<string, string>).return_to, '/admin');

  /** The operator past the password step, or null after redirecting to sign-in. */
  async function pendingOperator(request: FastifyRequest, reply: FastifyReply): Promise<OperatorView | null> {
    const id = await sessions.current(request, 'operator-2fa');
    const operator = id ? await operators.getOperator(id) : null;
    if (!operator) reply.redirect('/admin/sign-in', 303);
    return operator;
  }

  /** Swaps the half session for a full one once the second factor is given. */
  async function finishSignIn(request: FastifyRequest, reply: FastifyReply, operator: OperatorView): Promise<void> {
    await sessions.end(request, reply, 'operator-2fa');
    await sessions.start(reply, 'operator', operator.id);
  }

  await app.register(credentialRoutes, { pages: views.OPERATOR_PAGES, service: operators, sessions });

  app.get('/admin/sign-in', FORM_ROUTE, (request, reply) => {
    const query = request.query as Record<string, string>;
    const info = query.verified === '1' ? 'Your email address is verified. Sign in to set up your authenticator app.' : query.reset === '1' ? 'Your new password is saved. Sign in with it.' : undefined;
    return sendPage(reply, views.signInPage(csrf(request, reply), returnToOf(request), {}, undefined, info));
  });
  app.post('/admin/sign-in', post, async (request, reply) => {
    const form = formOf(request.body);
    return attempt(
      () => operators.signIn(form.email, form.password, originOf(request), devices.read(request, 'operator', form.email)),
      async (operator) => {
        await sessions.start(reply, 'operator-2fa', operator.id);
        devices.remember(request, reply, 'operator', operator.email);
        const back = encodeURIComponent(returnToOf(request, form));
        // RFC 9700 §4.12: 303 so the browser never re-posts the credentials
        return reply.redirect(operator.totpEnabled ? `/admin/two-factor?return_to=${back}` : '/admin/enrol', 303);
      },
      (error) => sendPage(reply.headers(error.headers), views.signInPage(csrf(request, reply), returnToOf(request, form), form, error)),
    );
  });

  app.get('/admin/enrol', FORM_ROUTE, async (request, reply) => {
    const operator = await pendingOperator(request, reply);
    if (!operator) return reply;
    if (operator.totpEnabled) return reply.redirect('/admin/two-factor', 303);
    return sendPage(reply, views.enrolPage(csrf(request, reply), await operators.enrolment(operator.id)));
  });
  app.post('/admin/enrol', post, async (request, reply) => {
    const operator = await pendingOperator(request, reply);
    if (!operator) return reply;
    const form = formOf(request.body);
    return attempt(
      () => operators.confirmEnrolment(operator.id, form.code, originOf(request)),
      async (codes) => {
        await finishSignIn(request, reply, operator);
        sessions.reveal.stash(reply, RECOVERY_PATH, { codes: codes.join(' ') });
        return reply.redirect(RECOVERY_PATH, 303);
      },
      async (error) => sendPage(reply.headers(error.headers), views.enrolPage(csrf(request, reply), await operators.enrolment(operator.id), error)),
    );
  });

  app.get(RECOVERY_PATH, FORM_ROUTE, async (request, reply) => {
    if (!(await requireOperator(request, reply, deps))) return reply;
    const sealed = sessions.reveal.take(request, reply, RECOVERY_PATH);
    return sendPage(reply, views.recoveryCodesPage(sealed?.codes ? sealed.codes.split(' ') : null));
  });

  app.get('/admin/two-factor', FORM_ROUTE, async (request, reply) => {
    const operator = await pendingOperator(request, reply);
    if (!operator) return reply;
    if (!operator.totpEnabled) return reply.redirect('/admin/enrol', 303);
    return sendPage(reply, views.secondFactorPage(csrf(request, reply), returnToOf(request)));
  });
  app.post('/admin/two-factor', post, async (request, reply) => {
    const operator = await pendingOperator(request, reply);
    if (!operator) return reply;
    const form = formOf(request.body);
    return attempt(
      () => operators.verifySecondFactor(operator.id, form.code, originOf(request)),
      async () => {
        await finishSignIn(request, reply, operator);
        return reply.redirect(returnToOf(request, form), 303);
      },
      (error) => sendPage(reply.headers(error.headers), views.secondFactorPage(csrf(request, reply), returnToOf(request, form), error)),
    );
  });

  app.get('/admin/sign-out', FORM_ROUTE, async (request, reply) => {
    const operator = await requireOperator(request, reply, deps);
    return operator ? sendPage(reply, views.signOutPage(csrf(request, reply), operator.email)) : reply;
  });
  app.post('/admin/sign-out', post, async (request, reply) => {
    await sessions.end(request, reply, 'operator');
    await sessions.end(request, reply, 'operator-2fa');
    return reply.redirect('/admin/sign-in', 303);
  });
}
