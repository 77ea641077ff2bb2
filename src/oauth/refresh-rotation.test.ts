import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createManualClock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { type Customer, clientFor, codeFlow, createCustomer, introspect, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

const OFFLINE = { scope: 'account_read offline_access', prompt: 'consent' };

for (const dialect of TEST_DIALECTS) {
  describe(`refresh tokens: rotation, grace window, reuse detection (${dialect})`, () => {
    let server: TestServer;
    const clock = createManualClock(new Date());
    let customer: Customer;
    let web: TestApp;
    let config: oidc.Configuration;

    before(async () => {
      server = await startTestServer(dialect, {}, { clock });
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      config = await clientFor(server, web);
    });
    after(() => server.close());

    const refresh = (app: TestApp, refreshToken: string, extra: Record<string, string> = {}) =>
      postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, app.clientSecret ? { clientId: app.clientId, secret: app.clientSecret } : undefined);

    const grantOf = async (refreshToken: string) =>
      (await server.services.db.selectFrom('oauth_payloads').select('grant_id').where('model', '=', 'RefreshToken').where('id', '=', sha256(refreshToken)).executeTakeFirstOrThrow()).grant_id!;

    const liveRefreshTokens = async (grantId: string) =>
      (await server.services.db.selectFrom('oauth_payloads').select('id').where('model', '=', 'RefreshToken').where('grant_id', '=', grantId).where('consumed_at', 'is', null).execute()).length;

    it('rotates, returns the same pair to a retry inside the window, and revokes the grant on reuse after it', async () => {
      const { tokens } = await codeFlow(server, config, web, customer, OFFLINE);
      const rt1 = tokens.refresh_token!;
      const grantId = await grantOf(rt1);
      const first = await oidc.refreshTokenGrant(config, rt1);
      assert.notEqual(first.refresh_token, rt1);
      assert.notEqual(first.access_token, tokens.access_token);

      clock.advance(30_000);
      const retry = await refresh(web, rt1);
      assert.equal(retry.status, 200);
      assert.equal(retry.json.access_token, first.access_token);
      assert.equal(retry.json.refresh_token, first.refresh_token);
      assert.ok(Number(retry.json.expires_in) <= Number(first.expires_in) - 30);
      assert.equal(retry.headers.get('cache-control'), 'no-store');
      assert.equal(await liveRefreshTokens(grantId), 1, 'one successor family');

      // the record holds the pair sealed under a key from the old token: nothing usable in the row
      const record = await server.services.db.selectFrom('oauth_payloads').selectAll().where('model', '=', 'RotationGrace').where('id', '=', sha256(rt1)).executeTakeFirstOrThrow();
      const row = JSON.stringify(record);
      for (const secret of [rt1, first.access_token, first.refresh_token!]) assert.ok(!row.includes(secret));

      const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
      assert.equal((await introspect(server, web, second.access_token)).active, true);

      clock.advance(31_000);
      const reuse = await refresh(web, rt1);
      assert.equal(reuse.status, 400);
      assert.equal(reuse.json.error, 'invalid_grant');
      for (const token of [second.access_token, second.refresh_token!, first.access_token]) {
        assert.deepEqual(await introspect(server, web, token), { active: false });
      }
      const api = await fetch(`${server.url}/v3/account/summary`, { headers: { authorization: `Bearer ${second.access_token}` } });
      assert.equal(api.status, 401);
      assert.equal(await liveRefreshTokens(grantId), 0);
    });

    it('never shows the stored pair to another client, even inside the window', async () => {
      const { tokens } = await codeFlow(server, config, web, customer, OFFLINE);
      const rt1 = tokens.refresh_token!;
      const first = await refresh(web, rt1);
      assert.equal(first.status, 200);
      const other = await registerApp(server, { kind: 'web' });
      const stolen = await refresh(other, rt1);
      assert.equal(stolen.status, 400);
      assert.equal(stolen.json.error, 'invalid_grant');
      assert.equal(stolen.json.access_token, undefined);
      const fresh = await refresh(other, String(first.json.refresh_token));
      assert.equal(fresh.json.error, 'invalid_grant');
      assert.equal((await introspect(server, web, String(first.json.access_token))).active, true, 'the owner keeps its grant');
    });

    it('never widens the scope on refresh', async () => {
      const { tokens } = await codeFlow(server, config, web, customer, OFFLINE);
      const wider = await refresh(web, tokens.refresh_token!, { scope: 'account_read contact_data' });
      assert.equal(wider.status, 400);
      assert.equal(wider.json.error, 'invalid_scope');
      const same = await refresh(web, tokens.refresh_token!, { scope: 'account_read' });
      assert.equal(same.status, 200);
      assert.equal(same.json.scope, 'account_read');
    });

    it('answers 50 parallel refreshes with one token with one successor pair and no 5xx', async () => {
      const { tokens } = await codeFlow(server, config, web, customer, OFFLINE);
      const grantId = await grantOf(tokens.refresh_token!);
      const results = await Promise.all(Array.from({ length: 50 }, () => refresh(web, tokens.refresh_token!)));
      assert.ok(results.every((r) => r.status < 500), `statuses: ${results.map((r) => r.status)}`);
      const pairs = new Set(results.filter((r) => r.status === 200).map((r) => `${r.json.access_token} ${r.json.refresh_token}`));
      assert.equal(pairs.size, 1, 'every success carries the same pair');
      assert.ok(results.every((r) => r.status === 200 || r.json.error === 'invalid_grant'));
      assert.equal(await liveRefreshTokens(grantId), 1);
    });

    it('rotates the refresh tokens of a public (native) client too', async () => {
      const native = await registerApp(server, { kind: 'native' });
      const nativeConfig = await clientFor(server, native);
      const { tokens } = await codeFlow(server, nativeConfig, native, customer, OFFLINE);
      const first = await refresh(native, tokens.refresh_token!, { client_id: native.clientId });
      assert.equal(first.status, 200);
      assert.notEqual(first.json.refresh_token, tokens.refresh_token);
      const retry = await refresh(native, tokens.refresh_token!, { client_id: native.clientId });
      assert.equal(retry.json.refresh_token, first.json.refresh_token);
    });

    it('keeps a long-lived refresh token usable again and again', async () => {
      const longLived = await registerApp(server, { kind: 'web', refreshPolicy: 'long-lived', accessTokenTtl: 3600 });
      const { tokens } = await codeFlow(server, await clientFor(server, longLived), longLived, customer, OFFLINE);
      const a = await refresh(longLived, tokens.refresh_token!);
      clock.advance(120_000);
      const b = await refresh(longLived, tokens.refresh_token!);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      assert.equal(a.json.refresh_token, tokens.refresh_token);
      assert.notEqual(a.json.access_token, b.json.access_token);
      assert.equal(a.json.expires_in, 3600);
    });
  });
}
