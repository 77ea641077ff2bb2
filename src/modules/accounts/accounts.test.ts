import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`customer account pages (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    it('signs up, lands on the account page, signs out and signs in again', async () => {
      const browser = new WebClient(server.url);
      const form = await browser.get('/account/sign-up');
      assert.equal(form.status, 200);
      assert.match(form.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      const created = await browser.submit(form, '/account/sign-up', {
        organizationName: 'Acme Books',
        email: 'Owner@Acme.example',
        password: 'correct horse battery',
      });
      assert.equal(created.status, 303);
      assert.equal(created.location, `${server.url}/account`);
      const home = await browser.get('/account');
      assert.match(home.body, /Acme Books/);
      assert.match(home.body, /owner@acme\.example/);

      const out = await browser.submit(home, '/account/sign-out');
      assert.equal(out.status, 303);
      assert.equal((await browser.get('/account')).status, 303);

      const signIn = await browser.get('/account/sign-in');
      const back = await browser.submit(signIn, '/account/sign-in', { email: 'owner@acme.example', password: 'correct horse battery' });
      assert.equal(back.status, 303);
      assert.match((await browser.get('/account')).body, /Acme Books/);
    });

    it('refuses a form posted without the CSRF token and writes nothing', async () => {
      const res = await fetch(`${server.url}/account/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'csrf@acme.example', password: 'correct horse battery' }),
      });
      assert.equal(res.status, 403);
      assert.equal(await server.services.accounts.findUserByEmail('csrf@acme.example'), undefined);
    });

    it('shows field errors for a bad email, a weak password and a duplicate email', async () => {
      const browser = new WebClient(server.url);
      const bad = await browser.submit(await browser.get('/account/sign-up'), '/account/sign-up', {
        email: 'not-an-email',
        password: 'password123',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /Enter a valid email address/);
      assert.match(bad.body, /too common/);
      await server.services.accounts.signUp({ email: 'taken@acme.example', password: 'correct horse battery' });
      const dup = await browser.submit(await browser.get('/account/sign-up'), '/account/sign-up', {
        email: 'TAKEN@acme.example',
        password: 'another good passphrase',
      });
      assert.equal(dup.status, 409);
      assert.match(dup.body, /already exists/);
    });

    it('answers the same for an unknown email and a wrong password, then throttles', async () => {
      await server.services.accounts.signUp({ email: 'victim@acme.example', password: 'correct horse battery' });
      const browser = new WebClient(server.url);
      const unknown = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', {
        email: 'nobody@acme.example',
        password: 'whatever whatever',
      });
      const wrong = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', {
        email: 'victim@acme.example',
        password: 'whatever whatever',
      });
      assert.equal(unknown.status, 401);
      assert.equal(wrong.status, 401);
      const message = (body: string) => body.match(/role="alert">([^<]*)</)?.[1];
      assert.equal(message(unknown.body), message(wrong.body));
      for (let i = 0; i < 9; i++) {
        await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', {
          email: 'victim@acme.example',
          password: `wrong guess ${i}`,
        });
      }
      const blocked = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', {
        email: 'victim@acme.example',
        password: 'correct horse battery',
      });
      assert.equal(blocked.status, 429);
      assert.match(blocked.body, /Too many failed sign-in attempts/);
    });

    it('never redirects to another origin after sign-in', async () => {
      await server.services.accounts.signUp({ email: 'redirect@acme.example', password: 'correct horse battery' });
      const browser = new WebClient(server.url);
      const page = await browser.get('/account/sign-in?return_to=//evil.example/x');
      const res = await browser.submit(page, '/account/sign-in', {
        email: 'redirect@acme.example',
        password: 'correct horse battery',
      });
      assert.equal(res.location, `${server.url}/account`);
    });
  });
}
