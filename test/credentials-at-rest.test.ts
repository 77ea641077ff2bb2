// T10: after a scenario that issues every kind of credential (app secrets, codes, access and refresh tokens,
// device and user codes, email links, passwords, sessions), a dump of the whole database holds none of them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { dumpDatabase } from './helpers/db-dump.ts';
import { clientFor, codeFlow, createCustomer, postForm, registerApp, walkPages } from './helpers/oauth.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from './helpers/smtp.ts';
import { clientCredentialsToken } from './helpers/tokens.ts';

const DEVELOPER_PASSWORD = 'a developer passphrase 42';

for (const dialect of TEST_DIALECTS) {
  describe(`credentials at rest (T10) (${dialect})`, () => {
    let server: TestServer;
    let smtp: TestSmtp;
    const secrets = new Map<string, string>();
    const keep = (label: string, value: string | undefined | null) => {
      assert.ok(value, `${label} was issued`);
      secrets.set(label, value);
    };

    before(async () => {
      smtp = await startTestSmtp();
      server = await startTestServer(dialect, { SMTP_URL: smtp.url });

      const customer = await createCustomer(server);
      keep('customer password', customer.password);
      const web = await registerApp(server, { kind: 'web' });
      keep('web app secret', web.clientSecret);
      const config = await clientFor(server, web);
      const flow = await codeFlow(server, config, web, customer, { scope: 'openid account_read offline_access', prompt: 'consent' });
      keep('authorization code', flow.callback.searchParams.get('code'));
      keep('PKCE verifier', flow.verifier);
      keep('access token', flow.tokens.access_token);
      keep('refresh token', flow.tokens.refresh_token);
      const rotated = await oidc.refreshTokenGrant(config, flow.tokens.refresh_token!);
      keep('rotated access token', rotated.access_token);
      keep('rotated refresh token', rotated.refresh_token);
      const replay = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: flow.tokens.refresh_token! }, { clientId: web.clientId, secret: web.clientSecret! });
      assert.equal(replay.json.refresh_token, rotated.refresh_token, 'the grace record was used');

      const device = await registerApp(server, { kind: 'device' });
      const started = await oidc.initiateDeviceAuthorization(await clientFor(server, device), { scope: 'account_read offline_access' });
      keep('device code', started.device_code);
      keep('user code', started.user_code);
      keep('user code, normalised', started.user_code.replace('-', ''));
      const approval = await walkPages(server, started.verification_uri_complete!, customer);
      for (const [name, value] of approval.browser.cookies) keep(`browser cookie ${name}`, value);
      const deviceTokens = await oidc.pollDeviceAuthorizationGrant(await clientFor(server, device), { ...started, interval: 0 });
      keep('device access token', deviceTokens.access_token);
      keep('device refresh token', deviceTokens.refresh_token);

      const owned = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      keep('private app secret', owned.clientSecret);
      keep('client-credentials token', await clientCredentialsToken(server, owned.clientId, owned.clientSecret!));
      const { client_secret } = await server.services.apps.rotateSecret(owned.clientId, 3600);
      keep('rotated app secret', client_secret);

      const developer = await server.services.developers.signUp({ email: 'dev@example.com', password: DEVELOPER_PASSWORD });
      keep('developer password', DEVELOPER_PASSWORD);
      const verify = linkIn(await smtp.waitFor(developer.email, /verify\?token=/), `${server.url}/developer/verify?token=`);
      keep('email verification token', decodeURIComponent(new URL(verify).searchParams.get('token') ?? ''));
      await server.services.developers.requestPasswordReset(developer.email);
      const reset = linkIn(await smtp.waitFor(developer.email, /reset-password\?token=/), `${server.url}/developer/reset-password?token=`);
      keep('password reset token', decodeURIComponent(new URL(reset).searchParams.get('token') ?? ''));
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    it('finds no issued secret, token, code or password anywhere in the database', async () => {
      const dump = await dumpDatabase(server.services.db);
      assert.ok(dump.includes('oauth_payloads:'), 'the dump reads the authorization server tables');
      assert.ok(dump.includes('RotationGrace') && dump.includes('DeviceUserCode'), 'the side records are there, sealed');
      const found = [...secrets].filter(([, value]) => dump.includes(value) || dump.includes(encodeURIComponent(value)));
      assert.deepEqual(found.map(([label]) => label), []);
    });

    it('stores passwords as argon2id hashes', async () => {
      const rows = [
        ...(await server.services.db.selectFrom('users').select('password_hash').execute()),
        ...(await server.services.db.selectFrom('developers').select('password_hash').execute()),
      ];
      assert.ok(rows.length >= 2);
      for (const row of rows) assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });
  });
}
