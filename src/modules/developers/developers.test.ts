import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';
import { sha256 } from '../../shared/crypto.ts';

const PASSWORD = 'correct horse battery';
const alertOf = (body: string) => [...body.matchAll(/role="alert">([^<]*)</g)].map((m) => m[1]).join(' | ');

for (const dialect of TEST_DIALECTS) {
  describe(`developer account pages (${dialect})`, () => {
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

    async function signUp(browser: WebClient, email: string, password = PASSWORD) {
      return browser.submit(await browser.get('/developer/sign-up'), '/developer/sign-up', { email, password });
    }

    it('signs up, mails a verification link, refuses sign-in until verified, then signs in', async () => {
      const browser = new WebClient(server.url);
      const created = await signUp(browser, 'Dev@Example.com');
      assert.equal(created.status, 200);
      assert.match(created.body, /Check your email/);
      const mail = await smtp.waitFor('dev@example.com', /developer\/verify/);
      assert.match(mail.subject, /Verify your email address/);
      const link = linkIn(mail, `${server.url}/developer/verify?token=`);

      const early = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', {
        email: 'dev@example.com',
        password: PASSWORD,
      });
      assert.equal(early.status, 403);
      assert.match(early.body, /Verify your email address before signing in/);
      assert.equal((await browser.get('/developer/sign-out')).status, 303, 'not signed in');

      const verified = await browser.get(link);
      assert.equal(verified.status, 303);
      assert.equal(verified.location, `${server.url}/developer/sign-in?verified=1`);
      assert.match((await browser.get(verified.location!)).body, /Your email address is verified/);

      const signedIn = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', {
        email: 'dev@example.com',
        password: PASSWORD,
      });
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, `${server.url}/developer/apps`);
      assert.equal((await browser.get('/developer')).location, `${server.url}/developer/apps`);

      const out = await browser.submit(await browser.get('/developer/sign-out'), '/developer/sign-out');
      assert.equal(out.status, 303);
      assert.equal((await browser.get('/developer/sign-out')).status, 303);
    });

    it('stores only hashes of mailed tokens and makes a resent link replace the older one', async () => {
      const browser = new WebClient(server.url);
      await signUp(browser, 'resend@example.com');
      const first = linkIn(await smtp.waitFor('resend@example.com', /verify/), `${server.url}/developer/verify?token=`);
      const token = new URL(first).searchParams.get('token')!;
      const rows = await server.services.db.selectFrom('email_tokens').select('id').execute();
      assert.ok(rows.some((r) => r.id === sha256(token)));
      assert.ok(!rows.some((r) => r.id === token));

      const resent = await browser.submit(await browser.get('/developer/verify/resend'), '/developer/verify/resend', {
        email: 'resend@example.com',
      });
      assert.match(resent.body, /a new link is on its way/);
      const mails = () => smtp.messages.filter((m) => m.to.includes('resend@example.com'));
      await smtp.waitFor('resend@example.com', new RegExp(`verify\\?token=(?!${token})`));
      const second = linkIn(mails().at(-1)!, `${server.url}/developer/verify?token=`);
      assert.notEqual(second, first);

      const stale = await browser.get(first);
      assert.equal(stale.status, 410);
      assert.match(stale.body, /expired or was already used/);
      assert.equal((await browser.get(second)).status, 303);
      assert.equal((await browser.get('/developer/verify?token=nonsense')).status, 404);
    });

    it('refuses an expired verification link', async () => {
      const browser = new WebClient(server.url);
      await signUp(browser, 'late@example.com');
      const link = linkIn(await smtp.waitFor('late@example.com', /verify/), `${server.url}/developer/verify?token=`);
      const { db } = server.services;
      const subject = db.selectFrom('developers').select('id').where('email', '=', 'late@example.com');
      await db.updateTable('email_tokens').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('subject_id', 'in', subject).execute();
      const res = await browser.get(link);
      assert.equal(res.status, 410);
      const developer = await server.services.db.selectFrom('developers').select('verified_at').where('email', '=', 'late@example.com').executeTakeFirst();
      assert.equal(developer?.verified_at, null);
    });

    it('shows field errors for a bad email and weak passwords, and writes nothing', async () => {
      const browser = new WebClient(server.url);
      const bad = await signUp(browser, 'not-an-email', 'short');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /id="f-email-error"[^>]*>Enter a valid email address/);
      assert.match(bad.body, /id="f-password-error"[^>]*>Use at least 10 characters/);
      const common = await signUp(browser, 'common@example.com', 'password123');
      assert.equal(common.status, 400);
      assert.match(common.body, /too common/);
      assert.equal(await server.services.db.selectFrom('developers').select('id').where('email', '=', 'common@example.com').executeTakeFirst(), undefined);

    });

    it('answers a sign-up with a taken address exactly as a new one, and mails the owner how to sign in', async () => {
      const first = await signUp(new WebClient(server.url), 'taken@example.com');
      await smtp.waitFor('taken@example.com', /developer\/verify/);
      const dup = await signUp(new WebClient(server.url), 'TAKEN@example.com', 'another fine passphrase');
      const fresh = await signUp(new WebClient(server.url), 'untaken@example.com', 'another fine passphrase');
      assert.equal(dup.status, 200);
      assert.equal(fresh.status, 200);
      const page = (res: { body: string }, email: string) => res.body.replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(email, '<email>');
      assert.equal(page(dup, 'taken@example.com'), page(fresh, 'untaken@example.com'));
      assert.equal(page(first, 'taken@example.com'), page(fresh, 'untaken@example.com'));
      const mail = await smtp.waitFor('taken@example.com', /already have one/);
      assert.match(mail.text, /\/developer\/sign-in/);
      assert.match(mail.text, /\/developer\/forgot-password/);
      const rows = await server.services.db.selectFrom('developers').select('id').where('email', '=', 'taken@example.com').execute();
      assert.equal(rows.length, 1);
    });

    it('shows a field error for a malformed address on the resend and forgotten-password forms', async () => {
      const browser = new WebClient(server.url);
      for (const path of ['/developer/verify/resend', '/developer/forgot-password']) {
        const res = await browser.submit(await browser.get(path), path, { email: 'no at sign' });
        assert.equal(res.status, 400, path);
        assert.match(res.body, /id="f-email-error"[^>]*>Enter a valid email address/, path);
        assert.match(res.body, /value="no at sign"/, path);
      }
      const empty = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', { email: '', password: '' });
      assert.equal(empty.status, 401);
      assert.match(empty.body, /id="f-email-error"/);
    });

    it('refuses a form posted without its CSRF token', async () => {
      const res = await fetch(`${server.url}/developer/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'csrf@example.com', password: PASSWORD }),
      });
      assert.equal(res.status, 403);
      assert.equal(await server.services.db.selectFrom('developers').select('id').where('email', '=', 'csrf@example.com').executeTakeFirst(), undefined);
    });

    it('resets a password by email: weak password refused, link single-use, old sessions ended', async () => {
      const owner = new WebClient(server.url);
      await signUp(owner, 'reset@example.com');
      await owner.get(linkIn(await smtp.waitFor('reset@example.com', /verify/), `${server.url}/developer/verify?token=`));
      await owner.submit(await owner.get('/developer/sign-in'), '/developer/sign-in', { email: 'reset@example.com', password: PASSWORD });
      assert.equal((await owner.get('/developer/sign-out')).status, 200);

      const browser = new WebClient(server.url);
      const asked = await browser.submit(await browser.get('/developer/forgot-password'), '/developer/forgot-password', {
        email: 'reset@example.com',
      });
      const unknown = await browser.submit(await browser.get('/developer/forgot-password'), '/developer/forgot-password', {
        email: 'nobody@example.com',
      });
      assert.equal(alertOf(asked.body), alertOf(unknown.body));
      assert.match(asked.body, /we sent it a link/);
      const link = linkIn(await smtp.waitFor('reset@example.com', /reset-password/), `${server.url}/developer/reset-password?token=`);
      assert.equal(smtp.messages.filter((m) => m.to.includes('nobody@example.com')).length, 0);

      const form = await browser.get(link);
      assert.equal(form.status, 200);
      const weak = await browser.submit(form, '/developer/reset-password', { password: '1234567890' });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /id="f-password-error"/);
      const done = await browser.submit(weak, '/developer/reset-password', { password: 'a brand new passphrase' });
      assert.equal(done.status, 303);
      assert.equal(done.location, `${server.url}/developer/sign-in?reset=1`);
      assert.equal((await owner.get('/developer/sign-out')).status, 303, 'the old session ended');

      const again = await browser.get(link);
      assert.equal(again.status, 410);
      const replay = await browser.submit(form, '/developer/reset-password', { password: 'yet another passphrase' });
      assert.equal(replay.status, 410);

      const old = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', { email: 'reset@example.com', password: PASSWORD });
      assert.equal(old.status, 401);
      const fresh = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', {
        email: 'reset@example.com',
        password: 'a brand new passphrase',
      });
      assert.equal(fresh.status, 303);
    });

    it('answers the same for an unknown email and a wrong password, then throttles', async () => {
      const browser = new WebClient(server.url);
      const attemptSignIn = async (email: string, password: string) =>
        browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', { email, password });
      await signUp(browser, 'victim@example.com');
      const unknown = await attemptSignIn('ghost@example.com', 'whatever whatever');
      const wrong = await attemptSignIn('victim@example.com', 'whatever whatever');
      assert.equal(unknown.status, 401);
      assert.equal(wrong.status, 401);
      assert.equal(alertOf(unknown.body), alertOf(wrong.body));
      for (let i = 0; i < 9; i++) await attemptSignIn('victim@example.com', `wrong guess ${i}`);
      const blocked = await attemptSignIn('victim@example.com', PASSWORD);
      assert.equal(blocked.status, 429);
      assert.ok(Number(blocked.headers.get('retry-after')) > 0);
      assert.match(blocked.body, /Too many failed sign-in attempts/);
    });

    it('never redirects to another origin after sign-in', async () => {
      const browser = new WebClient(server.url);
      await signUp(browser, 'redirect@example.com');
      await browser.get(linkIn(await smtp.waitFor('redirect@example.com', /verify/), `${server.url}/developer/verify?token=`));
      const page = await browser.get('/developer/sign-in?return_to=//evil.example/x');
      const res = await browser.submit(page, '/developer/sign-in', { email: 'redirect@example.com', password: PASSWORD });
      assert.equal(res.location, `${server.url}/developer/apps`);
    });
  });
}
