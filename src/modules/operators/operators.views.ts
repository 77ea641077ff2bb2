// The operator's sign-in pages under /admin: password, second factor, authenticator set-up and the
// recovery codes shown once. Pure templates; the routes decide which one to show.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import { formNotice, type RealmPages, resendForm } from '../credentials/credentials.views.ts';

export const OPERATOR_PAGES: RealmPages = { basePath: '/admin', account: 'operator account', nav: [] };

function page(title: string, body: SafeHtml, status = 200): PageOptions {
  return { title, body, status, narrow: true, nav: [] };
}

export function signInPage(csrf: string, returnTo: string, form: Form = {}, error?: AppError, info?: string): PageOptions {
  return page(
    'Operator sign in',
    html`<h1>Operator console</h1>
<p class="muted">For the people who run this Listgate installation. Developers and customers sign in elsewhere.</p>
${info ? notice('success', info) : ''}
${formNotice(error)}
<form method="post" action="/admin/sign-in" class="card" novalidate>
  ${csrfInput(csrf)}
  <input type="hidden" name="return_to" value="${returnTo}">
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'username', error: error?.fields.email })}
  ${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' })}
  <div class="actions"><button type="submit">Sign in</button> <a href="/admin/forgot-password">Forgot your password?</a></div>
</form>
${error?.status === 403 ? resendForm(OPERATOR_PAGES, csrf, form.email) : ''}`,
    error?.status ?? 200,
  );
}

export function enrolPage(csrf: string, enrolment: { secret: string; uri: string }, error?: AppError): PageOptions {
  return page(
    'Set up your authenticator app',
    html`<h1>Set up your authenticator app</h1>
<p>Operators sign in with a password and a code from an authenticator app (any app that reads RFC 6238 codes:
1Password, Aegis, Google Authenticator, FreeOTP…). Nothing else in the console opens until this is done.</p>
${formNotice(error)}
<div class="card">
  <p>Add this account to your app, by opening or pasting the link:</p>
  <p><a href="${enrolment.uri}" id="totp-uri" class="break">${enrolment.uri}</a></p>
  <p>or by typing the key: <code id="totp-secret">${enrolment.secret}</code></p>
</div>
<form method="post" action="/admin/enrol" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'code', label: 'The 6-digit code the app shows now', autocomplete: 'one-time-code', error: error?.fields.code })}
  <div class="actions"><button type="submit">Confirm</button></div>
</form>`,
    error?.status ?? 200,
  );
}

export function recoveryCodesPage(codes: string[] | null): PageOptions {
  return page(
    'Recovery codes',
    codes
      ? html`<h1>Your recovery codes</h1>
${notice('success', 'Your authenticator app is set up.')}
<p>Keep these codes somewhere safe, apart from your phone. Each one signs you in once instead of a code from the app.
<strong>They are shown only now.</strong></p>
<ul class="codes" id="recovery-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<p><a class="button" href="/admin">Continue to the console</a></p>`
      : html`<h1>Recovery codes</h1>
<p>Recovery codes are shown once, right after the set-up, and this page has already been shown.</p>
<p><a class="button" href="/admin">Continue to the console</a></p>`,
  );
}

export function secondFactorPage(csrf: string, returnTo: string, error?: AppError): PageOptions {
  return page(
    'Enter your code',
    html`<h1>Enter your code</h1>
${formNotice(error)}
<form method="post" action="/admin/two-factor" class="card" novalidate>
  ${csrfInput(csrf)}
  <input type="hidden" name="return_to" value="${returnTo}">
  ${field({ name: 'code', label: 'Code from your authenticator app, or a recovery code', autocomplete: 'one-time-code', error: error?.fields.code })}
  <div class="actions"><button type="submit">Continue</button></div>
</form>`,
    error?.status ?? 200,
  );
}

export function signOutPage(csrf: string, email: string): PageOptions {
  return page('Sign out', html`<h1>Sign out</h1>
<p>Signed in as <strong>${email}</strong>.</p>
<form method="post" action="/admin/sign-out" class="card">${csrfInput(csrf)}<div class="actions"><button type="submit">Sign out</button></div></form>`);
}
