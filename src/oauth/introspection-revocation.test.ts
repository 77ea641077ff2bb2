import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { type Customer, clientFor, codeFlow, createCustomer, introspect, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { clientCredentialsToken } from '../../test/helpers/tokens.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`introspection (RFC 7662) and revocation (RFC 7009) (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let web: TestApp;
    let privateApp: TestApp;
    let other: TestApp;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      privateApp = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      other = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
    });
    after(() => server.close());

    const auth = (app: TestApp) => ({ clientId: app.clientId, secret: app.clientSecret! });
    const ccToken = (app: TestApp) => clientCredentialsToken(server, app.clientId, app.clientSecret!);
    const offlineTokens = async () =>
      (await codeFlow(server, await clientFor(server, web), web, customer, { scope: 'account_read offline_access', prompt: 'consent' })).tokens;
    const apiStatus = async (token: string, apiKey: string) =>
      (await fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': apiKey } })).status;

    it('requires client authentication on both endpoints', async () => {
      const token = await ccToken(privateApp);
      for (const path of ['/token/introspection', '/token/revocation']) {
        const res = await postForm(server, path, { token });
        assert.equal(res.status, 401, path);
        assert.equal(res.json.error, 'invalid_client');
        const wrong = await postForm(server, path, { token }, { clientId: privateApp.clientId, secret: 'not-the-secret' });
        assert.equal(wrong.status, 401, path);
        assert.equal(wrong.json.error, 'invalid_client');
      }
      assert.equal((await introspect(server, privateApp, token)).active, true, 'the token was not revoked');
    });

    it('describes a token to its own client only; others learn {"active":false} and nothing more', async () => {
      const token = await ccToken(privateApp);
      const own = await postForm(server, '/token/introspection', { token }, auth(privateApp));
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('cache-control'), 'no-store');
      assert.equal(own.json.active, true);
      assert.equal(own.json.client_id, privateApp.clientId);
      assert.equal(own.json.aud, `${server.url}/v3`);
      assert.equal(own.json.scope, 'contact_data account_read account_update');
      const foreign = await postForm(server, '/token/introspection', { token }, auth(other));
      assert.equal(foreign.status, 200);
      assert.deepEqual(foreign.json, { active: false });
      assert.deepEqual((await postForm(server, '/token/introspection', { token: 'no-such-token' }, auth(other))).json, { active: false });
    });

    it("answers 200 to revoking another client's token, which stays active", async () => {
      const token = await ccToken(privateApp);
      const res = await postForm(server, '/token/revocation', { token }, auth(other));
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
      assert.equal((await introspect(server, privateApp, token)).active, true);
      assert.equal(await apiStatus(token, privateApp.clientId), 200);
    });

    it('answers 200 to unknown and junk tokens', async () => {
      for (const token of ['unknown', "' OR 1=1 --", '\u202e\u0000zalgơ̷', 'x'.repeat(2000)]) {
        const res = await postForm(server, '/token/revocation', { token }, auth(privateApp));
        assert.equal(res.status, 200, token.slice(0, 20));
      }
    });

    it('ends a revoked client-credentials token at once, on introspection and on the API', async () => {
      const token = await ccToken(privateApp);
      assert.equal(await apiStatus(token, privateApp.clientId), 200);
      assert.equal((await postForm(server, '/token/revocation', { token }, auth(privateApp))).status, 200);
      assert.deepEqual(await introspect(server, privateApp, token), { active: false });
      assert.equal(await apiStatus(token, privateApp.clientId), 401);
    });

    it('revokes the whole grant when a refresh token is revoked', async () => {
      const tokens = await offlineTokens();
      const rt = tokens.refresh_token!;
      const refreshed = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: rt }, auth(web));
      const latestRt = String(refreshed.json.refresh_token);
      const described = await introspect(server, web, latestRt);
      assert.equal(described.active, true);
      assert.equal(described.sub, customer.userId);
      assert.equal((await postForm(server, '/token/revocation', { token: latestRt, token_type_hint: 'refresh_token' }, auth(web))).status, 200);
      for (const token of [tokens.access_token, String(refreshed.json.access_token), latestRt]) {
        assert.deepEqual(await introspect(server, web, token), { active: false });
      }
      assert.equal(await apiStatus(String(refreshed.json.access_token), web.clientId), 401);
    });

    it('revokes only the access token itself, keeping the refresh token and its grant', async () => {
      const tokens = await offlineTokens();
      const refreshed = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, auth(web));
      const secondAt = String(refreshed.json.access_token);
      assert.equal((await postForm(server, '/token/revocation', { token: tokens.access_token }, auth(web))).status, 200);
      assert.deepEqual(await introspect(server, web, tokens.access_token), { active: false });
      assert.equal((await introspect(server, web, secondAt)).active, true);
      assert.equal(await apiStatus(secondAt, web.clientId), 200);
      const again = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: String(refreshed.json.refresh_token) }, auth(web));
      assert.equal(again.status, 200);
    });
  });
}
