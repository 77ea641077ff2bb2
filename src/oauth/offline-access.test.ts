// offline_access yields a refresh token without prompt=consent, as in the dialect: the customer is asked
// once, and a customer who already allowed everything asked is not asked again in the same session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { clientFor, type Customer, createCustomer, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import type { WebClient } from '../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`offline_access without prompt=consent (${dialect})`, () => {
    let server: TestServer;
    let web: TestApp;
    let config: oidc.Configuration;

    before(async () => {
      server = await startTestServer(dialect);
      web = await registerApp(server, { kind: 'web' });
      config = await clientFor(server, web);
    });
    after(() => server.close());

    /** One authorization through the real pages; whether the consent page was shown, and the tokens. */
    async function authorize(customer: Customer, scope: string, extra: Record<string, string> = {}, browser?: WebClient) {
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: web.redirectUri, scope, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
      const walk = await walkPages(server, url.href, customer, { browser });
      assert.ok(walk.callback, 'back at the app');
      const asked = walk.pages.some((p) => p.body.includes('/confirm"'));
      const tokens = await oidc.authorizationCodeGrant(config, walk.callback, { pkceCodeVerifier: verifier });
      return { asked, tokens, browser: walk.browser };
    }

    it('issues a refresh token on the first consent, and again without asking a customer who allowed it', async () => {
      const customer = await createCustomer(server);
      const first = await authorize(customer, 'account_read offline_access');
      assert.equal(first.asked, true, 'the customer is asked once');
      assert.ok(first.tokens.refresh_token, 'a refresh token without prompt=consent');
      const again = await authorize(customer, 'account_read offline_access', {}, first.browser);
      assert.equal(again.asked, false, 'already allowed: no consent page');
      assert.ok(again.tokens.refresh_token);
      const refreshed = await oidc.refreshTokenGrant(config, again.tokens.refresh_token!);
      assert.ok(refreshed.access_token);
    });

    it('asks again when the request adds a scope the customer has not allowed, and when the app sends prompt=consent', async () => {
      const customer = await createCustomer(server);
      const first = await authorize(customer, 'account_read');
      assert.equal(first.tokens.refresh_token, undefined, 'no refresh token without offline_access');
      const more = await authorize(customer, 'account_read offline_access', {}, first.browser);
      assert.equal(more.asked, true, 'offline_access was not allowed before');
      assert.ok(more.tokens.refresh_token);
      const explicit = await authorize(customer, 'account_read offline_access', { prompt: 'consent' }, first.browser);
      assert.equal(explicit.asked, true, 'an app that asks for the consent page gets it');
      assert.ok(explicit.tokens.refresh_token);
    });

    it('leaves offline_access out when the app sends another prompt, and ignores the marker when an app sends it', async () => {
      const customer = await createCustomer(server);
      const login = await authorize(customer, 'account_read offline_access', { prompt: 'login' });
      assert.equal(login.tokens.refresh_token, undefined);
      assert.equal(login.tokens.scope, 'account_read');
      const forged = await authorize(customer, 'account_read', { prompt: 'consent', listgate_offline_consent: '1' }, login.browser);
      assert.equal(forged.asked, true, 'the marker is set only by the server');
    });
  });
}
