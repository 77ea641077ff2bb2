// The console's pages for developers, customer accounts and jobs. Pure templates.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import type { Form } from '../../web/forms.ts';
import { notice, type PageOptions } from '../../web/layout.ts';
import type { ActivityListRow, AccountListRow, AppListRow, DeveloperListRow } from './console.repository.ts';
import { type ConsoleLinks, confirmForm, consolePage, doneNotice, errorNotice, searchForm, statusBadge } from './console.views.ts';

type State = { csrf: string; done?: string; form?: Form; error?: AppError };

function appsTable(rows: AppListRow[], empty: string): SafeHtml {
  if (!rows.length) return html`<p>${empty}</p>`;
  return html`<div class="table-wrap"><table><thead><tr><th scope="col">App</th><th scope="col">Kind</th><th scope="col">Status</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/admin/apps/${r.client_id}">${r.name}</a></td><td>${r.kind}</td><td>${statusBadge(r.status, r.suspended_at)}</td></tr>`)}</tbody></table></div>`;
}

function suspension(kind: 'developer' | 'account', path: string, suspendedAt: string | null, s: State): SafeHtml {
  return suspendedAt
    ? confirmForm({ id: 'resume', action: `${path}/resume`, csrf: s.csrf, title: 'Resume', explain: 'They can sign in again.', button: `Resume the ${kind}`, danger: false, form: s.form, error: s.error })
    : confirmForm({ id: 'suspend', action: `${path}/suspend`, csrf: s.csrf, title: 'Suspend', explain: `The ${kind === 'developer' ? 'developer' : "account's users"} cannot sign in, and every session ends at once. Suspend apps on their own pages.`, button: `Suspend the ${kind}`, form: s.form, error: s.error });
}

export function developersPage(q: string, rows: DeveloperListRow[], links: ConsoleLinks): PageOptions {
  return consolePage('Developers', html`<h1>Developers</h1>
${searchForm('/admin/developers', 'Email or name', q)}
${rows.length ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Since</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/admin/developers/${r.id}">${r.email}</a></td><td>${r.name ?? ''}</td><td>${r.suspended_at ? html`<span class="badge disabled">suspended</span>` : r.verified_at ? 'verified' : 'unverified'}</td><td>${r.created_at.slice(0, 10)}</td></tr>`)}</tbody></table></div>` : html`<p>No developer matches.</p>`}`, links);
}

export function developerPage(d: DeveloperListRow & { suspended_reason: string | null; apps: AppListRow[] }, s: State, links: ConsoleLinks): PageOptions {
  return consolePage(d.email, html`<h1>${d.email}</h1>
${doneNotice(s.done)}${errorNotice(s.error)}
${d.suspended_at ? notice('error', `Suspended since ${d.suspended_at}: ${d.suspended_reason ?? ''}`) : ''}
<h2>Apps</h2>
${appsTable(d.apps, 'No app yet.')}
${suspension('developer', `/admin/developers/${d.id}`, d.suspended_at, s)}`, links, s.error?.status ?? 200);
}

export function accountsPage(q: string, rows: AccountListRow[], links: ConsoleLinks): PageOptions {
  return consolePage('Customer accounts', html`<h1>Customer accounts</h1>
${searchForm('/admin/accounts', 'Organization or email', q)}
${rows.length ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Organization</th><th scope="col">Contact email</th><th scope="col">Status</th><th scope="col">Since</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td><a href="/admin/accounts/${r.id}">${r.organization_name || '(no name)'}</a></td><td>${r.contact_email}</td><td>${r.suspended_at ? html`<span class="badge disabled">suspended</span>` : 'active'}</td><td>${r.created_at.slice(0, 10)}</td></tr>`)}</tbody></table></div>` : html`<p>No account matches.</p>`}`, links);
}

type Budget = { perSecond: number; perDay: number };

export function accountPage(a: AccountListRow & { suspended_reason: string | null; budget: Budget; integrations: AppListRow[]; connected: AppListRow[] }, s: State, links: ConsoleLinks): PageOptions {
  return consolePage(a.organization_name || a.contact_email, html`<h1>${a.organization_name || a.contact_email}</h1>
${doneNotice(s.done)}${errorNotice(s.error)}
${a.suspended_at ? notice('error', `Suspended since ${a.suspended_at}: ${a.suspended_reason ?? ''}`) : ''}
<p>Contact: ${a.contact_email}. <a href="/admin/audit?q=${encodeURIComponent(a.contact_email)}">Audit entries</a></p>
<h2>Rate-limit budget</h2>
<p id="budget">${a.budget.perSecond.toLocaleString('en-US')} calls per second and ${a.budget.perDay.toLocaleString('en-US')} calls per day, shared by every app acting on this account, beside each app's own limits. The same for every account (ACCOUNT_RATE_LIMIT_PER_SECOND, ACCOUNT_RATE_LIMIT_PER_DAY).</p>
<h2>Connected apps</h2>
${appsTable(a.connected, 'No app is connected.')}
<h2>Private integrations</h2>
${appsTable(a.integrations, 'No private integration.')}
${suspension('account', `/admin/accounts/${a.id}`, a.suspended_at, s)}`, links, s.error?.status ?? 200);
}

export function jobsPage(rows: ActivityListRow[], s: State & { failedId?: string }, links: ConsoleLinks): PageOptions {
  return consolePage('Jobs', html`<h1>Jobs</h1>
<p class="muted">Bulk activities waiting, running, failed or timed out, across every account.</p>
${doneNotice(s.done)}
${rows.length ? rows.map((r) => html`<div class="card"><h2><code>${r.kind}</code> ${r.state}</h2>
<p>Account <a href="/admin/accounts/${r.account_id}">${r.account_id}</a>; activity <code>${r.activity_id}</code>; updated ${r.updated_at}; ${String(r.error_count)} errors.</p>
${r.state === 'failed' || r.state === 'timed_out' ? confirmForm({ id: `retry-${r.activity_id}`, action: `/admin/jobs/${r.activity_id}/retry`, csrf: s.csrf, title: 'Retry', explain: 'The job runs again from its last checkpoint.', button: 'Retry the job', danger: false, ...(s.failedId === r.activity_id ? { form: s.form, error: s.error } : {}) }) : ''}
</div>`) : html`<p>No job is waiting, running or failed.</p>`}`, links, s.error?.status ?? 200);
}
