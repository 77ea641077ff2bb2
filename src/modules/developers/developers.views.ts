// The developer portal's account pages: sign up, sign in, sign out, terms (the email-link pages are the
// credential core's, worded by DEVELOPER_PAGES). Pure templates; the routes decide which one to show.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type NavLink, type PageOptions } from '../../web/layout.ts';
import { formNotice, PASSWORD_HINT, type RealmPages, resendForm } from '../credentials/credentials.views.ts';

export function developerNav(signedIn: boolean, returnTo = '/developer/apps'): NavLink[] {
  return signedIn
    ? [
        { href: '/developer/apps', label: 'My Applications' },
        { href: '/developer/apps/register', label: 'Register an app' },
        { href: '/explorer', label: 'API Tester' },
        { href: '/developer/audit', label: 'Audit log' },
        { href: '/developer/sign-out', label: 'Sign out' },
      ]
    : [
        { href: '/explorer', label: 'API Tester' },
        { href: `/developer/sign-in?return_to=${encodeURIComponent(returnTo)}`, label: 'Sign in' },
      ];
}

/** The developer realm's wording of the shared email-link pages. */
export const DEVELOPER_PAGES: RealmPages = { basePath: '/developer', account: 'developer account', nav: developerNav(false) };

function page(title: string, body: SafeHtml, status = 200, signedIn = false): PageOptions {
  return { title, body, status, narrow: true, nav: developerNav(signedIn) };
}

export function landingPage(): PageOptions {
  return {
    title: 'Developer portal',
    nav: developerNav(false),
    body: html`<h1>Listgate developer portal</h1>
<p>Register an application to get an <strong>API key</strong>, then get an <strong>access token</strong> in the API Tester.</p>
<div class="card">
  <h2>New here?</h2>
  <p>A developer account is separate from a customer account. It takes a minute: an email address, a password and a click on the link we send you.</p>
  <p class="actions"><a class="button" href="/developer/sign-up">Create a developer account</a> <a href="/developer/sign-in">Sign in</a></p>
</div>
<p><a href="/docs">API reference</a> · <a href="/explorer">API Tester</a> · <a href="/developer/terms">Terms of service</a></p>`,
  };
}

export function signUpPage(csrf: string, form: Form = {}, error?: AppError): PageOptions {
  const f = error?.fields ?? {};
  return page(
    'Create a developer account',
    html`<h1>Create a developer account</h1>
<p class="muted">This account is for building integrations. It is separate from your Listgate customer account.</p>
${formNotice(error)}
<form method="post" action="/developer/sign-up" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'name', label: 'Your name (optional)', value: form.name, autocomplete: 'name', required: false, error: f.name })}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'email', error: f.email })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, error: f.password })}
  <div class="actions"><button type="submit">Create account</button></div>
</form>
<p>Already have a developer account? <a href="/developer/sign-in">Sign in</a></p>`,
    error?.status ?? 200,
  );
}

export function signInPage(csrf: string, returnTo: string, form: Form = {}, error?: AppError, info?: string): PageOptions {
  const unverified = error?.status === 403;
  return page(
    'Developer sign in',
    html`<h1>Sign in to the developer portal</h1>
<p class="muted">Use your developer account, not your Listgate customer account.</p>
${info ? notice('success', info) : ''}
${formNotice(error)}
<form method="post" action="/developer/sign-in" class="card" novalidate>
  ${csrfInput(csrf)}
  <input type="hidden" name="return_to" value="${returnTo}">
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'username', error: error?.fields.email })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
  <div class="actions"><button type="submit">Sign in</button> <a href="/developer/forgot-password">Forgot your password?</a></div>
</form>
${unverified ? resendForm(DEVELOPER_PAGES, csrf, form.email) : ''}
<p>New here? <a href="/developer/sign-up">Create a developer account</a></p>`,
    error?.status ?? 200,
  );
}

export function signOutPage(csrf: string, email: string): PageOptions {
  return page(
    'Sign out',
    html`<h1>Sign out</h1>
<p>You are signed in to the developer portal as <strong>${email}</strong>.</p>
<form method="post" action="/developer/sign-out">${csrfInput(csrf)}<div class="actions"><button type="submit">Sign out</button> <a href="/developer/apps">Stay signed in</a></div></form>`,
    200,
    true,
  );
}

export function termsPage(signedIn: boolean): PageOptions {
  return {
    title: 'Terms of service',
    nav: developerNav(signedIn),
    body: html`<h1>Developer terms of service</h1>
<div class="card">
  <ol>
    <li>Use the API only for the accounts whose owners allowed your application, and only for what they allowed.</li>
    <li>Keep your client secret and every access token secret. Never put them in web pages, public repositories or logs.</li>
    <li>Respect the rate limits and the <code>Retry-After</code> header.</li>
    <li>Send email only to contacts who gave permission, and honour every unsubscribe at once.</li>
    <li>The operator of this Listgate server may disable an application that breaks these terms; its tokens then stop working.</li>
  </ol>
</div>
<p><a href="/developer/apps/register">Back to registering an application</a></p>`,
  };
}
