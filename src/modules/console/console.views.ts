// The console's shell: its navigation (with a place for usage analytics), the home page, search boxes,
// and the confirmation form every destructive action uses (a reason and a ticked box).
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { checkboxField, type Form } from '../../web/forms.ts';
import { csrfInput, notice, type NavLink, type PageOptions } from '../../web/layout.ts';

/** Links of the console; `usage` is the usage analytics page when that module is mounted. */
export type ConsoleLinks = { usage?: string };

export function consoleNav(links: ConsoleLinks = {}): NavLink[] {
  return [
    { href: '/admin/apps', label: 'Apps' },
    { href: '/admin/developers', label: 'Developers' },
    { href: '/admin/accounts', label: 'Accounts' },
    { href: '/admin/jobs', label: 'Jobs' },
    { href: '/admin/audit', label: 'Audit log' },
    ...(links.usage ? [{ href: links.usage, label: 'Usage' }] : []),
    { href: '/admin/sign-out', label: 'Sign out' },
  ];
}

export function consolePage(title: string, body: SafeHtml, links: ConsoleLinks, status = 200): PageOptions {
  return { title: `${title} · Console`, body, status, nav: consoleNav(links) };
}

/** The message of an error that belongs to no field of the form (conflicts, throttling, not found). */
export function errorNotice(error?: AppError): SafeHtml | string {
  return error && !Object.keys(error.fields).length ? notice('error', error.message) : '';
}

export function doneNotice(done?: string): SafeHtml | string {
  return done ? notice('success', done) : '';
}

export function homePage(email: string, links: ConsoleLinks): PageOptions {
  return consolePage(
    'Home',
    html`<h1>Operator console</h1>
<p class="muted">Signed in as ${email}.</p>
<ul>
  <li><a href="/admin/apps">Apps</a>: find an app by name or API key, see its owner, grants and limits; suspend or resume it, set its rate limits, rotate its secret.</li>
  <li><a href="/admin/developers">Developers</a>: find a developer account, see its apps, suspend or resume it.</li>
  <li><a href="/admin/accounts">Customer accounts</a>: find an account, see its connected apps and private integrations, suspend it.</li>
  <li><a href="/admin/jobs">Jobs</a>: running and failed bulk activities of every account; retry a failed one.</li>
  <li><a href="/admin/audit">Audit log</a>: who did what, searchable, exportable as CSV.</li>
  ${links.usage ? html`<li><a href="${links.usage}">Usage</a>: calls per app and per day.</li>` : ''}
</ul>`,
    links,
  );
}

export function searchForm(action: string, label: string, q = ''): SafeHtml {
  return html`<form method="get" action="${action}" class="card search" role="search">
  <label for="q">${label}</label>
  <div class="token-row"><input type="text" id="q" name="q" value="${q}"> <button type="submit">Search</button></div>
</form>`;
}

/** A destructive action's form: what it does, a reason and a confirmation box; errors shown beside them. */
export function confirmForm(o: {
  id: string;
  action: string;
  csrf: string;
  title: string;
  explain: string;
  button: string;
  form?: Form;
  error?: AppError;
  danger?: boolean;
}): SafeHtml {
  const f = o.error?.fields ?? {};
  return html`<form method="post" action="${o.action}" class="card" id="${o.id}" novalidate>
  <h2>${o.title}</h2>
  <p>${o.explain}</p>
  ${errorNotice(o.error)}
  ${csrfInput(o.csrf)}
  <div class="field${f.reason ? ' has-error' : ''}">
    <label for="${o.id}-reason">Reason (kept in the audit log)</label>
    <textarea id="${o.id}-reason" name="reason" rows="2"${f.reason ? html` aria-invalid="true" aria-describedby="${o.id}-reason-error"` : ''}>${o.form?.reason ?? ''}</textarea>
    ${f.reason ? html`<p class="error" id="${o.id}-reason-error" role="alert">${f.reason}</p>` : ''}
  </div>
  ${checkboxField({ name: 'confirm', id: `${o.id}-confirm`, label: 'I confirm', error: f.confirm })}
  <div class="actions"><button type="submit"${o.danger === false ? '' : html` class="danger"`}>${o.button}</button></div>
</form>`;
}

export function statusBadge(status: string, suspendedAt: string | null): SafeHtml {
  if (suspendedAt) return html`<span class="badge disabled">suspended</span>`;
  return html`<span class="badge ${status === 'active' ? 'active' : 'disabled'}">${status}</span>`;
}
