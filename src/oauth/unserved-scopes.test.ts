import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { clientFor, codeFlow, type Customer, createCustomer, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`scopes of the dialect that Listgate does not serve (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let web: TestApp;
    let privateApp: TestApp;
    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      privateApp = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
    });
    after(() => server.close());

    it('leaves campaign_data out of a code-flow grant; the token response says what was granted', async () => {
      const { tokens } = await codeFlow(server, await clientFor(server, web), web, customer, {
        scope: 'contact_data campaign_data',
      });
      assert.equal(tokens.scope, 'contact_data');
      const lists = await fetch(`${server.url}/v3/contact_lists`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(lists.status, 200);
    });

    it('leaves campaign_data out of a client-credentials grant, and refuses a request for it alone', async () => {
      const config = await clientFor(server, privateApp);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'campaign_data account_read' });
      assert.equal(tokens.scope, 'account_read');
      const alone = await postForm(server, '/token', { grant_type: 'client_credentials', scope: 'campaign_data' }, { clientId: privateApp.clientId, secret: privateApp.clientSecret! });
      assert.equal(alone.status, 400);
      assert.equal(alone.json.error, 'invalid_scope');
    });
  });
}
