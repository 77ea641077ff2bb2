import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../shared/crypto.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { type Customer, createCustomer, registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { clientCredentialsToken } from '../../test/helpers/tokens.ts';

const NO_ERROR = 'Bearer realm="listgate"';
const INVALID = /^Bearer realm="listgate", error="invalid_token", error_description="[^"]+"$/;

type ErrorItem = { error_key: string; error_message: string };
/** `body` lists the error items; `single` is true when the body is one object (the dialect's 401). */
type Call = { status: number; challenge: string | null; body: ErrorItem[]; single: boolean };

async function call(server: TestServer, headers: Record<string, string>, query = ''): Promise<Call> {
  const res = await fetch(`${server.url}/v3/account/summary${query}`, { headers: { accept: 'application/json', ...headers } });
  const body = (await res.json()) as ErrorItem | ErrorItem[];
  const single = !Array.isArray(body);
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: single ? [body] : body, single };
}

for (const dialect of TEST_DIALECTS) {
  describe(`bearer check on /v3 (RFC 6750) (${dialect})`, () => {
    let server: TestServer;
    let customer: Customer;
    let app: TestApp;
    let token: string;

    before(async () => {
      server = await startTestServer(dialect);
      customer = await createCustomer(server);
      app = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      token = await clientCredentialsToken(server, app.clientId, app.clientSecret!);
    });
    after(() => server.close());

    it('answers 200 with the token and its API key, whatever the case of the scheme', async () => {
      for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
        const res = await call(server, { authorization: `${scheme} ${token}`, 'x-api-key': app.clientId });
        assert.equal(res.status, 200, scheme);
      }
      assert.equal((await call(server, { authorization: `Bearer ${token}` }, `?api_key=${app.clientId}`)).status, 200);
      assert.equal((await call(server, { authorization: `Bearer ${token}` })).status, 200, 'the API key is optional by default');
    });

    it('challenges without an error when no bearer credentials were sent', async () => {
      const basic: Record<string, string> = { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };
      for (const headers of [{}, basic]) {
        const res = await call(server, headers);
        assert.equal(res.status, 401);
        assert.equal(res.challenge, NO_ERROR);
        assert.equal(res.single, true, 'the 401 body is one error object, as the dialect sends it');
        assert.equal(res.body[0]?.error_key, 'unauthorized');
      }
    });

    it('answers 401 before looking at the body: a request without a token never learns about its body', async () => {
      for (const [type, body] of [['text/plain', 'junk'], ['application/json', '{"broken'], ['application/json', '{}']]) {
        const res = await fetch(`${server.url}/v3/contacts`, { method: 'POST', headers: { 'content-type': type! }, body });
        assert.equal(res.status, 401, `${type} ${body}`);
        assert.equal(res.headers.get('www-authenticate'), NO_ERROR);
      }
    });

    it('answers invalid_token to unknown, malformed and revoked tokens', async () => {
      for (const value of ['Bearer unknown-token-value-1234567', 'Bearer', 'Bearer a b', "Bearer ' OR 1=1 --", 'Bearer %D0%BA\u00e9']) {
        const res = await call(server, { authorization: value });
        assert.equal(res.status, 401, value);
        assert.match(res.challenge ?? '', INVALID, value);
      }
      const revoked = await clientCredentialsToken(server, app.clientId, app.clientSecret!);
      assert.equal((await call(server, { authorization: `Bearer ${revoked}` })).status, 200);
      await server.services.grants.revokeAllForClient(app.clientId);
      const after = await call(server, { authorization: `Bearer ${revoked}` });
      assert.equal(after.status, 401);
      assert.match(after.challenge ?? '', INVALID);
      token = await clientCredentialsToken(server, app.clientId, app.clientSecret!);
    });

    it('answers 403 insufficient_scope naming the scope the route needs', async () => {
      const narrow = await clientCredentialsToken(server, app.clientId, app.clientSecret!, 'contact_data');
      const res = await call(server, { authorization: `Bearer ${narrow}` });
      assert.equal(res.status, 403);
      assert.equal(res.challenge, 'Bearer realm="listgate", error="insufficient_scope", scope="account_read"');
      assert.equal(res.body[0]?.error_key, 'forbidden');
    });

    it('refuses an access token in the query string', async () => {
      const res = await call(server, {}, `?access_token=${token}`);
      assert.equal(res.status, 400);
      assert.match(res.challenge ?? '', /error="invalid_request"/);
      const both = await call(server, { authorization: `Bearer ${token}` }, `?access_token=${token}`);
      assert.equal(both.status, 400);
    });

    it("refuses an API key that is not the token's app", async () => {
      const other = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      for (const apiKey of [other.clientId, 'wrong-key', '']) {
        const res = await call(server, { authorization: `Bearer ${token}`, 'x-api-key': apiKey });
        assert.equal(res.status, 401, apiKey);
        assert.equal(res.body[0]?.error_key, 'unauthorized');
        assert.match(res.challenge ?? '', /error="invalid_token"/);
      }
      assert.equal((await call(server, { authorization: `Bearer ${token}` }, '?api_key=wrong-key')).status, 401);
    });

    it('refuses a token issued for another audience', async () => {
      const foreign = await clientCredentialsToken(server, app.clientId, app.clientSecret!);
      const row = await server.services.db.selectFrom('oauth_payloads').select('payload').where('id', '=', sha256(foreign)).executeTakeFirstOrThrow();
      const payload = { ...JSON.parse(row.payload), aud: 'https://elsewhere.example/api' };
      await server.services.db.updateTable('oauth_payloads').set({ payload: JSON.stringify(payload) }).where('id', '=', sha256(foreign)).execute();
      const res = await call(server, { authorization: `Bearer ${foreign}` });
      assert.equal(res.status, 401);
      assert.match(res.challenge ?? '', INVALID);
    });
  });

  describe(`bearer check with REQUIRE_API_KEY=true (${dialect})`, () => {
    let server: TestServer;
    let app: TestApp;
    let token: string;

    before(async () => {
      server = await startTestServer(dialect, { REQUIRE_API_KEY: 'true' });
      const customer = await createCustomer(server);
      app = await registerApp(server, { kind: 'private', ownerAccountId: customer.accountId });
      token = await clientCredentialsToken(server, app.clientId, app.clientSecret!);
    });
    after(() => server.close());

    it('requires the API key beside the token', async () => {
      const without = await call(server, { authorization: `Bearer ${token}` });
      assert.equal(without.status, 401);
      assert.equal(without.body[0]?.error_key, 'unauthorized');
      assert.match(without.body[0]?.error_message ?? '', /API key is required/);
      assert.equal((await call(server, { authorization: `Bearer ${token}`, 'x-api-key': app.clientId })).status, 200);
      assert.equal((await call(server, { authorization: `Bearer ${token}` }, `?api_key=${app.clientId}`)).status, 200);
    });
  });
}
