// Per-tenant fairness: every app acting on one customer account spends from the account's budget besides
// its own limits, so one account's integrations together cannot take more; other accounts are unaffected.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisUrl } from '../../test/helpers/cluster.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { clientCredentialsToken, createAccountWithToken } from '../../test/helpers/tokens.ts';

const stores = redisUrl ? (['memory', 'redis'] as const) : (['memory'] as const);

for (const dialect of TEST_DIALECTS) {
  for (const store of stores) {
    describe(`account budget (${dialect}, ${store} counters)`, () => {
      let server: TestServer;
      before(async () => {
        server = await startTestServer(dialect, { ACCOUNT_RATE_LIMIT_PER_DAY: '5', ...(store === 'redis' ? { REDIS_URL: redisUrl! } : {}) });
      });
      after(() => server.close());

      it('refuses both apps of an account once together they used its budget, and leaves another account alone', async () => {
        const first = await createAccountWithToken(server);
        const created = await server.services.apps.createApp({ name: 'Second integration', kind: 'private', ownerAccountId: first.accountId });
        const secondToken = await clientCredentialsToken(server, created.app.client_id, created.client_secret!);
        const second = { authorization: `Bearer ${secondToken}`, 'x-api-key': created.app.client_id };
        const other = await createAccountWithToken(server);
        const call = (headers: Record<string, string>) => fetch(`${server.url}/v3/account/summary`, { headers });

        const seen: [number, string | null, string | null][] = [];
        for (const headers of [first.headers, second, first.headers, second, first.headers, second, first.headers]) {
          const res = await call(headers);
          seen.push([res.status, res.headers.get('ratelimit-limit'), res.headers.get('ratelimit-remaining')]);
        }
        // The account's daily budget of 5 is the tightest: it is the one the headers report.
        assert.deepEqual(seen, [
          [200, '5', '4'],
          [200, '5', '3'],
          [200, '5', '2'],
          [200, '5', '1'],
          [200, '5', '0'],
          [429, '5', '0'],
          [429, '5', '0'],
        ]);
        const refused = await call(second);
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers.get('retry-after')) > 0);
        const body = (await refused.json()) as { error_key: string; error_message: string }[];
        assert.equal(body[0]?.error_key, 'quota_exceeded');
        assert.match(body[0]!.error_message, /for this account/);
        assert.match(refused.headers.get('ratelimit-policy') ?? '', /, 5;w=86400$/);

        const elsewhere = await call(other.headers);
        assert.equal(elsewhere.status, 200);
        assert.equal(elsewhere.headers.get('ratelimit-remaining'), '4');
      });
    });
  }
}
