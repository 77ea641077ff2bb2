// The audit log's pages: one table and one filter form, shown to an operator (everything, with CSV export),
// a developer (their apps' entries) and a customer (their account's entries). Pure templates.
import { html, type SafeHtml } from '../../shared/html.ts';
import type { NavLink, PageOptions } from '../../web/layout.ts';
import { AUDIT_ACTIONS, type AuditView } from './audit.service.ts';

export type AuditPage = { entries: AuditView[]; next: string | null };

function filterForm(action: string, query: Record<string, string | undefined>, csv: boolean): SafeHtml {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1] && e[0] !== 'before'));
  return html`<form method="get" action="${action}" class="card" role="search">
  <div class="params">
    <div class="field"><label for="audit-q">Who or what (email, API key, id)</label><input type="text" id="audit-q" name="q" value="${query.q ?? ''}"></div>
    <div class="field"><label for="audit-action">Action</label><select id="audit-action" name="action"><option value="">Any</option>${AUDIT_ACTIONS.map((a) => html`<option value="${a}"${query.action === a ? ' selected' : ''}>${a}</option>`)}</select></div>
  </div>
  <div class="actions"><button type="submit">Search</button>${csv ? html` <a class="button secondary" href="${action}.csv?${params.toString()}">Export CSV</a>` : ''}</div>
</form>`;
}

function table(page: AuditPage, action: string, query: Record<string, string | undefined>): SafeHtml {
  if (!page.entries.length) return html`<p>No entries.</p>`;
  const next = page.next ? new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => !!e[1])), before: page.next }) : null;
  return html`<div class="table-wrap"><table id="audit-log">
<thead><tr><th scope="col">When (UTC)</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Object</th><th scope="col">From</th><th scope="col">Detail</th></tr></thead>
<tbody>${page.entries.map(
    (e) => html`<tr><td>${e.at.replace('T', ' ').slice(0, 19)}</td><td><code>${e.action}</code></td><td>${e.actor_type}: ${e.actor}</td><td>${e.object}</td><td>${e.ip ?? ''}<br><span class="muted">${e.user_agent ?? ''}</span></td><td><code>${e.detail === '{}' ? '' : e.detail}</code></td></tr>`,
  )}</tbody>
</table></div>
${next ? html`<p><a href="${action}?${next.toString()}">Older entries</a></p>` : ''}`;
}

export function auditPage(o: { title: string; intro: string; action: string; query: Record<string, string | undefined>; page: AuditPage; nav: NavLink[]; csv?: boolean }): PageOptions {
  return {
    title: o.title,
    nav: o.nav,
    body: html`<h1>${o.title}</h1>
<p class="muted">${o.intro}</p>
${filterForm(o.action, o.query, o.csv ?? false)}
${table(o.page, o.action, o.query)}`,
  };
}
