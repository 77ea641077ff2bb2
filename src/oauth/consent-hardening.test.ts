// Finding 8 of the security review: a pending interaction (the consent page, waiting for "Allow") must not
// hold the provider's session cookie value, which would let a database reader resume the session; and the
// consent page loads an app's logo only from the app's own host, with a CSP naming that origin alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { dumpDatabase } from '../../test/helpers/db-dump.ts';
import { createCustomer, registerApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { WebClient } from '../../test/helpers/web-client.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

for (const dialect of TEST_DIALECTS) {
  describe(`consent page and pending interactions (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    async function consentPage(logoUri?: string) {
      const customer = await createCustomer(server);
      const app = await registerApp(server, { kind: 'web' });
      if (logoUri) await server.services.apps.updateSettings(app.clientId, { logoUri });
      const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, scope: 'account_read', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
      const browser = new WebClient(server.url);
      let page = await browser.get(`${server.url}/oauth2/auth?${query}`);
      for (let step = 0; step < 15 && !/\/confirm"/.test(page.body); step++) {
        if (page.location) page = await browser.get(page.location);
        else if (page.body.includes('action="/account/sign-in"')) page = await browser.submit(page, '/account/sign-in', customer);
        else {
          const next = page.body.match(/href="([^"]+)">I already have an account</)?.[1];
          assert.ok(next, page.body);
          page = await browser.get(next.replace(/&amp;/g, '&'));
        }
      }
      assert.match(page.body, /Allow Test web app/);
      return { page, browser };
    }

    it('stores no session cookie value while the consent page waits', async () => {
      const { browser } = await consentPage();
      const session = browser.cookies.get('_session');
      assert.ok(session, [...browser.cookies.keys()].join(','));
      const dump = await dumpDatabase(server.services.db);
      assert.ok(dump.includes('Interaction'), 'the dump holds the pending interaction');
      assert.ok(!dump.includes(session), 'the session cookie value is stored');
    });

    it('shows a logo hosted by the app itself, and allows exactly that origin in the CSP', async () => {
      const { page } = await consentPage('https://app.example.com/logo.png');
      assert.match(page.body, /<img src="https:\/\/app\.example\.com\/logo\.png"/);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /img-src 'self' data: https:\/\/app\.example\.com(;|$)/);
    });

    it('shows no logo from another host, and keeps https: out of the CSP', async () => {
      const { page } = await consentPage('https://tracker.example/pixel.png');
      assert.doesNotMatch(page.body, /tracker\.example/);
      assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /https:/);
    });
  });
}
