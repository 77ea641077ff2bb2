import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { getTokenThroughExplorer } from '../../../test/helpers/explorer-flow.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { clientCredentialsToken } from '../../../test/helpers/tokens.ts';
import { WebClient, type WebResponse } from '../../../test/helpers/web-client.ts';

const PASSWORD = 'customer passphrase 42';
const codeAfter = (page: WebResponse, label: string) =>
  page.body.match(new RegExp(`${label}</span><code class="secret"[^>]*>([^<]+)<`))?.[1];

for (const dialect of TEST_DIALECTS) {
  describe(`connected apps and private integrations (${dialect})`, () => {
    let server: TestServer;
    let count = 0;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    async function signedInCustomer() {
      const email = `owner${++count}@books.example`;
      const account = await server.services.accounts.signUp({ email, password: PASSWORD });
      const browser = new WebClient(server.url);
      await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email, password: PASSWORD });
      return { browser, email, accountId: account.account_id };
    }

    const summary = (token: string, key: string) =>
      fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': key } });

    it('sends a signed-out visitor to the customer sign-in and back', async () => {
      const browser = new WebClient(server.url);
      for (const path of ['/account/apps', '/account/integrations']) {
        const res = await browser.get(path);
        assert.equal(res.status, 303);
        assert.equal(res.location, `${server.url}/account/sign-in?return_to=${encodeURIComponent(path)}`);
      }
    });

    it('lists an allowed app with its scopes and dates, and Revoke ends its token at once', async () => {
      const { browser: devBrowser, developer } = await signedInDeveloper(server);
      const { app } = await server.services.apps.createApp({ name: 'Newsletter sync', ownerDeveloperId: developer.id });
      const customer = await signedInCustomer();
      const empty = await customer.browser.get('/account/apps');
      assert.match(empty.body, /No app can use your account/);

      // The developer's browser signs the customer in during the flow, as in the seed.
      const { token } = await getTokenThroughExplorer(devBrowser, app.client_id, { email: customer.email, password: PASSWORD });
      assert.ok(token);
      const page = await customer.browser.get('/account/apps');
      assert.match(page.body, /<strong>Newsletter sync<\/strong>/);
      assert.match(page.body, /Read and change your contacts/);
      assert.match(page.body, /<time datetime="/);
      assert.equal((await summary(token, app.client_id)).status, 200);

      const other = await signedInCustomer();
      const grantId = page.body.match(/action="\/account\/apps\/([^/]+)\/revoke"/)![1]!;
      const csrf = (await other.browser.get('/account/apps')).body.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';
      await other.browser.request('POST', `/account/apps/${grantId}/revoke`, new URLSearchParams({ _csrf: csrf }));
      assert.equal((await summary(token, app.client_id)).status, 200, "another customer cannot revoke this customer's grant");

      const revoked = await customer.browser.submit(page, `/account/apps/${grantId}/revoke`);
      assert.equal(revoked.status, 303);
      assert.match((await customer.browser.get(revoked.location!)).body, /Access revoked/);
      assert.equal((await summary(token, app.client_id)).status, 401);
      assert.match((await customer.browser.get('/account/apps')).body, /No app can use your account/);
    });

    it('creates a private integration, shows its secret once, and its client-credentials token works', async () => {
      const { browser, accountId } = await signedInCustomer();
      const page = await browser.get('/account/integrations');
      const empty = await browser.submit(page, '/account/integrations', { name: '' });
      assert.equal(empty.status, 400);
      assert.match(empty.body, /id="f-name-error"[^>]*>Enter an application name/);
      assert.deepEqual(await server.services.apps.listApps({ ownerAccountId: accountId }), []);

      const posted = await browser.submit(page, '/account/integrations', { name: 'Nightly list sync' });
      assert.equal(posted.status, 303);
      const created = await browser.follow(posted.location!);
      assert.equal(created.status, 200);
      const clientId = codeAfter(created, 'Client id \\(API key\\)')!;
      const secret = codeAfter(created, 'Client secret')!;
      assert.ok(clientId && secret);
      const app = await server.services.apps.getApp(clientId);
      assert.equal(app?.kind, 'private');
      assert.equal(app?.owner_account_id, accountId);
      const token = await clientCredentialsToken(server, clientId, secret);
      assert.equal((await summary(token, clientId)).status, 200);

      const list = await browser.get('/account/integrations');
      assert.ok(list.body.includes(clientId));
      assert.ok(!list.body.includes(secret));

      // Reloading the result page creates no second integration and shows the secret no more.
      const reload = await browser.get(posted.location!);
      assert.equal(codeAfter(reload, 'Client id \\(API key\\)'), clientId);
      assert.ok(!reload.body.includes(secret));
      assert.match(reload.body, /The client secret was shown once/);
      assert.equal((await server.services.apps.listApps({ ownerAccountId: accountId })).length, 1);

      const rotatedPost = await browser.submit(list, `/account/integrations/${clientId}/secret`);
      assert.equal(rotatedPost.status, 303);
      const rotated = await browser.follow(rotatedPost.location!);
      const fresh = codeAfter(rotated, 'Client secret')!;
      assert.notEqual(fresh, secret);
      assert.equal(await server.services.apps.verifySecret(clientId, secret), false);
      assert.equal(await server.services.apps.verifySecret(clientId, fresh), true);
      // A reload of the new-secret page makes no third secret: the one just shown keeps working.
      const again = await browser.get(rotatedPost.location!);
      assert.ok(!again.body.includes(fresh));
      assert.equal(await server.services.apps.verifySecret(clientId, fresh), true);
    });

    it('deletes an integration only when confirmed, and only from its own account', async () => {
      const owner = await signedInCustomer();
      const created = await owner.browser.submitThenGet(await owner.browser.get('/account/integrations'), '/account/integrations', { name: 'To delete' });
      const clientId = codeAfter(created, 'Client id \\(API key\\)')!;
      const secret = codeAfter(created, 'Client secret')!;
      const token = await clientCredentialsToken(server, clientId, secret);

      const intruder = await signedInCustomer();
      const csrf = (await intruder.browser.get('/account/integrations')).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const foreign = await intruder.browser.request('POST', `/account/integrations/${clientId}/delete`, new URLSearchParams({ _csrf: csrf, confirm: 'yes' }));
      assert.equal(foreign.status, 404);

      const list = await owner.browser.get('/account/integrations');
      const unconfirmed = await owner.browser.submit(list, `/account/integrations/${clientId}/delete`);
      assert.equal(unconfirmed.status, 400);
      assert.ok(unconfirmed.body.includes(`id="f-confirm-${clientId}-error"`));
      assert.ok(await server.services.apps.getApp(clientId));

      const deleted = await owner.browser.submit(list, `/account/integrations/${clientId}/delete`, { confirm: 'yes' });
      assert.equal(deleted.location, `${server.url}/account/integrations?done=deleted`);
      assert.equal(await server.services.apps.getApp(clientId), null);
      assert.equal((await summary(token, clientId)).status, 401);
    });

    it('refuses a revoke or create posted without its CSRF token', async () => {
      const { browser, accountId } = await signedInCustomer();
      const res = await browser.request('POST', '/account/integrations', new URLSearchParams({ name: 'No token' }));
      assert.equal(res.status, 403);
      assert.deepEqual(await server.services.apps.listApps({ ownerAccountId: accountId }), []);
    });
  });
}
