import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { getTokenThroughExplorer } from '../../../test/helpers/explorer-flow.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';
import { createExchangeCredentials } from './exchange-credentials.ts';

const CUSTOMER_PASSWORD = 'customer passphrase 42';

describe('explorer exchange credentials', () => {
  it('are single-use, bound to one client and expire after a minute', () => {
    let now = 1_000_000;
    const credentials = createExchangeCredentials(() => now);
    const a = credentials.issue('client-a');
    assert.equal(credentials.consume('client-b', a), false, 'another client');
    const b = credentials.issue('client-a');
    assert.equal(credentials.consume('client-a', b), true);
    assert.equal(credentials.consume('client-a', b), false, 'spent');
    const c = credentials.issue('client-a');
    now += 60_001;
    assert.equal(credentials.consume('client-a', c), false, 'expired');
    assert.equal(credentials.consume('client-a', 'a real-looking secret'), false);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`API Tester (${dialect})`, () => {
    let server: TestServer;
    let customerCount = 0;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    async function newCustomer() {
      const email = `customer${++customerCount}@shop.example`;
      await server.services.accounts.signUp({ email, password: CUSTOMER_PASSWORD, organizationName: 'Shop' });
      return { email, password: CUSTOMER_PASSWORD };
    }

    async function developerWithApp(kind?: 'native' | 'device') {
      const { browser, developer } = await signedInDeveloper(server);
      const { app } = await server.services.apps.createApp({ name: 'Tester app', ownerDeveloperId: developer.id, kind });
      return { browser, developer, key: app.client_id };
    }

    const api = (token: string, key: string) =>
      fetch(`${server.url}/v3/contact_lists`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': key, accept: 'application/json' } });

    it('offers a Sign in link when signed out, and the developer key pre-selected when signed in', async () => {
      const anonymous = await new WebClient(server.url).get('/explorer');
      assert.equal(anonymous.status, 200);
      assert.match(anonymous.body, /href="\/developer\/sign-in\?return_to=%2Fexplorer">Sign in</);
      assert.match(anonymous.body, /<input id="api-key"/);
      assert.match(anonymous.body, /<button type="button" class="gray" id="get-token"[^>]*>Get Access Token<\/button>/);
      assert.match(anonymous.body, /<script src="\/static\/rich-text\.[0-9a-f]{12}\.js" defer><\/script><script src="\/static\/explorer\.[0-9a-f]{12}\.js" defer><\/script>/);

      const { browser, key } = await developerWithApp();
      const page = await browser.get('/explorer');
      assert.ok(page.body.includes(`<option value="${key}" selected>Tester app — ${key}</option>`));
      assert.ok(!/return_to=%2Fexplorer">Sign in/.test(page.body));
    });

    it('gets a token for a web app: the token works with the key, reports the app and 10 years, and revocation ends it', async () => {
      const { browser, key } = await developerWithApp();
      const customer = await newCustomer();
      const { callback, token } = await getTokenThroughExplorer(browser, key, customer);
      assert.equal(callback.status, 200, callback.body.slice(0, 500));
      assert.ok(token);
      assert.equal(server.services.explorerCredentials.size(), 0, 'the one-time credential is spent');
      assert.equal((await api(token, key)).status, 200);

      const info = await fetch(`${server.url}/oauth2/tokeninfo.htm`, { method: 'POST', body: new URLSearchParams({ access_token: token }) });
      const body = (await info.json()) as { client_id: string; user_name: string; expires_in: number };
      assert.equal(body.client_id, key);
      assert.equal(body.user_name, customer.email);
      assert.ok(body.expires_in > 315359999 - 60 && body.expires_in <= 315359999, String(body.expires_in));

      const apps = await browser.get('/account/apps');
      assert.match(apps.body, /Tester app/);
      const revoked = await browser.submit(apps, '/revoke');
      assert.equal(revoked.location, `${server.url}/account/apps?revoked=1`);
      assert.equal((await api(token, key)).status, 401);
    });

    it('gets a token for a native (PKCE, no secret) app', async () => {
      const { browser, key } = await developerWithApp('native');
      const { token } = await getTokenThroughExplorer(browser, key, await newCustomer());
      assert.ok(token);
      assert.equal((await api(token, key)).status, 200);
    });

    it('says so when the customer clicks Deny', async () => {
      const { browser, key } = await developerWithApp();
      const { callback, token } = await getTokenThroughExplorer(browser, key, await newCustomer(), 'deny');
      assert.equal(token, null);
      assert.equal(callback.status, 403);
      assert.match(callback.body, /Access was not allowed/);
    });

    it('refuses to start for a signed-out visitor, for a key of another developer and for device apps', async () => {
      const { key } = await developerWithApp();
      const anonymous = await new WebClient(server.url).get(`/explorer/authorize?client_id=${key}`);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.body, /Sign in to your developer account first/);
      const other = await signedInDeveloper(server);
      const foreign = await other.browser.get(`/explorer/authorize?client_id=${key}`);
      assert.equal(foreign.status, 404);
      assert.equal(foreign.location, null);
      const device = await developerWithApp('device');
      const refused = await device.browser.get(`/explorer/authorize?client_id=${device.key}`);
      assert.equal(refused.status, 403);
      // It names the setting to change and where: the settings page of that app.
      assert.ok(refused.body.includes(`/developer/apps/${device.key}`), refused.body);
      assert.match(refused.body, /choose &quot;Native app or script&quot; under &quot;Application kind&quot;|choose "Native app or script" under "Application kind"/);
    });

    it('refuses a callback that did not start in this browser, and never exchanges its code', async () => {
      const { browser, key } = await developerWithApp();
      const start = await browser.get(`/explorer/authorize?client_id=${key}`);
      assert.equal(start.status, 303);
      const authorize = new URL(start.location!);
      assert.equal(authorize.pathname, '/oauth2/auth');
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(authorize.searchParams.get('redirect_uri'), `${server.url}/explorer/callback`);
      assert.equal(authorize.searchParams.get('client_id'), key);
      const forged = await browser.get(`/explorer/callback?code=abc&state=${authorize.searchParams.get('state')}x`);
      assert.equal(forged.status, 400);
      assert.match(forged.body, /did not start in this browser/);
      const replay = await browser.get(`/explorer/callback?code=abc&state=${authorize.searchParams.get('state')}`);
      assert.equal(replay.status, 400, 'the flow cookie is cleared after one callback');
    });

    it('disabling the app in the portal ends the tokens it got in the tester', async () => {
      const { browser, key } = await developerWithApp();
      const { token } = await getTokenThroughExplorer(browser, key, await newCustomer());
      assert.ok(token);
      assert.equal((await api(token, key)).status, 200);
      const settings = await browser.get(`/developer/apps/${key}`);
      assert.match(settings.body, /Tokens granted: <strong>[1-9]/);
      await browser.submit(settings, `/developer/apps/${key}/status`);
      assert.equal((await api(token, key)).status, 401);
      await browser.submit(await browser.get(`/developer/apps/${key}`), `/developer/apps/${key}/status`);
      assert.equal((await api(token, key)).status, 401, 'enabling again does not bring the tokens back');
    });
  });
}
