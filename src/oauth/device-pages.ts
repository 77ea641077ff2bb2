// The device-flow pages (RFC 8628 §3.3) in Listgate's own layout: enter the code shown on the device,
// confirm the device, success. The provider's own pages load third-party fonts, which our CSP forbids.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { html } from '../shared/html.ts';
import { notice, renderPage } from '../web/layout.ts';
import { deviceFormParts } from './provider-internals/device-form.ts';

function send(ctx: KoaContextWithOIDC, title: string, body: ReturnType<typeof html>, status?: number): void {
  ctx.type = 'html';
  if (status) ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage({ title, body, narrow: true });
}

/** `onWrongCode` hears of every submitted code that matched no pending device (see device-flow.ts). */
export function deviceFlowPages(hooks: { onWrongCode(ctx: KoaContextWithOIDC): Promise<unknown> }) {
  return {
    async userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out?: unknown, err?: Error & { userCode?: string }) {
      const { action, xsrf } = deviceFormParts(form);
      let message = null;
      if (err?.userCode) await hooks.onWrongCode(ctx);
      if (err && (err.userCode || err.name === 'NoCodeError')) {
        message = notice('error', 'That code is not valid or has expired. Check the code on your device and try again.');
      } else if (err && err.name === 'AbortedError') {
        message = notice('info', 'The sign-in request was cancelled.');
      } else if (err) {
        message = notice('error', 'Something went wrong. Start again on your device.');
      }
      send(
        ctx,
        'Connect a device',
        html`<h1>Connect a device</h1>
<p>Enter the code shown on your device or in your terminal.</p>
${message}
<form method="post" action="${action}" class="card" novalidate>
  <input type="hidden" name="xsrf" value="${xsrf}">
  <div class="field${message ? ' has-error' : ''}">
    <label for="user_code">Code</label>
    <input id="user_code" name="user_code" type="text" value="${err?.userCode ?? ''}" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" required autofocus>
  </div>
  <div class="actions"><button type="submit">Continue</button></div>
</form>`,
      );
    },

    async userCodeConfirmSource(
      ctx: KoaContextWithOIDC,
      form: string,
      client: { clientName?: string; clientId: string },
      _deviceInfo: unknown,
      userCode: string,
    ) {
      const { action, xsrf } = deviceFormParts(form);
      send(
        ctx,
        'Confirm the device',
        html`<h1>Is this your device?</h1>
<div class="card">
  <p><strong>${client.clientName ?? client.clientId}</strong> is asking to connect to your Listgate account from a device.</p>
  <p>Continue only if your device shows this code:</p>
  <p class="mono" style="font-size:1.6rem;letter-spacing:.1em">${userCode}</p>
  <p class="muted">If you did not start this, or the code differs, cancel: someone may be trying to get access to your account.</p>
  <form method="post" action="${action}">
    <input type="hidden" name="xsrf" value="${xsrf}">
    <input type="hidden" name="user_code" value="${userCode}">
    <input type="hidden" name="confirm" value="yes">
    <div class="actions">
      <button type="submit">Continue</button>
      <button type="submit" class="secondary" name="abort" value="yes">Cancel</button>
    </div>
  </form>
</div>`,
      );
    },

    async successSource(ctx: KoaContextWithOIDC) {
      const name = ctx.oidc.client?.clientName;
      send(
        ctx,
        'Device connected',
        html`<h1>Device connected</h1>
${notice('success', html`${name ? html`<strong>${name}</strong>` : 'Your device'} can now use your Listgate account. You can close this page.`)}
<p>You can revoke this access at any time under <a href="/account/apps">Connected apps</a>.</p>`,
      );
    },
  };
}
