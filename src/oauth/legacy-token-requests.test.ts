import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { basicAuth, type Customer, createCustomer, postForm, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`legacy token requests setting (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let legacy: TestApp;
    let modern: TestApp;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      legacy = await registerApp(server, { kind: 'web' });
      await server.services.apps.updateSettings(legacy.clientId, { legacyTokenRequests: true });
      modern = await registerApp(server, { kind: 'web' });
    });
    after(() => server.close());

    /** A code through the real pages; with a challenge only when one is given. */
    async function codeFor(app: TestApp, challenge?: string): Promise<string> {
      const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, scope: 'account_read' });
      if (challenge) {
        query.set('code_challenge', challenge);
        query.set('code_challenge_method', 'S256');
      }
      const walk = await walkPages(server, `${server.url}/oauth2/auth?${query}`, customer);
      const code = walk.callback?.searchParams.get('code');
      assert.ok(code, `no code: ${walk.callback?.search}`);
      return code;
    }

    const form = (app: TestApp, code: string) => ({ grant_type: 'authorization_code', code, redirect_uri: app.redirectUri });

    it('is off by default, and only a web app can have it', async () => {
      assert.equal((await server.services.apps.getApp(modern.clientId))?.legacy_token_requests, 0);
      assert.equal((await server.services.apps.getApp(legacy.clientId))?.legacy_token_requests, 1);
      for (const kind of ['native', 'device'] as const) {
        const app = await registerApp(server, { kind });
        await assert.rejects(server.services.apps.updateSettings(app.clientId, { legacyTokenRequests: true }), (err: { status: number; fields: Record<string, string> }) => {
          assert.equal(err.status, 400);
          assert.match(err.fields.legacyTokenRequests!, /only for web apps/);
          return true;
        });
        assert.equal((await server.services.apps.getApp(app.clientId))?.legacy_token_requests, 0);
      }
      await assert.rejects(server.services.apps.createApp({ name: 'Native legacy', kind: 'native', redirectUris: ['http://127.0.0.1/cb'], legacyTokenRequests: true }));
      await assert.rejects(server.services.apps.updateSettings(modern.clientId, { legacyTokenRequests: 'maybe' }));
      const moved = await registerApp(server, { kind: 'web' });
      await server.services.apps.updateSettings(moved.clientId, { legacyTokenRequests: true });
      await server.services.apps.updateSettings(moved.clientId, { kind: 'native', redirectUris: ['http://127.0.0.1/callback'] });
      assert.equal((await server.services.apps.getApp(moved.clientId))?.legacy_token_requests, 0, 'an app that stops being a web app loses it');
    });

    it('ON: a code without PKCE, redeemed with a form body or with the parameters in the query string', async () => {
      const fromBody = await postForm(server, '/token', form(legacy, await codeFor(legacy)), basicAuth(legacy));
      assert.equal(fromBody.status, 200, fromBody.text);
      assert.ok(fromBody.json.access_token);
      const query = new URLSearchParams(form(legacy, await codeFor(legacy)));
      const fromQuery = await postForm(server, `/token?${query}`, '', basicAuth(legacy));
      assert.equal(fromQuery.status, 200, fromQuery.text);
      assert.equal(fromQuery.json.token_type, 'Bearer');
      assert.equal(fromQuery.json.scope, 'account_read');
    });

    it('ON: PKCE still binds a code that was asked with a challenge', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const code = await codeFor(legacy, await oidc.calculatePKCECodeChallenge(verifier));
      const wrong = await postForm(server, '/token', { ...form(legacy, code), code_verifier: oidc.randomPKCECodeVerifier() }, basicAuth(legacy));
      assert.equal(wrong.json.error, 'invalid_grant');
    });

    it('ON: a client secret in the URL or a parameter sent twice is refused', async () => {
      const code = await codeFor(legacy);
      const secretInUrl = new URLSearchParams({ ...form(legacy, code), client_id: legacy.clientId, client_secret: legacy.clientSecret! });
      const a = await postForm(server, `/token?${secretInUrl}`, '');
      assert.equal(a.status, 400);
      assert.equal(a.json.error, 'invalid_request');
      assert.match(String(a.json.error_description), /Authorization header/);
      const twice = await postForm(server, `/token?${new URLSearchParams(form(legacy, code))}`, { grant_type: 'authorization_code' }, basicAuth(legacy));
      assert.equal(twice.status, 400);
      assert.equal(twice.json.error, 'invalid_request');
    });

    it('OFF: no PKCE and query-string parameters are refused with invalid_request, as before', async () => {
      const query = new URLSearchParams({ client_id: modern.clientId, response_type: 'code', redirect_uri: modern.redirectUri, scope: 'account_read' });
      const res = await fetch(`${server.url}/oauth2/auth?${query}`, { redirect: 'manual' });
      const back = new URL(res.headers.get('location')!);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.equal(back.searchParams.get('code'), null);
      const verifier = oidc.randomPKCECodeVerifier();
      const code = await codeFor(modern, await oidc.calculatePKCECodeChallenge(verifier));
      const inQuery = await postForm(server, `/token?${new URLSearchParams({ ...form(modern, code), code_verifier: verifier })}`, '', basicAuth(modern));
      assert.equal(inQuery.status, 400);
      assert.equal(inQuery.json.error, 'invalid_request');
      const inBody = await postForm(server, '/token', { ...form(modern, code), code_verifier: verifier }, basicAuth(modern));
      assert.equal(inBody.status, 200, 'the refused request did not use up the code');
    });
  });
}
