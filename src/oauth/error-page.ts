// The page a person sees when an authorization request is refused (unknown client, redirect URI
// mismatch…). It never redirects (RFC 6749 §4.1.2.1) and shows the error in words.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { html } from '../shared/html.ts';
import { notice, renderPage } from '../web/layout.ts';

export function renderOauthError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderPage({
    title: 'Authorization error',
    narrow: true,
    body: html`<h1>This request cannot continue</h1>
${notice('error', html`<strong>${out.error}</strong>${out.error_description ? html`: ${out.error_description}` : ''}`)}
<p>The app that sent you here made a request Listgate cannot accept. Go back to the app and try again, or
tell its developer the message above.</p>`,
  });
}
