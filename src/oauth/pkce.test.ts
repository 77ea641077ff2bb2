import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { basicAuth, type Customer, createCustomer, postForm, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/** The authorization endpoint's answer to a request that names a registered redirect URI. */
async function authorize(server: TestServer, app: TestApp, params: Record<string, string>) {
  const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, scope: 'account_read', state: 's', ...params });
  for (const [key, value] of Object.entries(params)) if (value === '') query.delete(key);
  const res = await fetch(`${server.url}/oauth2/auth?${query}`, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') };
}

for (const dialect of TEST_DIALECTS) {
  describe(`PKCE matrix (T1) (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let apps: TestApp[];

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      apps = [await registerApp(server, { kind: 'web' }), await registerApp(server, { kind: 'native' })];
    });
    after(() => server.close());

    /** A code issued for `challenge`, through the real pages. */
    async function codeFor(app: TestApp, challenge: string): Promise<string> {
      const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, scope: 'account_read', code_challenge: challenge, code_challenge_method: 'S256' });
      const walk = await walkPages(server, `${server.url}/oauth2/auth?${query}`, customer);
      return walk.callback!.searchParams.get('code')!;
    }

    const redeem = (app: TestApp, code: string, verifier?: string) => {
      const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri };
      if (verifier !== undefined) form.code_verifier = verifier;
      if (!app.clientSecret) form.client_id = app.clientId;
      return postForm(server, '/token', form, basicAuth(app));
    };

    it('refuses an authorization request without a code challenge, for every kind of client', async () => {
      for (const app of apps) {
        const res = await authorize(server, app, {});
        assert.equal(res.status, 303);
        const back = new URL(res.location!);
        assert.equal(`${back.origin}${back.pathname}`, app.redirectUri);
        assert.equal(back.searchParams.get('error'), 'invalid_request');
        assert.match(back.searchParams.get('error_description') ?? '', /PKCE/);
        assert.equal(back.searchParams.get('code'), null);
      }
    });

    it('refuses the plain method and malformed challenges', async () => {
      for (const app of apps) {
        for (const params of [
          { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
          { code_challenge: 'a'.repeat(43), code_challenge_method: 'S512' },
          { code_challenge: 'short', code_challenge_method: 'S256' },
          { code_challenge: `${'a'.repeat(42)}!`, code_challenge_method: 'S256' },
        ]) {
          const res = await authorize(server, app, params);
          const back = new URL(res.location!);
          assert.equal(back.searchParams.get('error'), 'invalid_request', JSON.stringify(params));
        }
      }
    });

    it('refuses a wrong, missing or malformed verifier', async () => {
      for (const app of apps) {
        const verifier = oidc.randomPKCECodeVerifier();
        const challenge = await oidc.calculatePKCECodeChallenge(verifier);
        const wrong = await redeem(app, await codeFor(app, challenge), oidc.randomPKCECodeVerifier());
        assert.equal(wrong.status, 400);
        assert.equal(wrong.json.error, 'invalid_grant');
        const missing = await redeem(app, await codeFor(app, challenge));
        assert.equal(missing.status, 400);
        assert.match(String(missing.json.error), /^invalid_(grant|request)$/);
        const code = await codeFor(app, challenge);
        const shortVerifier = await redeem(app, code, 'too-short');
        assert.match(String(shortVerifier.json.error), /^invalid_(grant|request)$/);
      }
    });

    it('exchanges a code for tokens with the right S256 verifier', async () => {
      for (const app of apps) {
        const verifier = oidc.randomPKCECodeVerifier();
        const res = await redeem(app, await codeFor(app, await oidc.calculatePKCECodeChallenge(verifier)), verifier);
        assert.equal(res.status, 200, JSON.stringify(res.json));
        assert.ok(res.json.access_token);
      }
    });

    it('publishes S256 as the only challenge method', async () => {
      const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.equal(metadata.issuer, `${server.url}/oauth2`);
    });
  });
}
