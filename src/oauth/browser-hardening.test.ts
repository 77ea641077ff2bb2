import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { clientFor, type Customer, createCustomer, postForm, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { WebClient, type WebResponse } from '../../test/helpers/web-client.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

function authQuery(app: TestApp, redirectUri = app.redirectUri): string {
  return new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'account_read', code_challenge: CHALLENGE, code_challenge_method: 'S256' }).toString();
}

/** RFC 9700 §4.16 (clickjacking) and §4.2.4 (referrer): what every authorization page must carry. */
function assertHardened(page: { headers: Headers; url: string }, label = page.url): void {
  assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, label);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/, label);
  assert.equal(page.headers.get('x-frame-options'), 'DENY', label);
  assert.equal(page.headers.get('referrer-policy'), 'no-referrer', label);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff', label);
}

for (const dialect of TEST_DIALECTS) {
  describe(`browser hardening of the authorization pages (T9) (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let web: TestApp;
    let pages: WebResponse[];

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      pages = (await walkPages(server, `${server.url}/oauth2/auth?${authQuery(web)}`, customer)).pages;
    });
    after(() => server.close());

    it('hardens the sign-in question, sign-in and consent pages, and keeps them out of caches', () => {
      const ask = pages.find((p) => p.body.includes('I already have an account'));
      const signIn = pages.find((p) => p.url.includes('/account/sign-in?'));
      const consent = pages.find((p) => p.body.includes('/confirm"'));
      for (const [label, page] of Object.entries({ ask, signIn, consent })) {
        assert.ok(page, label);
        assertHardened(page, label);
      }
      assert.equal(ask!.headers.get('cache-control'), 'no-store');
      assert.equal(consent!.headers.get('cache-control'), 'no-store');
      for (const page of pages) assertHardened(page);
    });

    it('hardens the device pages and the error page', async () => {
      const device = await registerApp(server, { kind: 'device' });
      const started = await oidc.initiateDeviceAuthorization(await clientFor(server, device), { scope: 'account_read' });
      const browser = new WebClient(server.url);
      const entry = await browser.get('/device');
      assert.equal(entry.status, 303);
      assertHardened(entry, '/device');
      const form = await browser.get(entry.location!);
      assert.match(form.body, /Connect a device/);
      assertHardened(form, 'code form');
      const autoPost = await browser.follow(started.verification_uri_complete!);
      assertHardened(autoPost, 'auto-submitted code');
      assert.match(autoPost.headers.get('content-security-policy') ?? '', /script-src 'self' 'sha256-/, 'only the hashed inline script runs');
      const confirm = await browser.submit(autoPost, '/oauth2/device');
      assert.match(confirm.body, /Is this your device\?/);
      assertHardened(confirm, 'device confirmation');
      assert.equal(confirm.headers.get('cache-control'), 'no-store');

      const error = await fetch(`${server.url}/oauth2/auth?${authQuery(web, 'https://evil.example/cb')}`, { redirect: 'manual' });
      assert.equal(error.status, 400);
      assertHardened({ headers: error.headers, url: 'error page' });
      assert.equal(error.headers.get('cache-control'), 'no-store');
    });

    it('refuses an Allow posted without the CSRF token', async () => {
      const consent = pages.find((p) => p.body.includes('/confirm"'))!;
      const action = consent.body.match(/action="(\/interaction\/[^"]+\/confirm)"/)![1]!;
      const res = await fetch(`${server.url}${action}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      assert.equal(res.status, 403);
    });

    it('sends no CORS headers on the authorization endpoint, and no-store on every token response', async () => {
      const auth = await fetch(`${server.url}/oauth2/auth?${authQuery(web)}`, { redirect: 'manual', headers: { origin: 'https://evil.example' } });
      assert.equal(auth.headers.get('access-control-allow-origin'), null);
      const preflight = await fetch(`${server.url}/oauth2/auth`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
      const failed = await postForm(server, '/token', { grant_type: 'client_credentials' }, { clientId: web.clientId, secret: 'wrong' });
      assert.equal(failed.headers.get('cache-control'), 'no-store');
      const refused = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: 'x' }, { clientId: web.clientId, secret: web.clientSecret! });
      assert.equal(refused.headers.get('cache-control'), 'no-store');
    });
  });
}

describe('authorization cookies over HTTPS (T9)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { PUBLIC_URL: 'https://lists.example' });
  });
  after(() => server.close());

  it('marks the provider cookies __Secure-, Secure, HttpOnly and SameSite, even without a trusted proxy', async () => {
    const web = await registerApp(server, { kind: 'web' });
    const res = await fetch(`${server.address}/oauth2/auth?${authQuery(web)}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    const cookies = res.headers.getSetCookie();
    assert.ok(cookies.length >= 2);
    for (const cookie of cookies) {
      assert.match(cookie, /^__Secure-lg_/, cookie);
      assert.match(cookie, /; secure/i, cookie);
      assert.match(cookie, /; httponly/i, cookie);
      assert.match(cookie, /; samesite=lax/i, cookie);
    }
    assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=/);
  });
});
