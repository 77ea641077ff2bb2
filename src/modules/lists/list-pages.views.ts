// Pages of a customer's lists: the lists with member counts, one list's contacts (paged, searched by
// email) with its upload and download forms, an activity's progress and errors, and recent activities.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { formatDate } from '../../web/format.ts';
import { selectField } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import { ACCOUNT_NAV } from '../accounts/accounts.routes.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import type { ContactView } from '../contacts/contact-view.ts';
import type { ApiList } from './lists.repository.ts';

export const RUNNING = ['initialized', 'processing'];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const nextLink = (href: string | null) =>
  href ? html`<p><a href="${href}" rel="next">Next page</a></p>` : '';

export function listsPage(lists: ApiList[], next: string | null): PageOptions {
  return {
    title: 'Lists',
    nav: ACCOUNT_NAV,
    body: html`<h1>Lists</h1>
<p class="muted">Your contact lists. Open one to see its contacts, upload a CSV file into it or download it as CSV.</p>
${
  lists.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Your lists</caption>
  <thead><tr><th scope="col">List</th><th scope="col">Members</th><th scope="col">Created</th></tr></thead>
  <tbody>
  ${lists.map((l) => html`<tr><td><a href="/account/lists/${l.list_id}">${l.name}</a></td><td>${String(l.membership_count ?? 0)}</td><td>${formatDate(l.created_at)}</td></tr>`)}
  </tbody>
</table></div>`
    : html`<div class="card"><p>No list yet. Lists made through the API or the command line appear here.</p></div>`
}
${nextLink(next)}
<p><a href="/account/activities">Recent activities</a></p>`,
  };
}

export type ListPageInput = {
  csrf: string;
  list: ApiList;
  contacts: ContactView[];
  next: string | null;
  search: { email: string; match: string };
  error?: AppError;
  searchError?: string;
};

export function listPage(o: ListPageInput): PageOptions {
  const { list, csrf } = o;
  const fileError =
    o.error?.fields.file ??
    (o.error && !o.searchError ? (Object.values(o.error.fields)[0] ?? o.error.message) : undefined);
  return {
    title: list.name,
    nav: ACCOUNT_NAV,
    status: o.error?.status ?? 200,
    body: html`<h1>${list.name}</h1>
<p class="muted">${plural(list.membership_count ?? 0, 'member')} · <a href="/account/lists">All lists</a></p>
${fileError ? notice('error', html`The file was not imported: ${fileError}`) : ''}
<form method="get" action="/account/lists/${list.list_id}" class="card" role="search">
  <h2>Find contacts</h2>
  ${field({ name: 'email', label: 'Email address', value: o.search.email, required: false, error: o.searchError, hint: 'The whole address, or how it starts.' })}
  ${selectField({
    name: 'match',
    label: 'Match',
    value: o.search.match,
    choices: [
      { value: 'prefix', label: 'Starts with' },
      { value: 'exact', label: 'Is exactly' },
    ],
  })}
  <div class="actions"><button type="submit">Search</button></div>
</form>
${
  o.contacts.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Contacts of ${list.name}</caption>
  <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Permission</th><th scope="col">Added</th></tr></thead>
  <tbody>
  ${o.contacts.map(
    (c) =>
      html`<tr><td>${c.email_address?.address ?? ''}</td><td>${[c.first_name, c.last_name].filter(Boolean).join(' ')}</td><td>${c.email_address?.permission_to_send ?? ''}</td><td>${formatDate(c.created_at)}</td></tr>`,
  )}
  </tbody>
</table></div>`
    : html`<div class="card"><p>${o.search.email ? 'No contact of this list matches.' : 'This list has no contacts yet.'}</p></div>`
}
${nextLink(o.next)}
<form method="post" action="/account/lists/${list.list_id}/imports" enctype="multipart/form-data" class="card">
  ${csrfInput(csrf)}
  <h2>Upload a CSV file</h2>
  <div class="field${fileError ? ' has-error' : ''}">
    <label for="f-file">CSV file</label>
    <p class="hint" id="f-file-hint">UTF-8, with a header row that has an <code>email</code> column (and, if you like, first_name, last_name, job_title, company_name, phones, address, or cf:&lt;custom field name&gt;).</p>
    <input id="f-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="f-file-hint">
  </div>
  <div class="actions"><button type="submit">Upload into ${list.name}</button></div>
</form>
<form method="post" action="/account/lists/${list.list_id}/exports" class="card">
  ${csrfInput(csrf)}
  <h2>Download as CSV</h2>
  <p>Prepares a CSV file of this list's contacts; the next page shows when it is ready.</p>
  <div class="actions"><button type="submit" class="secondary">Prepare the download</button></div>
</form>`,
  };
}

/** What a job does, in the pages' words (the activity kinds of the dialect). */
const KIND_LABELS: Record<string, string> = {
  contacts_file_import: 'CSV import',
  contacts_json_import: 'JSON import',
  contact_exports: 'Export',
  add_list_memberships: 'Add to lists',
  remove_list_memberships: 'Remove from lists',
  contact_delete: 'Delete contacts',
  contacts_taggings_add: 'Add tags',
  contacts_taggings_remove: 'Remove tags',
  contacts_tags_delete: 'Delete tags',
  custom_fields_delete: 'Delete custom fields',
  list_delete: 'Delete lists',
};

function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

type PageActivity = ApiActivity & { kind: string };

function counts(a: ApiActivity): string {
  const s = a.status;
  return `${s.items_completed_count ?? 0} of ${s.items_total_count ?? 0} processed, ${plural(s.error_count ?? 0, 'error')}`;
}

export function activityPage(a: PageActivity): PageOptions {
  const running = RUNNING.includes(a.state);
  const base = `/account/activities/${a.activity_id}`;
  return {
    title: `Activity: ${kindLabel(a.kind)}`,
    nav: ACCOUNT_NAV,
    refresh: running ? 2 : undefined,
    body: html`<h1>Activity: ${kindLabel(a.kind)}</h1>
<div class="card">
  <p>State: <strong>${a.state}</strong>${running ? html` <span class="muted">(this page reloads every 2 seconds)</span>` : ''}</p>
  <p><progress max="100" value="${String(a.percent_done)}" aria-label="Progress">${String(a.percent_done)}%</progress> ${String(a.percent_done)}%</p>
  <p>${counts(a)}. Started ${formatDate(a.started_at, 'not yet')}, finished ${formatDate(a.completed_at, 'not yet')}.</p>
  ${a._links.results ? html`<p><a href="${base}/download" download>Download the CSV file</a></p>` : ''}
  ${a._links.errors ? html`<p><a href="${base}/errors.csv">Every bad row as CSV</a> (row, email, reason)</p>` : ''}
</div>
${
  a.activity_errors.length
    ? html`<div class="card"><h2>Errors</h2><ul>${a.activity_errors.map((e) => html`<li>${e}</li>`)}</ul></div>`
    : ''
}
<p><a href="/account/activities">Recent activities</a> · <a href="/account/lists">Lists</a></p>`,
  };
}

export function activitiesPage(activities: PageActivity[], next: string | null): PageOptions {
  return {
    title: 'Activities',
    nav: ACCOUNT_NAV,
    body: html`<h1>Activities</h1>
<p class="muted">Imports, exports and other bulk jobs of your account, newest first.</p>
${
  activities.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Recent activities</caption>
  <thead><tr><th scope="col">Started</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">Errors</th></tr></thead>
  <tbody>
  ${activities.map(
    (a) =>
      html`<tr><td><a href="/account/activities/${a.activity_id}">${formatDate(a.created_at)}</a></td><td>${kindLabel(a.kind)}</td><td>${a.state}</td><td>${counts(a)}</td><td>${errorSummary(a)}</td></tr>`,
  )}
  </tbody>
</table></div>`
    : html`<div class="card"><p>No activity yet.</p></div>`
}
${nextLink(next)}`,
  };
}

function errorSummary(a: ApiActivity): SafeHtml | string {
  if (!a.activity_errors.length) return '';
  return html`${a.activity_errors[0]!}${a.activity_errors.length > 1 ? html` <span class="muted">and ${String(a.activity_errors.length - 1)} more</span>` : ''}`;
}
