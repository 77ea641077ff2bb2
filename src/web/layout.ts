// The page shell shared by every server-rendered page (accounts, sign-in and consent, device, developer
// portal): one stylesheet from this server, no scripts unless a page asks for its own, a skip link and
// landmarks for keyboard and screen-reader users.
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from '../shared/html.ts';
import { assetUrl } from './assets.ts';

export type NavLink = { href: string; label: string };

export type PageOptions = {
  title: string;
  body: SafeHtml;
  /** Links shown in the header, e.g. the signed-in user's menu. */
  nav?: NavLink[];
  /** Same-origin script URLs this page needs (the explorer); for this server's own assets, `assetUrl`. */
  scripts?: string[];
  /** Narrow centered card (sign-in, consent) instead of the full-width layout. */
  narrow?: boolean;
  status?: number;
  /** Reload the page after this many seconds (a job's progress page), with no script. */
  refresh?: number;
};

export function renderPage(options: PageOptions): string {
  const { title, body, nav = [], scripts = [], narrow = false } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refresh ? html`<meta http-equiv="refresh" content="${String(options.refresh)}">` : ''}
<title>${title} · Listgate</title>
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
${scripts.map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/">Listgate</a>
  ${nav.length ? html`<nav aria-label="Main"><ul>${nav.map((l) => html`<li><a href="${l.href}">${l.label}</a></li>`)}</ul></nav>` : ''}
</header>
<main id="main" class="${narrow ? 'narrow' : 'wide'}">
${body}
</main>
<footer class="foot"><p>Listgate · <a href="/docs">API reference</a> · <a href="/explorer">API Tester</a></p></footer>
</body>
</html>`.value;
}

export function sendPage(reply: FastifyReply, options: PageOptions): FastifyReply {
  return reply
    .status(options.status ?? 200)
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderPage(options));
}

/** A labelled input with its error message next to it (aria-describedby ties them for screen readers). */
export function field(options: {
  name: string;
  label: string;
  type?: string;
  value?: string;
  error?: string | null;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
}): SafeHtml {
  const { name, label, type = 'text', value = '', error, autocomplete, required = true, hint } = options;
  const id = `f-${name}`;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
  <label for="${id}">${label}</label>
  ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
  <input id="${id}" name="${name}" type="${type}" value="${type === 'password' ? '' : value}"${autocomplete ? html` autocomplete="${autocomplete}"` : ''}${required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}>
  ${error ? html`<p class="error" id="${id}-error" role="alert">${error}</p>` : ''}
</div>`;
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function notice(kind: 'info' | 'error' | 'success', message: string | SafeHtml): SafeHtml {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`;
}
