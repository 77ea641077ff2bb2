import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { WebClient, WebResponse } from '../../../test/helpers/web-client.ts';
import { LEGACY_TOKEN_REQUESTS_WARNING } from './app-settings.views.ts';

const keyOf = (page: WebResponse) => page.body.match(/id="api-key"[^>]*>([^<]+)</)?.[1];
const secretOf = (page: WebResponse) => page.body.match(/Client secret<\/span>\s*<code class="secret"[^>]*>([^<]+)</)?.[1];
const errorOf = (page: WebResponse, name: string) => page.body.match(new RegExp(`id="f-${name}-error"[^>]*>([^<]*)<`))?.[1];

it('docs/oauth.md quotes the settings page warning word for word', () => {
  const quoted = readFileSync(new URL('../../../docs/oauth.md', import.meta.url), 'utf8').match(/The settings page warns:\n\n((?:> .*\n)+)/)?.[1];
  assert.equal(quoted?.replace(/^> /gm, '').replace(/\n/g, ' ').trim(), LEGACY_TOKEN_REQUESTS_WARNING);
});

for (const dialect of TEST_DIALECTS) {
  describe(`developer application pages (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    async function register(browser: WebClient, name = 'Nightly sync', kind?: string) {
      const posted = await browser.submit(await browser.get('/developer/apps/register'), '/developer/apps/register', { name, terms: 'yes', ...(kind ? { kind } : {}) });
      assert.equal(posted.status, 303);
      const page = await browser.follow(posted.location!);
      assert.equal(page.status, 200);
      return { page, key: keyOf(page)!, secret: secretOf(page)! };
    }

    it('sends a developer who is not signed in to sign-in, and back afterwards', async () => {
      const { browser } = await signedInDeveloper(server);
      await browser.submit(await browser.get('/developer/sign-out'), '/developer/sign-out');
      const res = await browser.get('/developer/apps/register');
      assert.equal(res.status, 303);
      assert.equal(res.location, `${server.url}/developer/sign-in?return_to=%2Fdeveloper%2Fapps%2Fregister`);
    });

    it('registers with a name and the terms box only, and shows the API key at once', async () => {
      const { browser, developer } = await signedInDeveloper(server);
      const form = await browser.get('/developer/apps/register');
      assert.match(form.body, /<label for="f-name">Application Name<\/label>/);
      assert.match(form.body, /I agree to the <a href="\/developer\/terms">terms of service<\/a>/);
      assert.match(form.body, /<button type="submit">Register Application<\/button>/);
      const { page, key, secret } = await register(browser);
      assert.match(page.body, /Your API key/);
      assert.ok(key && key.length >= 20);
      assert.ok(secret && secret.length >= 40);
      assert.match(page.body, /10 years \(315359999 seconds\)/);
      assert.ok(!page.body.includes('listgate login'), 'a web app cannot sign in with listgate login');

      const app = await server.services.apps.getApp(key);
      assert.equal(app?.owner_developer_id, developer.id);
      assert.equal(app?.access_token_ttl, 315359999);
      assert.equal(await server.services.apps.verifySecret(key, secret), true);

      const list = await browser.get('/developer/apps');
      assert.equal(list.status, 200);
      assert.ok(list.body.includes(`<code class="key">${key}</code>`));
      assert.match(list.body, /badge active">Active/);
      assert.ok(!list.body.includes(secret), 'the secret is shown once only');
    });

    it('refuses a registration without the terms box or a name, and creates nothing', async () => {
      const { browser, developer } = await signedInDeveloper(server);
      const page = await browser.get('/developer/apps/register');
      const noTerms = await browser.submit(page, '/developer/apps/register', { name: 'No terms' });
      assert.equal(noTerms.status, 400);
      assert.equal(errorOf(noTerms, 'terms'), 'Tick the box to agree to the terms of service');
      assert.match(noTerms.body, /value="No terms"/);
      const nothing = await browser.submit(page, '/developer/apps/register', { name: '   ' });
      assert.equal(errorOf(nothing, 'name'), 'Enter an application name of 1 to 100 characters');
      const noName = await browser.submit(page, '/developer/apps/register', { name: '', terms: 'yes' });
      assert.equal(noName.status, 400);
      assert.ok(errorOf(noName, 'name'));
      assert.deepEqual(await server.services.apps.listApps({ ownerDeveloperId: developer.id }), []);
    });

    it('saves settings and refuses fragments, wildcards, non-loopback http and a bad lifetime next to the field', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key } = await register(browser, 'Settings app');
      const settings = await browser.get(`/developer/apps/${key}`);
      assert.equal(settings.status, 200);
      assert.match(settings.body, /<option value="315359999" selected>10 years/);
      assert.match(settings.body, /\/explorer\/callback\) is always allowed/);

      const cases: [string, RegExp][] = [
        ['https://app.example.com/cb#frag', /fragment/],
        ['https://*.example.com/cb', /wildcards/],
        ['http://app.example.com/cb', /Use https/],
        ['not a uri', /spaces|absolute URI/],
      ];
      for (const [uri, message] of cases) {
        const res = await browser.submit(settings, `/developer/apps/${key}`, { redirectUris: uri });
        assert.equal(res.status, 400, uri);
        assert.match(errorOf(res, 'redirectUris') ?? '', message, uri);
        assert.ok(res.body.includes('aria-invalid="true"'));
      }
      const badTtl = await browser.submit(settings, `/developer/apps/${key}`, { accessTokenTtl: '10' });
      assert.match(errorOf(badTtl, 'accessTokenTtl') ?? '', /from 300 to 315359999/);
      const badLogo = await browser.submit(settings, `/developer/apps/${key}`, { logoUri: 'http://example.com/logo.png' });
      assert.match(errorOf(badLogo, 'logoUri') ?? '', /https/);
      assert.deepEqual((await server.services.apps.getApp(key))?.redirect_uris, []);

      const saved = await browser.submit(settings, `/developer/apps/${key}`, {
        name: 'Settings app v2',
        redirectUris: 'https://app.example.com/callback\r\nhttps://app.example.com/other',
        accessTokenTtl: '3600',
        refreshPolicy: 'long-lived',
        description: 'Syncs lists at night',
      });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `${server.url}/developer/apps/${key}?done=saved`);
      const app = await server.services.apps.getApp(key);
      assert.deepEqual(app?.redirect_uris, ['https://app.example.com/callback', 'https://app.example.com/other']);
      assert.equal(app?.access_token_ttl, 3600);
      assert.equal(app?.refresh_policy, 'long-lived');
      assert.equal(app?.name, 'Settings app v2');
      assert.match((await browser.get(saved.location!)).body, /Settings saved/);

      const native = await browser.submit(settings, `/developer/apps/${key}`, { kind: 'native', redirectUris: 'http://127.0.0.1:8765/callback' });
      assert.equal(native.status, 303);
      assert.equal((await server.services.apps.getApp(key))?.kind, 'native');
    });

    it('turns legacy token requests on and off for a web app, with the warning, and never for a native app', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key } = await register(browser, 'Moved from Constant Contact');
      const settings = await browser.get(`/developer/apps/${key}`);
      assert.match(settings.body, /<legend>Legacy token requests<\/legend>/);
      assert.match(settings.body, /turns off PKCE for this app and allows token-endpoint parameters \(including the authorization code\) in the query string/);
      assert.doesNotMatch(settings.body, /name="legacyTokenRequests"[^>]*checked/, 'off by default');
      const on = await browser.submit(settings, `/developer/apps/${key}`, { legacyTokenRequests: 'yes' });
      assert.equal(on.status, 303);
      assert.equal((await server.services.apps.getApp(key))?.legacy_token_requests, 1);
      const page = await browser.get(`/developer/apps/${key}`);
      assert.match(page.body, /name="legacyTokenRequests" value="yes" checked/);
      const native = await browser.submit(page, `/developer/apps/${key}`, { kind: 'native', redirectUris: 'http://127.0.0.1:8765/callback' });
      assert.equal(native.status, 400);
      assert.match(errorOf(native, 'legacyTokenRequests') ?? '', /only for web apps/);
      assert.equal((await server.services.apps.getApp(key))?.kind, 'web', 'a refused form changes nothing');
      const off = await browser.submit(page, `/developer/apps/${key}`, { legacyTokenRequests: '' });
      assert.equal(off.status, 303);
      assert.equal((await server.services.apps.getApp(key))?.legacy_token_requests, 0);
    });

    it('generates a new secret: the old one stops now, or after the grace period picked', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key, secret } = await register(browser, 'Secret app');
      const settings = await browser.get(`/developer/apps/${key}`);
      assert.ok(settings.body.includes(`Ends in <code>${secret.slice(-4)}</code>`));

      const bad = await browser.submit(settings, `/developer/apps/${key}/secret`, { grace: '42' });
      assert.equal(bad.status, 400);
      assert.ok(errorOf(bad, 'grace'));
      assert.equal(await server.services.apps.verifySecret(key, secret), true);

      const graceful = await browser.submitThenGet(settings, `/developer/apps/${key}/secret`, { grace: '3600' });
      const second = graceful.body.match(/New client secret<\/span>\s*<code class="secret"[^>]*>([^<]+)</)?.[1];
      assert.ok(second);
      assert.match(graceful.body, /keeps working until/);
      assert.equal(await server.services.apps.verifySecret(key, secret), true);
      assert.equal(await server.services.apps.verifySecret(key, second), true);

      const now = await browser.submitThenGet(settings, `/developer/apps/${key}/secret`, { grace: '0' });
      const third = now.body.match(/New client secret<\/span>\s*<code class="secret"[^>]*>([^<]+)</)?.[1];
      assert.match(now.body, /stopped working now/);
      assert.equal(await server.services.apps.verifySecret(key, secret), false);
      assert.equal(await server.services.apps.verifySecret(key, second), false);
      assert.equal(await server.services.apps.verifySecret(key, third!), true);
    });

    it('asks the kind in plain words, and registers a native app that works with listgate login', async () => {
      const { browser } = await signedInDeveloper(server);
      const form = await browser.get('/developer/apps/register');
      assert.match(form.body, /<legend>What kind of application is it\?<\/legend>/);
      assert.match(form.body, /value="web" checked/);
      assert.match(form.body, /Works with both the API Tester and listgate login/);
      assert.match(form.body, /For a script or cron job: choose <strong>Native app or script<\/strong>/);
      assert.match(form.body, /href="\/account\/integrations">private integration/);
      const { key, secret } = await register(browser, 'Cron job', 'native');
      assert.equal((await server.services.apps.getApp(key))?.kind, 'native');
      assert.equal(secret, undefined, 'a native app has no secret');
      const shown = await browser.get(`/developer/apps/${key}/registered`);
      assert.ok(shown.body.includes(`listgate login --server ${server.url} --api-key ${key}`));
      const bad = await browser.submit(form, '/developer/apps/register', { name: 'Sneaky', terms: 'yes', kind: 'private' });
      assert.equal(bad.status, 400);
      assert.match(errorOf(bad, 'kind') ?? '', /private integration is made in your customer account/);
    });

    it('shows the API key again on reload but registers one app only (post/redirect/get)', async () => {
      const { browser, developer } = await signedInDeveloper(server);
      const posted = await browser.submit(await browser.get('/developer/apps/register'), '/developer/apps/register', { name: 'Reloaded', terms: 'yes' });
      const first = await browser.get(posted.location!);
      const key = keyOf(first)!;
      assert.ok(secretOf(first));
      const reload = await browser.get(posted.location!);
      assert.equal(reload.status, 200);
      assert.equal(keyOf(reload), key);
      assert.equal(secretOf(reload), undefined, 'the secret is shown once');
      assert.match(reload.body, /The client secret was shown once/);
      assert.equal((await server.services.apps.listApps({ ownerDeveloperId: developer.id })).length, 1);
    });

    it('shows a new secret once and makes no other one on reload (post/redirect/get)', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key, secret } = await register(browser, 'Rotated once');
      const posted = await browser.submit(await browser.get(`/developer/apps/${key}`), `/developer/apps/${key}/secret`, { grace: '3600' });
      assert.equal(posted.status, 303);
      const shown = await browser.get(posted.location!);
      const fresh = shown.body.match(/New client secret<\/span>\s*<code class="secret"[^>]*>([^<]+)</)?.[1];
      assert.ok(fresh);
      const reload = await browser.get(posted.location!);
      assert.match(reload.body, /The new secret was shown once/);
      // Still the two secrets of before the reload: the original (in its grace period) and the new one.
      assert.equal(await server.services.apps.verifySecret(key, secret), true);
      assert.equal(await server.services.apps.verifySecret(key, fresh), true);
    });

    it("keeps another developer's apps out of reach", async () => {
      const owner = await signedInDeveloper(server);
      const { key } = await register(owner.browser, 'Private to owner');
      const other = await signedInDeveloper(server);
      assert.equal((await other.browser.get(`/developer/apps/${key}`)).status, 404);
      const ownerPage = await owner.browser.get(`/developer/apps/${key}`);
      // The other developer posts the owner's form with their own CSRF token.
      const csrf = (await other.browser.get('/developer/apps/register')).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const attempt = await other.browser.submit(ownerPage, `/developer/apps/${key}/delete`, { confirm: 'yes', _csrf: csrf });
      assert.equal(attempt.status, 404);
      assert.ok(await server.services.apps.getApp(key));
      assert.ok(!(await other.browser.get('/developer/apps')).body.includes(key));
    });

    it('disables, enables and deletes an app; delete asks for confirmation', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key } = await register(browser, 'Short-lived');
      const settings = await browser.get(`/developer/apps/${key}`);
      const disabled = await browser.submit(settings, `/developer/apps/${key}/status`);
      assert.equal(disabled.location, `${server.url}/developer/apps/${key}?done=disabled`);
      assert.equal((await server.services.apps.getApp(key))?.status, 'disabled');
      const page = await browser.get(disabled.location!);
      assert.match(page.body, /badge disabled">Disabled/);
      await browser.submit(page, `/developer/apps/${key}/status`);
      assert.equal((await server.services.apps.getApp(key))?.status, 'active');

      const unconfirmed = await browser.submit(settings, `/developer/apps/${key}/delete`);
      assert.equal(unconfirmed.status, 400);
      assert.match(errorOf(unconfirmed, 'confirm') ?? '', /Tick the box/);
      assert.ok(await server.services.apps.getApp(key));
      const deleted = await browser.submit(settings, `/developer/apps/${key}/delete`, { confirm: 'yes' });
      assert.equal(deleted.location, `${server.url}/developer/apps?done=deleted`);
      assert.equal(await server.services.apps.getApp(key), null);
      assert.equal((await browser.get(`/developer/apps/${key}`)).status, 404);
    });

    it('refuses a settings form posted without its CSRF token', async () => {
      const { browser } = await signedInDeveloper(server);
      const { key } = await register(browser, 'CSRF app');
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(`${server.url}/developer/apps/${key}/delete`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ confirm: 'yes' }),
      });
      assert.equal(res.status, 403);
      assert.ok(await server.services.apps.getApp(key));
    });
  });
}
