// Finding 8 of the security review: the token endpoint answers CORS only for the origins of the app's own
// registered redirect URIs (web and native apps), never for any origin that asks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`token endpoint CORS (${dialect})`, () => {
    let server: TestServer;
    let web: TestApp;
    let priv: TestApp;
    before(async () => {
      server = await startTestServer(dialect);
      web = await registerApp(server, { kind: 'web', redirectUri: 'https://app.example/callback' });
      const owner = await server.services.accounts.signUp({ email: 'cors-owner@example.com', password: 'correct horse battery' });
      priv = await registerApp(server, { kind: 'private', ownerAccountId: owner.account_id });
    });
    after(() => server.close());

    const post = (app: TestApp, origin: string) =>
      fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: {
          origin,
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'nope' }),
      });

    it('does not echo an origin the app never registered', async () => {
      const res = await post(web, 'https://evil.example');
      assert.notEqual(res.headers.get('access-control-allow-origin'), 'https://evil.example');
      assert.notEqual(res.headers.get('access-control-allow-origin'), '*');
    });

    it('allows the origin of a registered redirect URI of a web app', async () => {
      const res = await post(web, 'https://app.example');
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
    });

    it('answers a preflight from any origin without CORS headers', async () => {
      const res = await fetch(`${server.url}/oauth2/token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal(res.headers.get('access-control-allow-headers'), null);
    });

    it('allows no origin for a private integration', async () => {
      const res = await post(priv, 'https://app.example');
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });
  });
}
