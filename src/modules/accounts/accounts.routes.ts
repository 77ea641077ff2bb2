// Customer account pages: sign up, sign in, sign out and the account home under /account; the email-link
// pages (verify, resend, password reset) come from the credential core's routes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { html } from '../../shared/html.ts';
import type { KnownDevices } from '../../web/known-devices.ts';
import { csrfInput, field, notice, sendPage, type NavLink } from '../../web/layout.ts';
import { safeReturnTo } from '../../web/redirects.ts';
import type { WebSessions } from '../../web/sessions.ts';
import credentialRoutes from '../credentials/credentials.routes.ts';
import { checkEmailPage, formNotice, PASSWORD_HINT, type RealmPages, resendForm } from '../credentials/credentials.views.ts';
import type { AccountsService } from './accounts.service.ts';

type Form = Record<string, string | undefined>;

export const ACCOUNT_NAV: NavLink[] = [
  { href: '/account', label: 'Account' },
  { href: '/account/lists', label: 'Lists' },
  { href: '/account/activities', label: 'Activities' },
  { href: '/account/apps', label: 'Connected apps' },
  { href: '/account/integrations', label: 'Private integrations' },
  { href: '/account/audit', label: 'Activity log' },
];

/** The customer realm's wording of the shared email-link pages. */
export const ACCOUNT_PAGES: RealmPages = {
  basePath: '/account',
  account: 'Listgate account',
  nav: [{ href: '/account/sign-in', label: 'Sign in' }],
};

const SIGN_IN_INFO: Record<string, string> = {
  verified: 'Your email address is verified. Sign in to continue.',
  reset: 'Your new password is saved. Sign in with it.',
};

export default async function accountRoutes(
  app: FastifyInstance,
  opts: { accounts: AccountsService; sessions: WebSessions; devices: KnownDevices },
): Promise<void> {
  const { accounts, sessions, devices } = opts;
  const csrf = { preHandler: sessions.verifyCsrf };
  await app.register(credentialRoutes, { pages: ACCOUNT_PAGES, service: accounts, sessions });

  function signInPage(request: FastifyRequest, reply: FastifyReply, form: Form = {}, error?: AppError) {
    const query = request.query as Form;
    const returnTo = safeReturnTo(form.return_to ?? query.return_to, '/account');
    const info = SIGN_IN_INFO[query.verified === '1' ? 'verified' : query.reset === '1' ? 'reset' : ''];
    const token = sessions.csrfToken(request, reply);
    return sendPage(reply.headers(error?.headers ?? {}), {
      title: 'Sign in',
      narrow: true,
      status: error?.status ?? 200,
      body: html`<h1>Sign in to your Listgate account</h1>
<p class="muted">Use your customer account, the one that owns your contacts (not a developer account).</p>
${info ? notice('success', info) : ''}
${formNotice(error)}
<form method="post" action="/account/sign-in" class="card" novalidate>
  ${csrfInput(token)}
  <input type="hidden" name="return_to" value="${returnTo}">
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'username', error: error?.fields.email })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
  <div class="actions"><button type="submit">Sign in</button> <a href="/account/forgot-password">Forgot your password?</a></div>
</form>
${error?.status === 403 ? resendForm(ACCOUNT_PAGES, token, form.email) : ''}
<p>New to Listgate? <a href="/account/sign-up?return_to=${encodeURIComponent(returnTo)}">Create an account</a></p>`,
    });
  }

  function signUpPage(request: FastifyRequest, reply: FastifyReply, form: Form = {}, error?: AppError) {
    const returnTo = safeReturnTo(form.return_to ?? (request.query as Form).return_to, '/account');
    const f = error?.fields ?? {};
    return sendPage(reply.headers(error?.headers ?? {}), {
      title: 'Create an account',
      narrow: true,
      status: error?.status ?? 200,
      body: html`<h1>Create your Listgate account</h1>
${formNotice(error)}
<form method="post" action="/account/sign-up" class="card" novalidate>
  ${csrfInput(sessions.csrfToken(request, reply))}
  <input type="hidden" name="return_to" value="${returnTo}">
  ${field({ name: 'organizationName', label: 'Organization name', value: form.organizationName, autocomplete: 'organization', required: false, error: f.organizationName })}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'email', error: f.email })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, error: f.password })}
  <div class="actions"><button type="submit">Create account</button></div>
</form>
<p>Already have an account? <a href="/account/sign-in?return_to=${encodeURIComponent(returnTo)}">Sign in</a></p>`,
    });
  }

  app.get('/account/sign-in', { schema: { hide: true } }, (request, reply) => signInPage(request, reply));

  app.post('/account/sign-in', { schema: { hide: true }, ...csrf }, async (request, reply) => {
    const form = request.body as Form;
    try {
      const user = await accounts.signIn(form.email, form.password, request.ip, devices.read(request, 'account', form.email), request.headers['user-agent'] ?? null);
      await sessions.start(reply, 'account', user.id);
      devices.remember(request, reply, 'account', user.email);
      // RFC 9700 §4.12: 303 so the browser never re-posts the credentials
      return reply.redirect(safeReturnTo(form.return_to, '/account'), 303);
    } catch (error) {
      if (error instanceof AppError) return signInPage(request, reply, form, error);
      throw error;
    }
  });

  app.get('/account/sign-up', { schema: { hide: true } }, (request, reply) => signUpPage(request, reply));

  app.post('/account/sign-up', { schema: { hide: true }, ...csrf }, async (request, reply) => {
    const form = request.body as Form;
    try {
      const sent = await accounts.register({ ...form, email: form.email, password: form.password }, request.ip, safeReturnTo(form.return_to, '/account'));
      return sendPage(reply, checkEmailPage(ACCOUNT_PAGES, sessions.csrfToken(request, reply), sent.email));
    } catch (error) {
      if (error instanceof AppError) return signUpPage(request, reply, form, error);
      throw error;
    }
  });

  app.post('/account/sign-out', { schema: { hide: true }, ...csrf }, async (request, reply) => {
    await sessions.end(request, reply, 'account');
    return reply.redirect('/account/sign-in', 303);
  });

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const userId = await sessions.current(request, 'account');
    const user = userId ? await accounts.getUser(userId) : undefined;
    if (!user) return reply.redirect('/account/sign-in', 303);
    const summary = await accounts.getSummary(user.account_id);
    return sendPage(reply, {
      title: 'Your account',
      nav: ACCOUNT_NAV,
      body: html`<h1>${summary.organization_name}</h1>
<div class="card">
  <p>Signed in as <strong>${user.email}</strong>.</p>
  <ul>
    <li><a href="/account/apps">Connected apps</a>: the apps you allowed to use your account, and a way to revoke them.</li>
    <li><a href="/account/integrations">Private integrations</a>: credentials for your own scripts and cron jobs.</li>
  </ul>
  <form method="post" action="/account/sign-out">${csrfInput(sessions.csrfToken(request, reply))}<button class="secondary" type="submit">Sign out</button></form>
</div>`,
    });
  });
}
