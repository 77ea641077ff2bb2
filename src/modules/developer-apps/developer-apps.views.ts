// The portal's application pages: My Applications (keys always visible), Register Application (name and
// terms only), the API key shown at once, and a new secret shown once.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { describeDuration } from '../../shared/durations.ts';
import { formatDate } from '../../web/format.ts';
import { checkboxField, type Form, radioField } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import type { AppView } from '../apps/apps.service.ts';
import { developerNav } from '../developers/developers.views.ts';
import type { AppWithStats } from './developer-apps.service.ts';

export const KIND_LABELS: Record<string, string> = {
  web: 'Web app',
  native: 'Native / single-page (PKCE)',
  device: 'Device',
  private: 'Private integration',
};

/** The kinds a developer can pick, in plain words; the register form and the settings page share them. */
export const APP_KIND_CHOICES = [
  { value: 'web', label: 'Web app', hint: 'runs on your server and keeps a client secret. Works with the API Tester.' },
  {
    value: 'native',
    label: 'Native app or script (PKCE)',
    hint: 'a desktop, phone or browser app, or a script or cron job signed in once with listgate login. Works with both the API Tester and listgate login.',
  },
  { value: 'device', label: 'Device or command line', hint: 'a TV, printer or CLI: the customer types a code on another screen (listgate login only, not the API Tester).' },
];

export function page(title: string, body: SafeHtml, status = 200): PageOptions {
  return { title, body, status, nav: developerNav(true) };
}

function statusBadge(app: AppView): SafeHtml {
  if (app.suspended_at) return html`<span class="badge disabled">Suspended</span>`;
  return html`<span class="badge ${app.status}">${app.status === 'active' ? 'Active' : 'Disabled'}</span>`;
}

export function appsListPage(email: string, rows: AppWithStats[], flash?: string): PageOptions {
  return page(
    'My Applications',
    html`<h1>My Applications</h1>
<p class="muted">Signed in as ${email}. Your API key is the <code>x-api-key</code> of every call, and the OAuth <code>client_id</code>.</p>
${flash ? notice('success', flash) : ''}
<p class="actions"><a class="button" href="/developer/apps/register">Register a new application</a> <a href="/explorer">Open the API Tester</a></p>
${
  rows.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Your applications</caption>
  <thead><tr><th scope="col">Application</th><th scope="col">API key</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Tokens granted</th></tr></thead>
  <tbody>
  ${rows.map(
    ({ app, stats }) => html`<tr>
    <td><a href="/developer/apps/${app.client_id}">${app.name}</a><br><span class="muted">${KIND_LABELS[app.kind]}</span></td>
    <td><code class="key">${app.client_id}</code></td>
    <td>${statusBadge(app)}</td>
    <td>${formatDate(app.created_at)}</td>
    <td>${stats.tokens}<br><span class="muted">last used ${formatDate(stats.last_used_at)}</span></td>
  </tr>`,
  )}
  </tbody>
</table></div>`
    : html`<div class="card"><p>You have no applications yet. Register one to get your API key: it takes a name and a tick.</p></div>`
}`,
  );
}

export function registerPage(csrf: string, form: Form = {}, error?: AppError): PageOptions {
  const f = error?.fields ?? {};
  return {
    ...page(
      'Register Application',
      html`<h1>Register an application</h1>
<p class="muted">Everything else (redirect URIs, token lifetime, logo) has good defaults and can be changed later on the application's settings page.</p>
${error && !Object.keys(f).length ? notice('error', error.message) : ''}
<form method="post" action="/developer/apps/register" class="card" novalidate>
  ${csrfInput(csrf)}
  ${field({ name: 'name', label: 'Application Name', value: form.name, hint: 'The app or integration you are connecting to Listgate. Customers see it when they allow access.', error: f.name })}
  ${radioField({ name: 'kind', legend: 'What kind of application is it?', choices: APP_KIND_CHOICES, value: form.kind ?? 'web', error: f.kind })}
  <p class="hint" id="kind-cron">For a script or cron job: choose <strong>Native app or script</strong> if it acts for a customer who approves it once with <code>listgate login</code>. A script that only works on your own customer account needs no developer app: create a <a href="/account/integrations">private integration</a> in your customer account instead.</p>
  ${checkboxField({ name: 'terms', label: html`I agree to the <a href="/developer/terms">terms of service</a>`, checked: form.terms === 'yes', error: f.terms })}
  <div class="actions"><button type="submit">Register Application</button></div>
</form>`,
      error?.status ?? 200,
    ),
    narrow: true,
  };
}

export function secretBlock(secret: string, label = 'Client secret'): SafeHtml {
  return html`<div class="field">
  <span class="label" id="secret-label">${label}</span>
  <code class="secret" aria-labelledby="secret-label">${secret}</code>
  <p class="hint">Copy it now: it is stored only as a hash and will not be shown again. You can generate a new one at any time.</p>
</div>`;
}

/** Where the secret went when the page is shown again (reload, back button): it is shown once only. */
function secretShownBefore(app: AppView): SafeHtml {
  return html`<p class="muted">The client secret was shown once, when the application was registered. If you did not copy it, make a new one on the <a href="/developer/apps/${app.client_id}">application settings</a> page.</p>`;
}

/** For the kinds that `listgate login` signs in with: the command to run, ready to copy. */
function cliLogin(app: AppView, publicUrl: string): SafeHtml | '' {
  if (app.kind !== 'native' && app.kind !== 'device') return '';
  return html`<h2>For a script or cron job</h2>
<p>Sign in once on the machine that runs it, as the user that runs it (see the cron guide in the documentation):</p>
<pre class="response">listgate login --server ${publicUrl} --api-key ${app.client_id}</pre>`;
}

export function registeredPage(app: AppView, secret: string | null, publicUrl: string): PageOptions {
  return {
    ...page(
      'Your API key',
      html`<h1>Your API key</h1>
${notice('success', html`<strong>${app.name}</strong> is registered.`)}
<div class="card">
  <div class="field">
    <span class="label" id="key-label">API key</span>
    <code class="secret" id="api-key" aria-labelledby="key-label">${app.client_id}</code>
    <p class="hint">Also the OAuth <code>client_id</code>. It stays visible under My Applications.</p>
  </div>
  ${secret ? secretBlock(secret) : app.confidential ? secretShownBefore(app) : ''}
  <p class="muted">Access tokens for this app last ${describeDuration(app.access_token_ttl)} (${app.access_token_ttl} seconds) unless you change it in the settings.</p>
</div>
${cliLogin(app, publicUrl)}
<h2>Next: get an access token</h2>
<p>Open the API Tester, click <strong>Get Access Token</strong>, sign in with the Listgate customer account the app should use, and click <strong>Allow</strong>.</p>
<p class="actions"><a class="button" href="/explorer?key=${app.client_id}">Open the API Tester</a> <a href="/developer/apps/${app.client_id}">Application settings</a> <a href="/developer/apps">My Applications</a></p>`,
    ),
    narrow: true,
  };
}

/** `revealed` is null when the page is shown again: the new secret was shown once already. */
export function newSecretPage(app: AppView, revealed: Record<string, string> | null, now: string): PageOptions {
  const previousExpiresAt = revealed?.previous_expires_at ?? now;
  const immediate = previousExpiresAt <= now;
  return {
    ...page(
      'New client secret',
      html`<h1>New client secret for ${app.name}</h1>
${
  revealed?.secret
    ? html`${notice('success', immediate ? 'The previous secret stopped working now.' : html`The previous secret keeps working until ${formatDate(previousExpiresAt)}; switch your deployment before then.`)}
<div class="card">${secretBlock(revealed.secret, 'New client secret')}</div>`
    : html`<div class="card"><p>The new secret was shown once, right after you made it. If you did not copy it, make another one on the settings page.</p></div>`
}
<p><a href="/developer/apps/${app.client_id}">Back to the application settings</a></p>`,
    ),
    narrow: true,
  };
}
