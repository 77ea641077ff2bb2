// An application's settings page: its usage (usage/usage.views.ts), what customers see on the consent screen,
// redirect URIs, kind, token policy, the client secret (rotation with a grace period), token counts, disable
// and delete.
import type { AppError } from '../../errors.ts';
import { html, type SafeHtml } from '../../shared/html.ts';
import { describeDuration } from '../../shared/durations.ts';
import { formatDate } from '../../web/format.ts';
import { checkboxField, type Form, radioField, selectField, textareaField } from '../../web/forms.ts';
import { csrfInput, field, notice, type PageOptions } from '../../web/layout.ts';
import { GRACE_CHOICES, type AppStats, type SecretHint } from './developer-apps.service.ts';
import type { AppView } from '../apps/apps.service.ts';
import type { UsageSeries } from '../usage/usage.service.ts';
import { usageSection } from '../usage/usage.views.ts';
import { APP_KIND_CHOICES, page } from './developer-apps.views.ts';

const LIFETIMES = [300, 3_600, 86_400, 7 * 86_400, 30 * 86_400, 90 * 86_400, 31_536_000, 315_359_999];

function lifetimeChoices(current: number) {
  const values = LIFETIMES.includes(current) ? LIFETIMES : [...LIFETIMES, current].sort((a, b) => a - b);
  return values.map((s) => ({
    value: String(s),
    label: `${describeDuration(s)}${s === 315_359_999 ? ' (315359999 seconds, the default)' : ''}`,
  }));
}

const graceLabel = (s: number) => (s === 0 ? 'Immediately' : `After ${describeDuration(s)}`);

export type SettingsView = {
  csrf: string;
  app: AppView;
  stats: AppStats;
  secrets: SecretHint[];
  explorerRedirectUri: string;
  /** Calls per day over the last 30 days. */
  usage: UsageSeries;
  form?: Form;
  error?: AppError;
  /** Which form the error belongs to, so its messages land next to the right fields. */
  errorFor?: 'settings' | 'secret' | 'status' | 'delete';
  flash?: string;
};

function settingsForm(v: SettingsView): SafeHtml {
  const { app, csrf } = v;
  const f = v.errorFor === 'settings' ? (v.error?.fields ?? {}) : {};
  const form = v.errorFor === 'settings' ? (v.form ?? {}) : {};
  const value = (name: string, fallback: string) => form[name] ?? fallback;
  return html`<form method="post" action="/developer/apps/${app.client_id}" class="card" novalidate>
  <h2>Settings</h2>
  ${csrfInput(csrf)}
  ${field({ name: 'name', label: 'Application Name', value: value('name', app.name), error: f.name })}
  ${textareaField({ name: 'description', label: 'Description (optional)', value: value('description', app.description ?? ''), hint: 'Shown to customers on the consent screen.', error: f.description })}
  ${field({ name: 'logoUri', label: 'Logo URL (optional)', type: 'url', value: value('logoUri', app.logo_uri ?? ''), required: false, hint: 'An https address of a square image on the host of one of your redirect URIs, shown on the consent screen.', error: f.logoUri })}
  ${textareaField({
    name: 'redirectUris',
    label: 'Redirect URIs (optional)',
    rows: 4,
    value: value('redirectUris', app.redirect_uris.join('\n')),
    hint: `One exact URI per line: https, or http://127.0.0.1:PORT/… for native apps; no wildcards or #fragments. The API Tester's callback (${v.explorerRedirectUri}) is always allowed, so you can leave this empty to get a token in the API Tester.`,
    error: f.redirectUris,
  })}
  ${radioField({
    name: 'kind',
    legend: 'Application kind',
    value: value('kind', app.kind),
    error: f.kind,
    choices: APP_KIND_CHOICES,
  })}
  ${radioField({
    name: 'refreshPolicy',
    legend: 'Refresh tokens (when the offline_access scope is granted)',
    value: value('refreshPolicy', app.refresh_policy),
    error: f.refreshPolicy,
    choices: [
      { value: 'rotating', label: 'Rotating (recommended)', hint: 'each use returns a new refresh token; reuse of an old one ends the grant.' },
      { value: 'long-lived', label: 'Long-lived', hint: 'the same refresh token keeps working until revoked.' },
    ],
  })}
  ${selectField({
    name: 'accessTokenTtl',
    label: 'Access-token lifetime',
    value: value('accessTokenTtl', String(app.access_token_ttl)),
    choices: lifetimeChoices(app.access_token_ttl),
    hint: `Now ${describeDuration(app.access_token_ttl)} (${app.access_token_ttl} seconds). Shorter tokens with a refresh token are safer; customers can revoke any token under Connected apps.`,
    error: f.accessTokenTtl,
  })}
  ${legacySwitch(app, form, f.legacyTokenRequests)}
  <div class="actions"><button type="submit">Save settings</button></div>
</form>`;
}

/** The warning shown next to the "Legacy token requests" switch (also in docs/oauth.md). */
export const LEGACY_TOKEN_REQUESTS_WARNING =
  'Only for an app moved from Constant Contact that cannot be changed. This turns off PKCE for this app and allows token-endpoint parameters (including the authorization code) in the query string, where proxies and server logs may record them. Leave it off for new apps.';

/** Web apps only: the authorization code flow without PKCE and token parameters in the query string. */
function legacySwitch(app: AppView, form: Record<string, string | undefined>, error: string | undefined): SafeHtml | string {
  if (app.kind !== 'web') return '';
  const checked = form.name !== undefined ? form.legacyTokenRequests === 'yes' : app.legacy_token_requests === 1;
  return html`<fieldset>
  <legend>Legacy token requests</legend>
  <p class="hint"><strong>Warning:</strong> ${LEGACY_TOKEN_REQUESTS_WARNING}</p>
  ${checkboxField({ name: 'legacyTokenRequests', label: 'Allow legacy token requests (no PKCE, parameters in the query string)', checked, error })}
</fieldset>`;
}

function secretSection(v: SettingsView): SafeHtml | string {
  const { app, csrf } = v;
  if (!app.confidential) {
    return html`<div class="card"><h2>Client secret</h2><p>${app.kind === 'device' ? 'Device' : 'Native and single-page'} apps have no client secret: they prove themselves with PKCE.</p></div>`;
  }
  const error = v.errorFor === 'secret' ? v.error?.fields.grace : undefined;
  return html`<form method="post" action="/developer/apps/${app.client_id}/secret" class="card" novalidate>
  <h2>Client secret</h2>
  ${
    v.secrets.length
      ? html`<ul>${v.secrets.map((s) => html`<li>Ends in <code>${s.hint}</code>, created ${formatDate(s.created_at)}${s.expires_at ? html`, stops working ${formatDate(s.expires_at)}` : ''}</li>`)}</ul>`
      : html`<p>This app has no working secret. Generate one to use the token endpoint from your server.</p>`
  }
  ${csrfInput(csrf)}
  ${selectField({
    name: 'grace',
    label: 'When should the current secret stop working?',
    value: '0',
    choices: GRACE_CHOICES.map((s) => ({ value: String(s), label: graceLabel(s) })),
    error,
  })}
  <div class="actions"><button type="submit" class="secondary">Generate new secret</button></div>
</form>`;
}

function statusSection(v: SettingsView): SafeHtml {
  const { app, csrf, stats } = v;
  const active = app.status === 'active';
  return html`<div class="card">
  <h2>Status and tokens</h2>
  <p>Status: <span class="badge ${app.status}">${active ? 'Active' : 'Disabled'}</span>. Created ${formatDate(app.created_at)}.</p>
  <p>Tokens granted: <strong>${stats.tokens}</strong>; last used ${formatDate(stats.last_used_at)}.</p>
  <form method="post" action="/developer/apps/${app.client_id}/status">
    ${csrfInput(csrf)}
    <input type="hidden" name="status" value="${active ? 'disabled' : 'active'}">
    <p class="hint">${active ? 'Disabling ends every token of this app at once; customers must allow it again after you enable it.' : 'Enabling lets customers allow the app again.'}</p>
    <button type="submit" class="${active ? 'danger' : 'secondary'}">${active ? 'Disable application' : 'Enable application'}</button>
  </form>
</div>
<form method="post" action="/developer/apps/${app.client_id}/delete" class="card" novalidate>
  <h2>Delete application</h2>
  ${csrfInput(csrf)}
  <p>Deleting removes the API key and ends every token at once. It cannot be undone.</p>
  ${checkboxField({ name: 'confirm', label: 'I understand that every token of this app stops working', error: v.errorFor === 'delete' ? v.error?.fields.confirm : undefined })}
  <button type="submit" class="danger">Delete application</button>
</form>`;
}

export function settingsPage(v: SettingsView): PageOptions {
  const { app } = v;
  const generalError = v.error && !Object.keys(v.error.fields).length ? notice('error', v.error.message) : '';
  return page(
    `${app.name} settings`,
    html`<p><a href="/developer/apps">← My Applications</a></p>
<h1>${app.name}</h1>
${v.flash ? notice('success', v.flash) : ''}
${generalError}
${app.suspended_at ? notice('error', html`<strong>This app is suspended by the operators of this installation</strong> (since ${formatDate(app.suspended_at)}): ${app.suspended_reason ?? ''}. Every token of the app is refused with this reason until they resume it; your tokens and customers' grants are kept.`) : ''}
<div class="card">
  <div class="field">
    <span class="label" id="key-label">API key</span>
    <code class="secret" aria-labelledby="key-label">${app.client_id}</code>
  </div>
  <p class="actions"><a class="button gray" href="/explorer?key=${app.client_id}">Get an access token in the API Tester</a> <a href="/developer/apps/${app.client_id}/webhooks">Webhooks and delivery log</a> <a href="#usage">Usage</a></p>
</div>
${usageSection(v.usage, `/developer/apps/${app.client_id}/usage.csv`)}
<div class="columns">
  <div>${settingsForm(v)}</div>
  <div>${secretSection(v)}${statusSection(v)}</div>
</div>`,
    v.error?.status ?? 200,
  );
}
