// The landing page: where a new user goes first, for each of the roles in the platform.
import type { FastifyInstance } from 'fastify';
import { html } from '../shared/html.ts';
import { sendPage } from './layout.ts';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    sendPage(reply, {
      title: 'Welcome',
      nav: [
        { href: '/account', label: 'Customer sign-in' },
        { href: '/developer', label: 'Developer portal' },
        { href: '/explorer', label: 'API Tester' },
      ],
      body: html`<h1>Listgate</h1>
<p>Your email lists, and a developer API to keep them in sync.</p>
<div class="card">
  <h2>I own contacts</h2>
  <p><a href="/account/sign-up">Create a customer account</a> or <a href="/account/sign-in">sign in</a>. See and revoke the apps you allowed under <a href="/account/apps">Connected apps</a>.</p>
</div>
<div class="card">
  <h2>I build integrations</h2>
  <p>Get an API key in the <a href="/developer">developer portal</a>, then an access token in the <a href="/explorer">API Tester</a>. The <a href="/docs">API reference</a> lists every call.</p>
</div>
<div class="card">
  <h2>I sync a list every night</h2>
  <p>Authorize once with <code>listgate login</code>, then let cron run <code>listgate sync</code> for years: the
  token survives rotation, crashes and overlapping runs. See the cron guide in <code>docs/cron.md</code>.</p>
</div>`,
    }),
  );
}
