// Operator sign-in at /admin: email verified by link, password, then a required TOTP second factor; recovery
// codes shown once and stored as hashes; nothing under /admin opens before the set-up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { createVerifiedOperator, OPERATOR_PASSWORD, secretOn, signedInOperator, totpCode } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`operator sign-in (${dialect})`, () => {
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

    it('verifies the email by link, then requires the authenticator set-up before any console page', async () => {
      const email = `first-op-${Date.now()}@example.com`;
      await server.services.operators.createOperator({ email, password: OPERATOR_PASSWORD });
      const browser = new WebClient(server.url);
      const early = await browser.submit(await browser.get('/admin/sign-in'), '/admin/sign-in', { email, password: OPERATOR_PASSWORD });
      assert.equal(early.status, 403, 'an unverified operator cannot sign in');
      const mail = await smtp.waitFor(email, /\/admin\/verify/);
      const verified = await browser.get(linkIn(mail, `${server.url}/admin/verify`));
      assert.equal(verified.status, 303);
      const signIn = await browser.submit(await browser.get('/admin/sign-in'), '/admin/sign-in', { email, password: OPERATOR_PASSWORD });
      assert.equal(signIn.status, 303);
      assert.match(signIn.location!, /\/admin\/enrol$/);
      for (const path of ['/admin', '/admin/apps', '/admin/audit', '/admin/audit.csv', '/admin/recovery-codes']) {
        const res = await browser.follow(path);
        assert.match(res.url, /\/admin\/enrol$/, `${path} leads to the set-up, not the console`);
      }
      const enrol = await browser.get('/admin/enrol');
      assert.match(enrol.body, /otpauth:\/\/totp\/Listgate/);
      const wrong = await browser.submit(enrol, '/admin/enrol', { code: '000000' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /That code is not right/);
      const row = await server.services.db.selectFrom('operators').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
      assert.equal(row.totp_enabled_at, null, 'a wrong code enables nothing');
      assert.ok(!row.totp_secret?.includes(secretOn(enrol)), 'the TOTP secret is sealed at rest');
      const ok = await browser.submit(enrol, '/admin/enrol', { code: await totpCode(secretOn(enrol)) });
      assert.equal(ok.status, 303);
      const codesPage = await browser.follow(ok.location!);
      const codes = [...codesPage.body.matchAll(/<li><code>([a-z0-9-]{14})<\/code><\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);
      const again = await browser.get('/admin/recovery-codes');
      assert.doesNotMatch(again.body, new RegExp(codes[0]!), 'recovery codes are shown once');
      const stored = await server.services.db.selectFrom('operator_recovery_codes').select('code_hash').execute();
      assert.ok(stored.every((s) => !codes.some((c) => s.code_hash.includes(c) || s.code_hash.includes(c.replaceAll('-', '')))));
      assert.equal((await browser.get('/admin')).status, 200);

      // a new sign-in asks for the second factor; a recovery code works once
      const second = new WebClient(server.url);
      const password = await second.submit(await second.get('/admin/sign-in'), '/admin/sign-in', { email, password: OPERATOR_PASSWORD });
      assert.match(password.location!, /\/admin\/two-factor/);
      assert.match((await second.follow('/admin/apps')).url, /\/admin\/two-factor/);
      const factor = await second.get(password.location!);
      const bad = await second.submit(factor, '/admin/two-factor', { code: '123456' });
      assert.equal(bad.status, 400);
      const good = await second.submit(factor, '/admin/two-factor', { code: codes[0]!.toUpperCase() });
      assert.equal(good.status, 303);
      assert.equal((await second.get('/admin/apps')).status, 200);
      const third = new WebClient(server.url);
      await third.submit(await third.get('/admin/sign-in'), '/admin/sign-in', { email, password: OPERATOR_PASSWORD });
      const reused = await third.submit(await third.get('/admin/two-factor'), '/admin/two-factor', { code: codes[0]! });
      assert.equal(reused.status, 400, 'a recovery code works once');

      const actions = (await server.services.audit.search({ q: email })).entries.map((e) => e.action);
      assert.ok(actions.includes('sign_in.succeeded') && actions.includes('sign_in.failed') && actions.includes('operator.totp_enrolled'));
    });

    it('refuses a form without its CSRF token and answers a second operator with the same email with a conflict', async () => {
      const { email } = await createVerifiedOperator(server);
      const res = await fetch(`${server.url}/admin/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, password: OPERATOR_PASSWORD }), redirect: 'manual' });
      assert.equal(res.status, 403);
      await assert.rejects(server.services.operators.createOperator({ email, password: OPERATOR_PASSWORD }), /already exists/);
    });

    it('signs in a console operator through the helper', async () => {
      const { browser } = await signedInOperator(server);
      assert.equal((await browser.get('/admin')).status, 200);
    });
  });
}
