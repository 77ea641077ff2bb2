// The portal's webhook pages: an app's subscriptions on every account that granted it, and one
// subscription's recent delivery attempts with the resend and replay forms.
import type { AppError } from '../../errors.ts';
import { html } from '../../shared/html.ts';
import { formatDate } from '../../web/format.ts';
import type { Form } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import type { AppView } from '../apps/apps.service.ts';
import type { WebhooksService } from '../webhooks/webhooks.service.ts';
import { page } from './developer-apps.views.ts';

type Subscription = Awaited<ReturnType<WebhooksService['listForClient']>>[number];
type Attempt = Awaited<ReturnType<WebhooksService['listAttempts']>>['attempts'][number];

const statusBadge = (s: Subscription) =>
  html`<span class="badge ${s.status}">${s.status === 'active' ? 'Active' : `Disabled${s.disabled_reason ? ` (${s.disabled_reason.replace('_', ' ')})` : ''}`}</span>`;

export function subscriptionsPage(app: AppView, subscriptions: Subscription[]): PageOptions {
  return page(
    `${app.name} webhooks`,
    html`<p><a href="/developer/apps/${app.client_id}">← ${app.name}</a></p>
<h1>Webhooks of ${app.name}</h1>
<p class="muted">The subscriptions your application created with <code>POST /v3/webhooks</code> on the customer accounts that granted it.</p>
${
  subscriptions.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Webhook subscriptions</caption>
  <thead><tr><th scope="col">Endpoint</th><th scope="col">Account</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Backlog</th></tr></thead>
  <tbody>
  ${subscriptions.map(
    (s) => html`<tr>
    <td><a href="/developer/apps/${app.client_id}/webhooks/${s.webhook_id}">${s.url}</a>${s.description ? html`<br><span class="muted">${s.description}</span>` : ''}</td>
    <td><code>${s.account_id}</code></td>
    <td>${s.events.join(', ')}</td>
    <td>${statusBadge(s)}</td>
    <td>${String(s.backlog)}</td>
  </tr>`,
  )}
  </tbody>
</table></div>`
    : html`<div class="card"><p>No subscriptions yet. Your application subscribes through the API: see the <strong>Webhooks</strong> routes in <a href="/docs">the API reference</a>.</p></div>`
}`,
  );
}

export type SubscriptionView = {
  csrf: string;
  app: AppView;
  subscription: Subscription;
  attempts: Attempt[];
  flash?: string;
  error?: AppError;
  errorFor?: 'resend' | 'replay';
  form?: Form;
};

function attemptRow(a: Attempt) {
  return html`<tr>
    <td>${formatDate(a.attempted_at)}</td>
    <td><span class="badge ${a.outcome === 'delivered' ? 'active' : 'disabled'}">${a.outcome}</span> ${a.status_code !== undefined ? String(a.status_code) : ''}${a.error ? html`<br><span class="muted">${a.error}</span>` : ''}</td>
    <td>${String(a.latency_ms)} ms</td>
    <td>${a.event_ids.map((id) => html`<code>${id}</code> `)}${a.event_count > a.event_ids.length ? html`<br><span class="muted">${String(a.event_count)} events</span>` : ''}</td>
    <td>${a.response_excerpt ? html`<code class="excerpt">${a.response_excerpt}</code>` : ''}</td>
  </tr>`;
}

export function subscriptionPage(v: SubscriptionView): PageOptions {
  const { app, subscription: s } = v;
  const errorOf = (form: 'resend' | 'replay', name: string) => (v.errorFor === form ? v.error?.fields[name] : undefined);
  const general = v.error && !Object.keys(v.error.fields).length ? notice('error', v.error.message) : '';
  const base = `/developer/apps/${app.client_id}/webhooks/${s.webhook_id}`;
  return page(
    `Webhook ${s.url}`,
    html`<p><a href="/developer/apps/${app.client_id}/webhooks">← Webhooks of ${app.name}</a></p>
<h1>${s.url}</h1>
${v.flash ? notice('success', v.flash) : ''}
${general}
<p>${statusBadge(s)} Account <code>${s.account_id}</code> · ${s.events.join(', ')} · backlog ${String(s.backlog)} · ${String(s.failed_attempts)} failed attempts in a row</p>
<h2>Recent delivery attempts</h2>
${
  v.attempts.length
    ? html`<div class="table-wrap"><table>
  <caption class="visually-hidden">Delivery attempts, newest first</caption>
  <thead><tr><th scope="col">When</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Events</th><th scope="col">Response</th></tr></thead>
  <tbody>${v.attempts.map(attemptRow)}</tbody>
</table></div>`
    : html`<div class="card"><p>No delivery attempts yet.</p></div>`
}
<div class="columns">
  <form method="post" action="${base}/resend" class="card" novalidate>
    <h2>Resend one event</h2>
    ${csrfInput(v.csrf)}
    ${field({ name: 'event_id', label: 'Event id', value: v.errorFor === 'resend' ? v.form?.event_id : '', hint: 'An evt_… id from the log above. It goes out before the rest of the backlog.', error: errorOf('resend', 'event_id') })}
    <div class="actions"><button type="submit">Resend</button></div>
  </form>
  <form method="post" action="${base}/replay" class="card" novalidate>
    <h2>Replay since a time</h2>
    ${csrfInput(v.csrf)}
    ${field({ name: 'since', label: 'Since (UTC)', value: v.errorFor === 'replay' ? v.form?.since : '', hint: 'For example 2026-11-29T03:00:00Z. Every change since then is delivered again, in order.', error: errorOf('replay', 'since') })}
    <div class="actions"><button type="submit" class="secondary">Replay</button></div>
  </form>
</div>`,
    v.error?.status ?? 200,
  );
}
