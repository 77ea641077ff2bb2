// The console's app pages: the search list and one app's page (owner, kind, grants, last use, limits,
// suspension) with its actions. Pure templates.
import type { AppError } from '../../errors.ts';
import { html } from '../../shared/html.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import type { ConsoleAppDetail } from './console-apps.service.ts';
import type { AppListRow } from './console.repository.ts';
import { type ConsoleLinks, confirmForm, consolePage, doneNotice, errorNotice, searchForm, statusBadge } from './console.views.ts';

export function appsPage(q: string, rows: AppListRow[], links: ConsoleLinks): PageOptions {
  return consolePage(
    'Apps',
    html`<h1>Apps</h1>
${searchForm('/admin/apps', 'Name or API key', q)}
${rows.length
  ? html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Name</th><th scope="col">API key</th><th scope="col">Kind</th><th scope="col">Owner</th><th scope="col">Status</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/admin/apps/${r.client_id}">${r.name}</a></td><td><code class="key">${r.client_id}</code></td><td>${r.kind}</td><td>${r.owner ?? 'operator'}</td><td>${statusBadge(r.status, r.suspended_at)}</td></tr>`)}</tbody>
</table></div>`
  : html`<p>No app matches.</p>`}`,
    links,
  );
}

export type AppPageState = { csrf: string; done?: string; form?: Form; error?: AppError; errorFor?: string; secret?: string };

export function appPage(app: ConsoleAppDetail, s: AppPageState, links: ConsoleLinks): PageOptions {
  const errorOf = (id: string) => (s.errorFor === id ? s.error : undefined);
  const formOf = (id: string) => (s.errorFor === id ? s.form : undefined);
  const limitsError = errorOf('limits');
  return consolePage(
    app.name,
    html`<h1>${app.name} ${statusBadge(app.status, app.suspended_at)}</h1>
${doneNotice(s.done)}
${s.secret ? notice('success', html`New client secret (shown once): <code class="secret" id="new-secret">${s.secret}</code>`) : ''}
${app.suspended_at ? notice('error', html`Suspended since ${app.suspended_at}: ${app.suspended_reason ?? ''}. Every token of this app is refused.`) : ''}
<div class="card">
<dl>
  <dt>API key</dt><dd><code class="key">${app.client_id}</code></dd>
  <dt>Owner</dt><dd>${app.owner ?? 'operator'} (${app.owner_developer_id ? 'developer' : app.owner_account_id ? 'customer account, private integration' : 'registered by an operator'})</dd>
  <dt>Kind</dt><dd>${app.kind}</dd>
  <dt>Live grants</dt><dd>${String(app.grants)}</dd>
  <dt>Last use</dt><dd>${app.last_used_at ?? 'never'}</dd>
  <dt>Rate limit</dt><dd>${app.rate_per_second ? `${app.rate_per_second} calls per second` : 'the default per second'}, ${app.rate_per_day ? `${app.rate_per_day} calls per day` : 'the default per day'}</dd>
  <dt>Created</dt><dd>${app.created_at}</dd>
</dl>
<p><a href="/admin/audit?q=${encodeURIComponent(app.client_id)}">Audit entries of this app</a>${links.usage ? html` · <a href="${links.usage}?app=${encodeURIComponent(app.client_id)}">Usage of this app</a>` : ''}</p>
</div>
${app.suspended_at
  ? confirmForm({ id: 'resume', action: `/admin/apps/${app.client_id}/resume`, csrf: s.csrf, title: 'Resume', explain: 'Its tokens work again at once on every node.', button: 'Resume the app', danger: false, form: formOf('resume'), error: errorOf('resume') })
  : confirmForm({ id: 'suspend', action: `/admin/apps/${app.client_id}/suspend`, csrf: s.csrf, title: 'Suspend', explain: 'Every token of this app is refused at once on every node, and no new token is issued. The developer sees the reason in the portal. Grants are kept: resuming restores them.', button: 'Suspend the app', form: formOf('suspend'), error: errorOf('suspend') })}
<form method="post" action="/admin/apps/${app.client_id}/limits" class="card" id="limits" novalidate>
  <h2>Rate limits</h2>
  <p>This app's own limits; empty means the installation's defaults (RATE_LIMIT_PER_SECOND, RATE_LIMIT_PER_DAY).</p>
  ${errorNotice(limitsError)}
  ${csrfInput(s.csrf)}
  ${field({ name: 'rate_per_second', label: 'Calls per second', type: 'text', required: false, value: s.errorFor === 'limits' ? s.form?.rate_per_second : String(app.rate_per_second ?? ''), error: limitsError?.fields.rate_per_second })}
  ${field({ name: 'rate_per_day', label: 'Calls per day', type: 'text', required: false, value: s.errorFor === 'limits' ? s.form?.rate_per_day : String(app.rate_per_day ?? ''), error: limitsError?.fields.rate_per_day })}
  <div class="actions"><button type="submit">Save the limits</button></div>
</form>
${app.confidential ? confirmForm({ id: 'rotate', action: `/admin/apps/${app.client_id}/rotate-secret`, csrf: s.csrf, title: 'Rotate the secret', explain: 'A new client secret is shown once; the previous ones stop working at once.', button: 'Rotate the secret', form: formOf('rotate'), error: errorOf('rotate') }) : ''}`,
    links,
    s.error?.status ?? 200,
  );
}
