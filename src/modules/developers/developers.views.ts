// The developer portal's account pages: sign up, check your email, sign in, resend the link, forgotten
// password, reset, sign out, terms. Pure templates; the routes decide which one to show.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { MIN_PASSWORD_LENGTH } from '../../shared/passwords.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type NavLink, type PageOptions } from '../../web/layout.ts';

export function developerNav(signedIn: boolean, returnTo = '/developer/apps'): NavLink[] {
  return signedIn
    ? [
        { href: '/developer/apps', label: 'My Applications' },
        { href: '/developer/apps/register', label: 'Register an app' },
        { href: '/explorer', label: 'API Tester' },
        { href: '/developer/sign-out', label: 'Sign out' },
      ]
    : [
        { href: '/explorer', label: 'API Tester' },
        { href: `/developer/sign-in?return_to=${encodeURIComponent(returnTo)}`, label: 'Sign in' },
      ];
}

const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters; not a common password.`;

/** The page-level message for errors that belong to no single field. */
function formNotice(error?: AppError): SafeHtml | string {
  return error && !Object.keys(error.fields).length ? notice('error', error.message) : '';
}

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

export function checkEmailPage(csrf: string, email: string): PageOptions {
  return page(
    'Check your email',
    html`<h1>Check your email</h1>
${notice('success', html`We sent a verification link to <strong>${email}</strong>. Open it to verify your address, then sign in.`)}
<p>No mail after a few minutes? Look in your spam folder, or send a new link:</p>
${resendForm(csrf, email)}`,
  );
}

function resendForm(csrf: string, email = '', error?: string | null): SafeHtml {
  return html`<form method="post" action="/developer/verify/resend" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: email, autocomplete: 'email', error })}
  <div class="actions"><button type="submit" class="secondary">Send a new link</button></div>
</form>`;
}

export function resendPage(csrf: string, form: Form = {}, error?: AppError, sent = false): PageOptions {
  return page(
    'Send a new verification link',
    html`<h1>Send a new verification link</h1>
${sent ? notice('success', 'If an unverified developer account uses this address, a new link is on its way. Older links no longer work.') : ''}
${formNotice(error)}
${resendForm(csrf, form.email, error?.fields.email)}
<p><a href="/developer/sign-in">Back to sign in</a></p>`,
    error?.status ?? 200,
  );
}

export function verifyFailedPage(csrf: string, error: AppError): PageOptions {
  return page(
    'Verification link',
    html`<h1>We could not verify your address</h1>
${notice('error', error.message)}
${resendForm(csrf)}`,
    error.status,
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
${unverified ? resendForm(csrf, form.email) : ''}
<p>New here? <a href="/developer/sign-up">Create a developer account</a></p>`,
    error?.status ?? 200,
  );
}

export function forgotPasswordPage(csrf: string, form: Form = {}, error?: AppError, sent = false): PageOptions {
  return page(
    'Forgot your password',
    html`<h1>Reset your developer password</h1>
${sent ? notice('success', 'If a developer account uses this address, we sent it a link to choose a new password. The link works for 60 minutes.') : html`<p>Enter the email address of your developer account and we will send you a link to choose a new password.</p>`}
${formNotice(error)}
<form method="post" action="/developer/forgot-password" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'email', error: error?.fields.email })}
  <div class="actions"><button type="submit">Send the link</button></div>
</form>
<p><a href="/developer/sign-in">Back to sign in</a></p>`,
    error?.status ?? 200,
  );
}

export function resetPasswordPage(csrf: string, token: string, usable: boolean, error?: AppError): PageOptions {
  if (!usable || (error && !error.fields.password)) {
    return page(
      'Reset your password',
      html`<h1>Reset your password</h1>
${notice('error', error?.message ?? 'This link has expired or was already used. Ask for a new one.')}
<p><a class="button" href="/developer/forgot-password">Send a new link</a></p>`,
      error?.status ?? 410,
    );
  }
  return page(
    'Choose a new password',
    html`<h1>Choose a new password</h1>
<form method="post" action="/developer/reset-password" class="card" novalidate>
  ${csrfInput(csrf)}
  <input type="hidden" name="token" value="${token}">
  ${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, error: error?.fields.password })}
  <div class="actions"><button type="submit">Save the new password</button></div>
</form>`,
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
