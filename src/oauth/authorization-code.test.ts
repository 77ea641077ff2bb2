import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import {
  type Customer,
  clientFor,
  codeFlow,
  createCustomer,
  introspect,
  postForm,
  registerApp,
  type TestApp,
  walkPages,
} from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/** An authorization URL with a fresh PKCE pair, and what the token request needs afterwards. */
async function authorizationUrl(config: oidc.Configuration, app: TestApp, params: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
    scope: 'account_read',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'state-1',
    ...params,
  });
  return { url, verifier };
}

for (const dialect of TEST_DIALECTS) {
  describe(`authorization code with PKCE through the pages (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let web: TestApp;
    let config: oidc.Configuration;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      config = await clientFor(server, web);
    });
    after(() => server.close());

    it('walks sign-in and consent, redirects with code, state and iss, and issues a working token', async () => {
      const { url, verifier } = await authorizationUrl(config, web, { scope: 'openid email account_read contact_data' });
      const walk = await walkPages(server, url.href, customer);
      const [first, , signIn] = walk.pages;
      assert.match(first!.location ?? '', /\/interaction\/[\w-]+$/);
      const ask = walk.pages[1]!;
      assert.match(ask.body, /Test web app<\/strong> wants to connect to your Listgate account/);
      assert.match(ask.body, /href="\/account\/sign-in\?return_to=%2Finteraction%2F[\w-]+">I already have an account/);
      assert.match(ask.body, /href="\/account\/sign-up\?return_to=/);
      assert.match(signIn!.url, /\/account\/sign-in\?return_to=%2Finteraction%2F/);
      const consent = walk.pages.find((p) => p.body.includes('/confirm"'));
      assert.ok(consent, 'a consent page was shown');
      assert.match(consent.body, /Allow Test web app to use your account\?/);
      assert.match(consent.body, /Read and change your contacts/);
      assert.match(consent.body, /See your account details/);
      assert.match(consent.body, /See your email address/);
      assert.match(consent.body, /Its access lasts 10 years/);
      assert.match(consent.body, />Deny</);

      assert.ok(walk.callback);
      assert.equal(`${walk.callback.origin}${walk.callback.pathname}`, web.redirectUri);
      assert.equal(walk.callback.searchParams.get('state'), 'state-1');
      assert.equal(walk.callback.searchParams.get('iss'), `${server.url}/oauth2`);
      assert.ok(walk.callback.searchParams.get('code'));

      const tokens = await oidc.authorizationCodeGrant(config, walk.callback, { pkceCodeVerifier: verifier, expectedState: 'state-1' });
      assert.equal(tokens.expires_in, 315359999);
      assert.equal(tokens.refresh_token, undefined, 'no refresh token without offline_access');
      assert.equal(tokens.claims()?.sub, customer.userId);
      assert.equal(JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).alg, 'EdDSA');

      const summary = await fetch(`${server.url}/v3/account/summary`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, 'x-api-key': web.clientId },
      });
      assert.equal(summary.status, 200);
      assert.equal(((await summary.json()) as { contact_email: string }).contact_email, customer.email);
    });

    it('issues a refresh token for offline_access, with or without prompt=consent (offline-access.test.ts)', async () => {
      const plain = await codeFlow(server, config, web, customer, { scope: 'account_read offline_access' });
      assert.ok(plain.tokens.refresh_token);
      const consented = await codeFlow(server, config, web, customer, { scope: 'account_read offline_access', prompt: 'consent' });
      assert.ok(consented.tokens.refresh_token);
    });

    it('redirects with access_denied when the customer denies', async () => {
      const other = await createCustomer(server);
      const { url } = await authorizationUrl(config, web);
      const walk = await walkPages(server, url.href, other, { choice: 'deny' });
      assert.equal(walk.callback?.searchParams.get('error'), 'access_denied');
      assert.equal(walk.callback?.searchParams.get('code'), null);
      assert.equal(walk.callback?.searchParams.get('iss'), `${server.url}/oauth2`);
    });

    it('refuses a reused code and revokes the token issued from it', async () => {
      const { tokens, callback, verifier } = await codeFlow(server, config, web, customer);
      assert.equal((await introspect(server, web, tokens.access_token)).active, true);
      const again = await postForm(
        server,
        '/token',
        { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: web.redirectUri, code_verifier: verifier },
        { clientId: web.clientId, secret: web.clientSecret! },
      );
      assert.equal(again.status, 400);
      assert.equal(again.json.error, 'invalid_grant');
      assert.deepEqual(await introspect(server, web, tokens.access_token), { active: false });
      const api = await fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(api.status, 401);
    });

    it('gives exactly one token for 20 parallel redemptions of one code, and no 5xx', async () => {
      const { url, verifier } = await authorizationUrl(config, web);
      const walk = await walkPages(server, url.href, customer);
      const code = walk.callback!.searchParams.get('code')!;
      const form = { grant_type: 'authorization_code', code, redirect_uri: web.redirectUri, code_verifier: verifier };
      const results = await Promise.all(
        Array.from({ length: 20 }, () => postForm(server, '/token', form, { clientId: web.clientId, secret: web.clientSecret! })),
      );
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses}`);
      assert.ok(results.every((r) => r.status === 200 || r.json.error === 'invalid_grant'), `statuses: ${statuses}`);
    });

    it('refuses a code sent by another client', async () => {
      const { url, verifier } = await authorizationUrl(config, web);
      const walk = await walkPages(server, url.href, customer);
      const other = await registerApp(server, { kind: 'web' });
      const res = await postForm(
        server,
        '/token',
        { grant_type: 'authorization_code', code: walk.callback!.searchParams.get('code')!, redirect_uri: web.redirectUri, code_verifier: verifier },
        { clientId: other.clientId, secret: other.clientSecret! },
      );
      assert.equal(res.status, 400);
      assert.equal(res.json.error, 'invalid_grant');
    });

    it('skips sign-in and consent the second time in the same browser', async () => {
      const { url } = await authorizationUrl(config, web);
      const first = await walkPages(server, url.href, customer);
      const again = await authorizationUrl(config, web);
      const second = await walkPages(server, again.url.href, customer, { browser: first.browser });
      assert.ok(second.callback?.searchParams.get('code'));
      assert.ok(!second.pages.some((p) => p.body.includes('/confirm"')), 'no second consent page');
      assert.ok(!second.pages.some((p) => p.url.includes('/account/sign-in')), 'no second sign-in');
    });
  });
}
