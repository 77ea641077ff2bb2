import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { rowCounts } from '../../test/helpers/db-dump.ts';
import { type Customer, clientFor, createCustomer, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`client credentials for private integrations (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let app: TestApp;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      app = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
    });
    after(() => server.close());

    const summary = (token: string, apiKey = app.clientId) =>
      fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey } });

    it("issues a 10-year token through openid-client that acts on the owning account", async () => {
      const config = await clientFor(server, app);
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(tokens.expires_in, 315359999);
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.scope, 'contact_data account_read account_update');
      const res = await summary(tokens.access_token);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { contact_email: string }).contact_email, customer.email);
    });

    it('accepts the secret in the form body (client_secret_post) and narrows to a requested scope', async () => {
      const res = await postForm(server, '/token', {
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret!,
        scope: 'contact_data',
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.json.scope, 'contact_data');
      const denied = await summary(String(res.json.access_token));
      assert.equal(denied.status, 403);
    });

    it('uses the lifetime set for the app', async () => {
      const short = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId, accessTokenTtl: 300 });
      const res = await postForm(server, '/token', { grant_type: 'client_credentials' }, { clientId: short.clientId, secret: short.clientSecret! });
      assert.equal(res.json.expires_in, 300);
    });

    it('refuses unknown clients and wrong secrets with 401 invalid_client, writing nothing', async () => {
      const before = await rowCounts(server.services.db);
      const cases: [{ clientId: string; secret: string }, number, string][] = [
        [{ clientId: app.clientId, secret: 'wrong-secret' }, 401, 'invalid_client'],
        [{ clientId: 'no-such-client', secret: app.clientSecret! }, 401, 'invalid_client'],
        [{ clientId: app.clientId, secret: '' }, 401, 'invalid_client'],
        [{ clientId: "x' OR '1'='1", secret: "' OR 1=1 --" }, 401, 'invalid_client'],
        [{ clientId: 'x'.repeat(5000), secret: 'y' }, 401, 'invalid_client'],
        // RFC 6749 Appendix A: client ids and secrets are printable ASCII; anything else is a malformed request
        [{ clientId: 'ключ-😀', secret: 'x' }, 400, 'invalid_request'],
        [{ clientId: app.clientId, secret: '\u0000\u202e' }, 400, 'invalid_request'],
      ];
      for (const [auth, status, error] of cases) {
        const res = await postForm(server, '/token', { grant_type: 'client_credentials' }, auth);
        assert.equal(res.status, status, auth.clientId.slice(0, 20));
        assert.equal(res.json.error, error);
        assert.equal(res.json.access_token, undefined);
      }
      assert.deepEqual(await rowCounts(server.services.db), before);
    });

    it('stops accepting a secret once it is rotated', async () => {
      const rotating = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      const { client_secret } = await server.services.apps.rotateSecret(rotating.clientId);
      const old = await postForm(server, '/token', { grant_type: 'client_credentials' }, { clientId: rotating.clientId, secret: rotating.clientSecret! });
      assert.equal(old.status, 401);
      const fresh = await postForm(server, '/token', { grant_type: 'client_credentials' }, { clientId: rotating.clientId, secret: client_secret });
      assert.equal(fresh.status, 200);
    });

    it('is not available to web, native or device apps', async () => {
      const web = await registerApp(server, { kind: 'web' });
      const res = await postForm(server, '/token', { grant_type: 'client_credentials' }, { clientId: web.clientId, secret: web.clientSecret! });
      assert.equal(res.status, 400);
      assert.match(String(res.json.error), /^(unauthorized_client|invalid_request)$/);
      const device = await registerApp(server, { kind: 'device' });
      const publicRes = await postForm(server, '/token', { grant_type: 'client_credentials', client_id: device.clientId });
      assert.equal(publicRes.status, 400);
      assert.equal(publicRes.json.access_token, undefined);
    });

    it('refuses the password grant and the implicit flow', async () => {
      const password = await postForm(server, '/token', { grant_type: 'password', username: customer.email, password: customer.password }, { clientId: app.clientId, secret: app.clientSecret! });
      assert.equal(password.status, 400);
      assert.equal(password.json.error, 'unsupported_grant_type');
      const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.ok(!(metadata.grant_types_supported as string[]).includes('password'));
      assert.ok(!(metadata.grant_types_supported as string[]).includes('implicit'));
    });
  });
}
