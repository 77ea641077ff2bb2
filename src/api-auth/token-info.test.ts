import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createManualClock } from '../shared/clock.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { type Customer, clientFor, codeFlow, createCustomer, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { clientCredentialsToken } from '../../test/helpers/tokens.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`POST /oauth2/tokeninfo.htm (${dialect})`, () => {
    let server: TestServer;
    const clock = createManualClock(new Date());
    let customer: Customer;
    let web: TestApp;
    let privateApp: TestApp;

    before(async () => {
      server = await startTestServer(dialect, {}, { clock });
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      privateApp = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
    });
    after(() => server.close());

    const info = (body: string, query = '', headers: Record<string, string> = {}) =>
      fetch(`${server.url}/oauth2/tokeninfo.htm${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });

    it('describes a customer token from a form body: app, user and about ten years left', async () => {
      const { tokens } = await codeFlow(server, await clientFor(server, web), web, customer);
      const res = await info(`access_token=${tokens.access_token}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as { client_id: string; user_name: string; expires_in: number };
      assert.deepEqual(Object.keys(body).sort(), ['client_id', 'expires_in', 'user_name']);
      assert.equal(body.client_id, web.clientId);
      assert.equal(body.user_name, customer.email);
      assert.ok(body.expires_in <= 315359999 && body.expires_in >= 315359999 - 5, String(body.expires_in));
    });

    it('reads the token from the query string too, and counts down on the server clock', async () => {
      const token = await clientCredentialsToken(server, privateApp.clientId, privateApp.clientSecret!);
      clock.advance(3_600_000);
      const res = await info('', `?access_token=${encodeURIComponent(token)}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { user_name: string; expires_in: number };
      assert.equal(body.user_name, customer.email, 'a private integration acts for its account');
      assert.ok(body.expires_in <= 315359999 - 3600 && body.expires_in >= 315359999 - 3605, String(body.expires_in));
    });

    it('answers 404 for unknown, revoked and expired tokens', async () => {
      for (const body of ['access_token=unknown-token-value-123', 'access_token=', '', "access_token=' OR 1=1 --", 'access_token=%E2%80%AE%00']) {
        const res = await info(body);
        assert.equal(res.status, 404, body);
        const [error] = (await res.json()) as { error_key: string }[];
        assert.equal(error?.error_key, 'http.status.token.not_found');
      }
      const revoked = await clientCredentialsToken(server, privateApp.clientId, privateApp.clientSecret!);
      await postForm(server, '/token/revocation', { token: revoked }, { clientId: privateApp.clientId, secret: privateApp.clientSecret! });
      assert.equal((await info(`access_token=${revoked}`)).status, 404);

      const short = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId, accessTokenTtl: 300 });
      const expiring = await clientCredentialsToken(server, short.clientId, short.clientSecret!);
      assert.equal((await info(`access_token=${expiring}`)).status, 200);
      clock.advance(301_000);
      assert.equal((await info(`access_token=${expiring}`)).status, 404);
    });

    it('answers 405 with Allow: POST to other methods', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${server.url}/oauth2/tokeninfo.htm?access_token=x`, { method });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get('allow'), 'POST');
      }
    });

    it('answers 413 to an oversized body and a 4xx to a malformed one', async () => {
      const big = await info(`access_token=${'a'.repeat(70 * 1024)}`);
      assert.equal(big.status, 413);
      const json = await fetch(`${server.url}/oauth2/tokeninfo.htm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"access_token":' });
      assert.ok(json.status >= 400 && json.status < 500, String(json.status));
    });
  });
}
