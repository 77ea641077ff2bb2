import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { rowCounts } from '../../test/helpers/db-dump.ts';
import { type Customer, createCustomer, postForm, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

const JUNK = ["' OR 1=1 --", "'; DROP TABLE oauth_payloads; --", 'ключ 😀 \u202e\u0000', '%00%ZZ', 'x'.repeat(8000), '<script>alert(1)</script>'];

type Case = { label: string; path?: string; body: string | Record<string, string>; status: number; error: string; contentType?: string; secret?: boolean };

for (const dialect of TEST_DIALECTS) {
  describe(`bad input on the token, device, introspection and revocation endpoints (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let web: TestApp;
    let device: TestApp;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      web = await registerApp(server, { kind: 'web' });
      device = await registerApp(server, { kind: 'device' });
    });
    after(() => server.close());

    const auth = () => ({ clientId: web.clientId, secret: web.clientSecret! });

    async function send(c: Case) {
      const path = c.path ?? '/token';
      if (c.contentType) {
        const headers = { 'content-type': c.contentType, authorization: `Basic ${Buffer.from(`${web.clientId}:${web.clientSecret}`).toString('base64')}` };
        const res = await fetch(`${server.url}/oauth2${path}`, { method: 'POST', headers, body: String(c.body) });
        const text = await res.text();
        return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>, headers: res.headers };
      }
      return postForm(server, path, c.body, c.secret === false ? undefined : auth());
    }

    async function assertRefused(cases: Case[]) {
      const before = await rowCounts(server.services.db);
      for (const c of cases) {
        const res = await send(c);
        assert.equal(res.status, c.status, `${c.label}: ${JSON.stringify(res.json)}`);
        assert.equal(res.json.error, c.error, c.label);
        assert.equal(res.json.access_token, undefined, c.label);
        assert.equal(res.headers.get('cache-control'), 'no-store', c.label);
      }
      assert.deepEqual(await rowCounts(server.services.db), before, 'nothing was written');
    }

    it('refuses malformed and oversized bodies with the documented errors', async () => {
      await assertRefused([
        { label: 'empty body', body: '', status: 400, error: 'invalid_request' },
        { label: 'no grant_type', body: { code: 'x' }, status: 400, error: 'invalid_request' },
        { label: 'unknown grant_type', body: { grant_type: 'magic' }, status: 400, error: 'unsupported_grant_type' },
        { label: 'password grant', body: { grant_type: 'password', username: customer.email, password: customer.password }, status: 400, error: 'unsupported_grant_type' },
        { label: 'implicit', body: { grant_type: 'implicit' }, status: 400, error: 'unsupported_grant_type' },
        { label: 'grant_type twice', body: 'grant_type=client_credentials&grant_type=refresh_token', status: 400, error: 'invalid_request' },
        { label: 'broken percent-encoding', body: 'grant_type=%ZZ%&code=%', status: 400, error: 'unsupported_grant_type' },
        { label: 'binary junk', body: '\u0000\u0001\u00ff=\u0002&&&==', status: 400, error: 'invalid_request' },
        { label: 'oversized', body: { grant_type: 'authorization_code', code: 'x'.repeat(100 * 1024) }, status: 413, error: 'invalid_request' },
        { label: 'JSON body', body: '{"grant_type":"authorization_code","code":"x"}', contentType: 'application/json', status: 400, error: 'invalid_request' },
        { label: 'text body', body: 'grant_type=authorization_code', contentType: 'text/plain', status: 400, error: 'invalid_request' },
      ]);
    });

    it('answers invalid_grant to junk codes, refresh tokens and device codes', async () => {
      const cases: Case[] = [];
      for (const junk of JUNK) {
        cases.push({ label: `code ${junk.slice(0, 12)}`, body: { grant_type: 'authorization_code', code: junk, redirect_uri: web.redirectUri, code_verifier: 'a'.repeat(43) }, status: 400, error: 'invalid_grant' });
        cases.push({ label: `refresh ${junk.slice(0, 12)}`, body: { grant_type: 'refresh_token', refresh_token: junk }, status: 400, error: 'invalid_grant' });
        cases.push({
          label: `device ${junk.slice(0, 12)}`,
          body: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: junk, client_id: device.clientId },
          status: 400,
          error: 'invalid_grant',
          secret: false,
        });
      }
      await assertRefused(cases);
    });

    it('answers invalid_scope or invalid_target to junk scopes and resources', async () => {
      const privateApp = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      const before = await rowCounts(server.services.db);
      for (const junk of [...JUNK, 'admin', 'contact_data superuser']) {
        const res = await postForm(server, '/token', { grant_type: 'client_credentials', scope: junk }, { clientId: privateApp.clientId, secret: privateApp.clientSecret! });
        assert.equal(res.status, 400, junk.slice(0, 20));
        assert.equal(res.json.error, 'invalid_scope', junk.slice(0, 20));
      }
      const target = await postForm(server, '/token', { grant_type: 'client_credentials', resource: 'https://evil.example/api' }, { clientId: privateApp.clientId, secret: privateApp.clientSecret! });
      assert.equal(target.json.error, 'invalid_target');
      assert.deepEqual(await rowCounts(server.services.db), before);
    });

    it('refuses junk on the device authorization endpoint without creating a device code', async () => {
      await assertRefused([
        { label: 'unknown client', path: '/device/auth', body: { client_id: 'no-such-client', scope: 'account_read' }, status: 401, error: 'invalid_client', secret: false },
        { label: 'junk scope', path: '/device/auth', body: { client_id: device.clientId, scope: "' OR 1=1 --" }, status: 400, error: 'invalid_scope', secret: false },
        { label: 'no client', path: '/device/auth', body: { scope: 'account_read' }, status: 401, error: 'invalid_client', secret: false },
      ]);
    });

    it('answers junk on introspection with {"active":false} and on revocation with 200, writing nothing', async () => {
      const before = await rowCounts(server.services.db);
      for (const junk of JUNK) {
        const described = await postForm(server, '/token/introspection', { token: junk }, auth());
        assert.equal(described.status, 200);
        assert.deepEqual(described.json, { active: false });
        const revoked = await postForm(server, '/token/revocation', { token: junk, token_type_hint: junk.slice(0, 50) }, auth());
        assert.ok(revoked.status === 200 || revoked.json.error === 'unsupported_token_type', `${revoked.status}`);
      }
      assert.deepEqual(await rowCounts(server.services.db), before);
    });
  });
}
