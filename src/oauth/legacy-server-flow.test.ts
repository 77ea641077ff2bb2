// The dialect's documented server flow (Constant Contact's "OAuth2 authorization code flow" guide), as a
// moved app sends it: a confidential web app, no PKCE, the code exchanged with its parameters in the query
// string and the client credentials in HTTP Basic. It works only when the app's legacy setting is on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { type Customer, createCustomer, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/** Step 3 of the guide: POST /token?code=…&redirect_uri=…&grant_type=authorization_code, Basic auth, no body. */
async function exchangeInQuery(server: TestServer, app: TestApp, code: string, contentType: boolean) {
  const query = new URLSearchParams({ code, redirect_uri: app.redirectUri, grant_type: 'authorization_code' });
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
    accept: 'application/json',
  };
  if (contentType) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(`${server.url}/oauth2/token?${query}`, { method: 'POST', headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

for (const dialect of TEST_DIALECTS) {
  describe(`the dialect's server flow for a moved app (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
    });
    after(() => server.close());

    /** Steps 1–2 of the guide: the authorization URL without PKCE, the customer signs in and allows. */
    async function authorize(app: TestApp): Promise<URL> {
      const state = 'moved-app-state';
      const query = new URLSearchParams({ client_id: app.clientId, redirect_uri: app.redirectUri, response_type: 'code', state, scope: 'account_read contact_data campaign_data' });
      const walk = await walkPages(server, `${server.url}/oauth2/auth?${query}`, customer);
      assert.ok(walk.callback, 'the customer came back to the app');
      assert.equal(walk.callback.searchParams.get('state'), state);
      return walk.callback;
    }

    for (const contentType of [true, false]) {
      it(`setting ON: code without PKCE, exchanged in the query string${contentType ? '' : ' without a Content-Type'} → 200, and the token calls the API`, async () => {
        const app = await registerApp(server, { kind: 'web' });
        await server.services.apps.updateSettings(app.clientId, { legacyTokenRequests: true });
        const code = (await authorize(app)).searchParams.get('code');
        assert.ok(code);
        const res = await exchangeInQuery(server, app, code, contentType);
        assert.equal(res.status, 200, JSON.stringify(res.json));
        assert.equal(res.json.token_type, 'Bearer');
        assert.equal(res.json.scope, 'account_read contact_data', 'campaign_data is left out of the grant');
        const summary = await fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${res.json.access_token}` } });
        assert.equal(summary.status, 200);
      });
    }

    it('setting OFF: the same authorization request is refused with invalid_request (PKCE), and so is the query-string exchange', async () => {
      const app = await registerApp(server, { kind: 'web' });
      const back = await authorize(app);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.match(back.searchParams.get('error_description') ?? '', /PKCE/);
      assert.equal(back.searchParams.get('code'), null);
      // even with a code obtained while the setting was on, the query-string exchange is refused once it is off
      await server.services.apps.updateSettings(app.clientId, { legacyTokenRequests: true });
      const code = (await authorize(app)).searchParams.get('code')!;
      await server.services.apps.updateSettings(app.clientId, { legacyTokenRequests: false });
      for (const contentType of [true, false]) {
        const res = await exchangeInQuery(server, app, code, contentType);
        assert.equal(res.status, 400);
        assert.equal(res.json.error, 'invalid_request');
      }
    });
  });
}
