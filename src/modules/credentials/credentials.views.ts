// The pages every password realm shares (customer accounts, developers): check your email, verification
// failed, resend the link, forgotten password and reset. Pure templates, worded per realm.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { MIN_PASSWORD_LENGTH } from '../../shared/passwords.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type NavLink, type PageOptions } from '../../web/layout.ts';

export type RealmPages = {
  /** `/account` or `/developer`. */
  basePath: string;
  /** "developer account" or "Listgate account", as in "If a developer account uses this address". */
  account: string;
  nav: NavLink[];
};

export const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters; not a common password.`;

/** The page-level message for errors that belong to no single field. */
export function formNotice(error?: AppError): SafeHtml | string {
  return error && !Object.keys(error.fields).length ? notice('error', error.message) : '';
}

function page(r: RealmPages, title: string, body: SafeHtml, status = 200): PageOptions {
  return { title, body, status, narrow: true, nav: r.nav };
}

export function resendForm(r: RealmPages, csrf: string, email = '', error?: string | null): SafeHtml {
  return html`<form method="post" action="${r.basePath}/verify/resend" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: email, autocomplete: 'email', error })}
  <div class="actions"><button type="submit" class="secondary">Send a new link</button></div>
</form>`;
}

/** The answer to every valid sign-up, whether the address was new or already had an account. */
export function checkEmailPage(r: RealmPages, csrf: string, email: string): PageOptions {
  return page(
    r,
    'Check your email',
    html`<h1>Check your email</h1>
${notice('success', html`We sent a message to <strong>${email}</strong>. Open the link in it to verify your address, then sign in. If you already have an account, the message says how to sign in.`)}
<p>No mail after a few minutes? Look in your spam folder, or send a new link:</p>
${resendForm(r, csrf, email)}`,
  );
}

export function verifyFailedPage(r: RealmPages, csrf: string, error: AppError): PageOptions {
  return page(r, 'Verification link', html`<h1>We could not verify your address</h1>
${notice('error', error.message)}
${resendForm(r, csrf)}`, error.status);
}

export function resendPage(r: RealmPages, csrf: string, form: Form = {}, error?: AppError, sent = false): PageOptions {
  return page(
    r,
    'Send a new verification link',
    html`<h1>Send a new verification link</h1>
${sent ? notice('success', `If an unverified ${r.account} uses this address, a new link is on its way. Older links no longer work.`) : ''}
${formNotice(error)}
${resendForm(r, csrf, form.email, error?.fields.email)}
<p><a href="${r.basePath}/sign-in">Back to sign in</a></p>`,
    error?.status ?? 200,
  );
}

export function forgotPasswordPage(r: RealmPages, csrf: string, form: Form = {}, error?: AppError, sent = false): PageOptions {
  return page(
    r,
    'Forgot your password',
    html`<h1>Reset your password</h1>
${sent ? notice('success', `If a ${r.account} uses this address, we sent it a link to choose a new password. The link works for 60 minutes.`) : html`<p>Enter the email address of your ${r.account} and we will send you a link to choose a new password.</p>`}
${formNotice(error)}
<form method="post" action="${r.basePath}/forgot-password" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'email', label: 'Email address', type: 'email', value: form.email, autocomplete: 'email', error: error?.fields.email })}
  <div class="actions"><button type="submit">Send the link</button></div>
</form>
<p><a href="${r.basePath}/sign-in">Back to sign in</a></p>`,
    error?.status ?? 200,
  );
}

export function resetPasswordPage(r: RealmPages, csrf: string, token: string, usable: boolean, error?: AppError): PageOptions {
  if (!usable || (error && !error.fields.password)) {
    return page(r, 'Reset your password', html`<h1>Reset your password</h1>
${notice('error', error?.message ?? 'This link has expired or was already used. Ask for a new one.')}
<p><a class="button" href="${r.basePath}/forgot-password">Send a new link</a></p>`, error?.status ?? 410);
  }
  return page(
    r,
    'Choose a new password',
    html`<h1>Choose a new password</h1>
<form method="post" action="${r.basePath}/reset-password" class="card" novalidate>
  ${csrfInput(csrf)}
  <input type="hidden" name="token" value="${token}">
  ${field({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: PASSWORD_HINT, error: error?.fields.password })}
  <div class="actions"><button type="submit">Save the new password</button></div>
</form>`,
    error?.status ?? 200,
  );
}
