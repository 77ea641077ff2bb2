import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

const PASSWORD = 'correct horse battery';

for (const dialect of TEST_DIALECTS) {
  describe(`customer account pages (${dialect})`, () => {
    let server: TestServer;
    let smtp: TestSmtp;
    before(async () => {
      smtp = await startTestSmtp();
      server = await startTestServer(dialect, { SMTP_URL: smtp.url, SIGN_UPS_PER_IP_PER_HOUR: '8' });
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    it('signs up, verifies the address by mail, signs in, signs out and signs in again', async () => {
      const browser = new WebClient(server.url);
      const form = await browser.get('/account/sign-up?return_to=%2Faccount%2Fapps');
      assert.equal(form.status, 200);
      assert.match(form.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      const created = await browser.submit(form, '/account/sign-up', {
        organizationName: 'Acme Books',
        email: 'Owner@Acme.example',
        password: PASSWORD,
      });
      assert.equal(created.status, 200);
      assert.match(created.body, /Check your email/);
      const early = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email: 'owner@acme.example', password: PASSWORD });
      assert.equal(early.status, 403);
      assert.match(early.body, /Verify your email address before signing in/);

      const mail = await smtp.waitFor('owner@acme.example', /account\/verify/);
      const verified = await browser.get(linkIn(mail, `${server.url}/account/verify?token=`));
      assert.equal(verified.status, 303);
      assert.equal(verified.location, `${server.url}/account/sign-in?verified=1&return_to=%2Faccount%2Fapps`);
      const signIn = await browser.get(verified.location!);
      assert.match(signIn.body, /Your email address is verified/);
      const signedIn = await browser.submit(signIn, '/account/sign-in', { email: 'owner@acme.example', password: PASSWORD });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, `${server.url}/account/apps`);
      const home = await browser.get('/account');
      assert.match(home.body, /Acme Books/);
      assert.match(home.body, /owner@acme\.example/);

      const out = await browser.submit(home, '/account/sign-out');
      assert.equal(out.status, 303);
      assert.equal((await browser.get('/account')).status, 303);

      const again = await browser.get('/account/sign-in');
      const back = await browser.submit(again, '/account/sign-in', { email: 'owner@acme.example', password: PASSWORD });
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

    it('shows field errors for a bad email and a weak password', async () => {
      const browser = new WebClient(server.url);
      const bad = await browser.submit(await browser.get('/account/sign-up'), '/account/sign-up', {
        email: 'not-an-email',
        password: 'password123',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /Enter a valid email address/);
      assert.match(bad.body, /too common/);
    });

    it('answers a sign-up with a taken address exactly as a new one, and mails the owner instead', async () => {
      await server.services.accounts.signUp({ email: 'taken@acme.example', password: PASSWORD });
      const post = async (email: string) => {
        const browser = new WebClient(server.url);
        return browser.submit(await browser.get('/account/sign-up'), '/account/sign-up', { email, password: 'another good passphrase' });
      };
      const dup = await post('TAKEN@acme.example');
      const fresh = await post('fresh@acme.example');
      assert.equal(dup.status, 200);
      assert.equal(fresh.status, 200);
      const page = (body: string, email: string) => body.replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(email, '<email>');
      assert.equal(page(dup.body, 'taken@acme.example'), page(fresh.body, 'fresh@acme.example'));
      const mail = await smtp.waitFor('taken@acme.example', /already have one/);
      assert.match(mail.text, /\/account\/forgot-password/);
      const users = await server.services.db.selectFrom('users').select(['password_hash']).where('email', '=', 'taken@acme.example').execute();
      assert.equal(users.length, 1, 'no second user');
      const signIn = new WebClient(server.url);
      const res = await signIn.submit(await signIn.get('/account/sign-in'), '/account/sign-in', { email: 'taken@acme.example', password: PASSWORD });
      assert.equal(res.status, 303, 'the password is unchanged');
    });

    it('limits sign-ups per IP with a 429 and Retry-After', async () => {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<WebClient['submit']>> | undefined;
      for (let i = 0; i < 10; i++) {
        const browser = new WebClient(server.url);
        last = await browser.submit(await browser.get('/account/sign-up'), '/account/sign-up', { email: 'x', password: 'y' });
        statuses.push(last.status);
      }
      assert.ok(statuses.includes(429), statuses.join(','));
      assert.equal(last!.status, 429);
      assert.ok(Number(last!.headers.get('retry-after')) > 0);
      assert.match(last!.body, /Too many sign-ups/);
    });

    it('resets a forgotten password through a mailed link', async () => {
      await server.services.accounts.signUp({ email: 'forgot@acme.example', password: PASSWORD });
      const browser = new WebClient(server.url);
      const asked = await browser.submit(await browser.get('/account/forgot-password'), '/account/forgot-password', { email: 'forgot@acme.example' });
      assert.match(asked.body, /we sent it a link/);
      const link = linkIn(await smtp.waitFor('forgot@acme.example', /reset-password/), `${server.url}/account/reset-password?token=`);
      const form = await browser.get(link);
      const saved = await browser.submit(form, '/account/reset-password', { password: 'a brand new passphrase' });
      assert.equal(saved.status, 303);
      assert.equal(saved.location, `${server.url}/account/sign-in?reset=1`);
      const old = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email: 'forgot@acme.example', password: PASSWORD });
      assert.equal(old.status, 401);
      const ok = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email: 'forgot@acme.example', password: 'a brand new passphrase' });
      assert.equal(ok.status, 303);
      assert.equal((await browser.get(link)).status, 410, 'the link works once');
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
      assert.match(blocked.body, /Too many failed sign-in attempts\. Try again in \d+ minutes?, or reset your password/);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      assert.ok(retryAfter > 0 && retryAfter <= 900, String(retryAfter));
    });

    it('keeps the owner signing in from a known device while an attacker locks the address out', async () => {
      await server.services.accounts.signUp({ email: 'owner2@acme.example', password: PASSWORD });
      const owner = new WebClient(server.url);
      const first = await owner.submit(await owner.get('/account/sign-in'), '/account/sign-in', { email: 'owner2@acme.example', password: PASSWORD });
      assert.equal(first.status, 303);
      await owner.submit(await owner.get('/account'), '/account/sign-out');
      const attacker = new WebClient(server.url);
      for (let i = 0; i < 12; i++) {
        await attacker.submit(await attacker.get('/account/sign-in'), '/account/sign-in', { email: 'owner2@acme.example', password: `guess ${i}` });
      }
      const locked = await attacker.submit(await attacker.get('/account/sign-in'), '/account/sign-in', { email: 'owner2@acme.example', password: PASSWORD });
      assert.equal(locked.status, 429, 'an unknown device is throttled');
      const back = await owner.submit(await owner.get('/account/sign-in'), '/account/sign-in', { email: 'owner2@acme.example', password: PASSWORD });
      assert.equal(back.status, 303, 'the known device is not');
      // The known device has its own bound: guessing from it is throttled too.
      await owner.submit(await owner.get('/account'), '/account/sign-out');
      let last = 0;
      for (let i = 0; i < 11; i++) {
        last = (await owner.submit(await owner.get('/account/sign-in'), '/account/sign-in', { email: 'owner2@acme.example', password: `typo ${i}` })).status;
      }
      assert.equal(last, 429);
    });

    for (const target of ['/%01', '/%00', '/%1f', '/%7f', '/a%0d%0aSet-Cookie:x=1']) {
      it(`refuses a return_to holding a control character (${target}) and lands on the account page`, async () => {
        const email = `ctl${target.replace(/\W/g, '')}@acme.example`;
        await server.services.accounts.signUp({ email, password: PASSWORD });
        const browser = new WebClient(server.url);
        const res = await browser.submit(await browser.get(`/account/sign-in?return_to=${target}`), '/account/sign-in', { email, password: PASSWORD });
        assert.equal(res.status, 303);
        assert.equal(res.location, `${server.url}/account`);
      });
    }

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
