// Pages of a customer's connections: Connected apps (what each app may do, since when, last use, Revoke)
// and Private integrations (create one, see its client id and secret once, rotate, delete).
import type { AppError } from '../../errors.ts';
import { describeScopes } from '../../api-auth/scopes.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { formatDate } from '../../web/format.ts';
import { checkboxField, type Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import { ACCOUNT_NAV } from '../accounts/accounts.routes.ts';
import type { AppView } from '../apps/apps.service.ts';
import type { ConnectedApp, Integration } from './connections.service.ts';

export function connectedAppsPage(csrf: string, email: string, grants: ConnectedApp[], flash?: string): PageOptions {
  return {
    title: 'Connected apps',
    nav: ACCOUNT_NAV,
    body: html`<h1>Connected apps</h1>
<p class="muted">Apps you allowed to use the Listgate account of ${email}. Revoke one and every token it holds stops working at once.</p>
${flash ? notice('success', flash) : ''}
${
  grants.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Apps connected to your account</caption>
  <thead><tr><th scope="col">App</th><th scope="col">What it may do</th><th scope="col">Allowed</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
  <tbody>
  ${grants.map(
    (g) => html`<tr>
    <td><strong>${g.app_name}</strong><br><span class="muted">API key <code>${g.client_id}</code></span></td>
    <td><ul class="scopes">${describeScopes(g.scopes).map((d) => html`<li>${d}</li>`)}</ul></td>
    <td>${formatDate(g.granted_at)}</td>
    <td>${formatDate(g.last_used_at)}</td>
    <td><form method="post" action="/account/apps/${g.grant_id}/revoke">${csrfInput(csrf)}<button type="submit" class="danger" aria-label="Revoke ${g.app_name}">Revoke</button></form></td>
  </tr>`,
  )}
  </tbody>
</table></div>`
    : html`<div class="card"><p>No app can use your account. When you click Allow for an app, it appears here.</p></div>`
}`,
  };
}

function credentials(app: AppView, secret: string | null, tokenUrl: string): SafeHtml {
  const publicUrl = tokenUrl.replace(/\/oauth2\/token$/, '');
  const shownSecret = secret ?? 'CLIENT_SECRET';
  return html`<div class="card">
  <div class="field"><span class="label" id="cid-label">Client id (API key)</span><code class="secret" aria-labelledby="cid-label">${app.client_id}</code></div>
  ${
    secret
      ? html`<div class="field"><span class="label" id="secret-label">Client secret</span><code class="secret" aria-labelledby="secret-label">${secret}</code>
  <p class="hint">Copy it now: it is stored only as a hash and will not be shown again.</p></div>`
      : html`<p class="muted">The client secret was shown once, right after it was made. If you did not copy it, make a new one under <a href="/account/integrations">Private integrations</a>.</p>`
  }
  <p>Your script gets a token with the client-credentials grant, with no person present:</p>
  <pre class="response">curl -u '${app.client_id}:${shownSecret}' -d grant_type=client_credentials ${tokenUrl}</pre>
  <p>Then it calls the API with <code>Authorization: Bearer &lt;access_token&gt;</code> and <code>x-api-key: ${app.client_id}</code>. For a cron job, the command line keeps the secret in a file only the job can read and gets tokens by itself:</p>
  <pre class="response">listgate login --server ${publicUrl} --client-id ${app.client_id} --client-secret-file ~/.config/listgate-secret</pre>
</div>`;
}

/** `secret` is null when the page is shown again (reload): the secret was shown once already. */
export function integrationCreatedPage(app: AppView, secret: string | null, tokenUrl: string, rotated = false): PageOptions {
  return {
    title: 'Private integration',
    nav: ACCOUNT_NAV,
    body: html`<h1>${app.name}</h1>
${notice('success', rotated ? 'A new secret is ready; the previous one stopped working.' : 'Your private integration is ready.')}
${credentials(app, secret, tokenUrl)}
<p><a href="/account/integrations">Back to Private integrations</a></p>`,
  };
}

export function integrationsPage(o: { csrf: string; list: Integration[]; form?: Form; error?: AppError; errorFor?: string; flash?: string }): PageOptions {
  const { csrf } = o;
  const createError = o.errorFor === 'create' ? o.error?.fields.name : undefined;
  return {
    title: 'Private integrations',
    nav: ACCOUNT_NAV,
    status: o.error?.status ?? 200,
    body: html`<h1>Private integrations</h1>
<p class="muted">Credentials for your own scripts and cron jobs: they act on this account only, with no browser and no person present.</p>
${o.flash ? notice('success', o.flash) : ''}
${o.error && !Object.keys(o.error.fields).length ? notice('error', o.error.message) : ''}
<form method="post" action="/account/integrations" class="card" novalidate>
  <h2>Create an integration</h2>
  ${csrfInput(csrf)}
  ${field({ name: 'name', label: 'Name', value: o.errorFor === 'create' ? o.form?.name : '', hint: 'For example "Nightly list sync".', error: createError })}
  <div class="actions"><button type="submit">Create integration</button></div>
</form>
${o.list.map(
  ({ app, tokens, last_used_at }) => html`<div class="card">
  <h2>${app.name}</h2>
  <p>Client id <code>${app.client_id}</code> · created ${formatDate(app.created_at)} · ${tokens} active token${tokens === 1 ? '' : 's'}, last used ${formatDate(last_used_at)}</p>
  <div class="actions">
    <form method="post" action="/account/integrations/${app.client_id}/secret">${csrfInput(csrf)}<button type="submit" class="secondary">Generate new secret</button></form>
  </div>
  <form method="post" action="/account/integrations/${app.client_id}/delete" novalidate>
    ${csrfInput(csrf)}
    ${checkboxField({
      name: 'confirm',
      id: `f-confirm-${app.client_id}`,
      label: html`I understand that scripts using ${app.name} stop working`,
      error: o.errorFor === app.client_id ? o.error?.fields.confirm : undefined,
    })}
    <button type="submit" class="danger">Delete ${app.name}</button>
  </form>
</div>`,
)}`,
  };
}
