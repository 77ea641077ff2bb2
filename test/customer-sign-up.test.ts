// A new customer reaching Listgate through an app's "Get Access Token": create an account, verify the
// address through the mailed link, sign in, and land back on the app's consent page with the request intact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { registerApp } from './helpers/oauth.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from './helpers/smtp.ts';
import { WebClient, type WebResponse } from './helpers/web-client.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const PASSWORD = 'a new customer passphrase';

for (const dialect of TEST_DIALECTS) {
  describe(`customer sign-up from an authorization request (${dialect})`, () => {
    let server: TestServer;
    let smtp: TestSmtp;
    before(async () => {
      smtp = await startTestSmtp();
      server = await startTestServer(dialect, { SMTP_URL: smtp.url });
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    it('creates the account, verifies it by mail and returns to the consent page', async () => {
      const app = await registerApp(server, { kind: 'web' });
      const query = new URLSearchParams({ client_id: app.clientId, response_type: 'code', redirect_uri: app.redirectUri, scope: 'account_read', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
      const browser = new WebClient(server.url);
      const follow = async (page: WebResponse) => {
        let current = page;
        while (current.location) current = await browser.get(current.location);
        return current;
      };
      const choose = await follow(await browser.get(`${server.url}/oauth2/auth?${query}`));
      const create = choose.body.match(/href="([^"]+)">Create an account</)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(create, choose.body);
      const form = await browser.get(create);
      const sent = await browser.submit(form, '/account/sign-up', { email: 'New.Customer@example.com', password: PASSWORD });
      assert.equal(sent.status, 200);
      assert.match(sent.body, /Check your email/);

      const mail = await smtp.waitFor('new.customer@example.com', /account\/verify/);
      assert.match(mail.subject, /Verify your email address for Listgate/);
      const signIn = await follow(await browser.get(linkIn(mail, `${server.url}/account/verify?token=`)));
      assert.match(signIn.body, /Your email address is verified/);
      const consent = await follow(await browser.submit(signIn, '/account/sign-in', { email: 'new.customer@example.com', password: PASSWORD }));
      assert.match(consent.body, /Allow Test web app to use your account\?/);
      const back = await browser.submit(consent, consent.body.match(/action="(\/interaction\/[^"]+\/confirm)"/)![1]!);
      let location = back.location!;
      while (!location.startsWith(app.redirectUri)) location = (await browser.get(location)).location!;
      assert.ok(new URL(location).searchParams.get('code'));
    });
  });
}
