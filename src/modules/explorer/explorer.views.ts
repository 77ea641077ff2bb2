// The API Tester's pages: the tester itself (key selector, Get Access Token, the token ready to copy, and
// the operations that explorer.js renders from /openapi.json) and the callback window that hands back the token.
import type { AppError } from '../../errors.ts';
import { describeDuration } from '../../shared/durations.ts';
import { html } from '../../shared/html.ts';
import { assetUrl } from '../../web/assets.ts';
import { notice, type PageOptions } from '../../web/layout.ts';
import type { AppView } from '../apps/apps.service.ts';
import { developerNav } from '../developers/developers.views.ts';
import type { ExplorerToken } from './explorer.service.ts';

export function explorerPage(o: { email: string | null; apps: AppView[]; selected?: string }): PageOptions {
  const signedIn = o.email !== null;
  const selected = o.apps.find((a) => a.client_id === o.selected) ?? o.apps[0];
  const keyControl = o.apps.length
    ? html`<select id="api-key" name="api_key" aria-describedby="key-hint">
    ${o.apps.map((a) => html`<option value="${a.client_id}"${a === selected ? ' selected' : ''}>${a.name} — ${a.client_id}</option>`)}
  </select>`
    : html`<input id="api-key" name="api_key" type="text" autocomplete="off" spellcheck="false" value="${o.selected ?? ''}" aria-describedby="key-hint">`;
  return {
    title: 'API Tester',
    nav: developerNav(signedIn, '/explorer'),
    scripts: [assetUrl('rich-text.js'), assetUrl('explorer.js')],
    body: html`<h1>API Tester</h1>
<p>Try every call of the Listgate API from this page. Each <strong>Try it</strong> sends your API key and access token.</p>
<section class="card" aria-labelledby="auth-title">
  <h2 id="auth-title">API key and access token</h2>
  ${
    signedIn
      ? o.apps.length
        ? html`<p class="muted">Signed in as ${o.email}. Your apps and keys are listed below.</p>`
        : notice('info', html`Signed in as ${o.email}, but you have no apps yet. <a href="/developer/apps/register">Register an application</a> to get an API key.`)
      : notice('info', html`Your key is missing? <a href="/developer/sign-in?return_to=%2Fexplorer">Sign in</a> to the developer portal and your apps and keys appear here.`)
  }
  <div class="field">
    <label for="api-key">App / Key</label>
    ${keyControl}
    <p class="hint" id="key-hint">Sent as the <code>x-api-key</code> header. It is also the OAuth client id.</p>
  </div>
  <div class="actions spaced"><button type="button" class="gray" id="get-token" data-signed-in="${signedIn ? 'yes' : 'no'}">Get Access Token</button></div>
  <div class="field">
    <label for="access-token">Access Token</label>
    <div class="token-row">
      <input id="access-token" name="access_token" type="text" autocomplete="off" spellcheck="false" aria-describedby="token-hint">
      <button type="button" class="secondary" id="copy-token">Copy</button>
      <button type="button" class="secondary" id="token-info">Token info</button>
    </div>
    <p class="hint" id="token-hint">Sent as <code>Authorization: Bearer …</code>. Save it with your API key wherever your integration needs them.</p>
  </div>
  <p id="token-status" role="status" aria-live="polite"></p>
  <pre class="response" id="token-info-result" hidden></pre>
</section>
<section aria-labelledby="ops-title">
  <h2 id="ops-title">Operations</h2>
  <div id="operations" data-spec-url="/openapi.json"><p class="muted">Loading the operations from <a href="/openapi.json">/openapi.json</a>… (this part of the page needs JavaScript)</p></div>
</section>`,
  };
}

export function callbackPage(token: ExplorerToken): PageOptions {
  return {
    title: 'Your access token',
    narrow: true,
    scripts: [assetUrl('explorer-callback.js')],
    body: html`<h1>Your access token</h1>
<div class="card" id="token-result" data-token="${token.access_token}" data-client-id="${token.client_id}" data-expires-in="${String(token.expires_in)}" data-scope="${token.scope}">
  <div class="field">
    <span class="label" id="token-label">Access Token</span>
    <code class="secret" aria-labelledby="token-label">${token.access_token}</code>
  </div>
  <p>For the API key <code>${token.client_id}</code>; it lasts ${describeDuration(token.expires_in)} (${token.expires_in} seconds). Scopes: ${token.scope}.</p>
  <p class="muted" id="handoff">This window closes by itself and the token appears in the API Tester.</p>
  <p><a href="/explorer?key=${token.client_id}">Back to the API Tester</a></p>
</div>`,
  };
}

export function callbackErrorPage(error: AppError): PageOptions {
  return {
    title: 'No access token',
    narrow: true,
    status: error.status,
    body: html`<h1>No access token</h1>
${notice('error', error.message)}
<p>${error.status === 401 ? html`<a class="button" href="/developer/sign-in?return_to=%2Fexplorer">Sign in to the developer portal</a> ` : ''}<a href="/explorer">Back to the API Tester</a></p>`,
  };
}
