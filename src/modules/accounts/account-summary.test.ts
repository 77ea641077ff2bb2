import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import { createMemoryCounterStore } from '../../shared/counter-store.ts';
import { createAccountsService } from './accounts.service.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/account/summary (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    before(async () => {
      server = await startTestServer(dialect);
      owner = await createAccountWithToken(server, { scope: 'account_read account_update' });
    });
    after(() => server.close());

    const summary = async () => {
      const res = await fetch(`${server.url}/v3/account/summary`, { headers: owner.headers });
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, unknown>;
    };

    it('shows a change at once on the node that made it (GET, PUT, GET)', async () => {
      assert.equal((await summary()).organization_name !== 'Acme Renamed', true);
      const put = await fetch(`${server.url}/v3/account/summary`, {
        method: 'PUT',
        headers: { ...owner.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ organization_name: 'Acme Renamed' }),
      });
      assert.equal(put.status, 200);
      assert.equal(((await put.json()) as Record<string, unknown>).organization_name, 'Acme Renamed');
      assert.equal((await summary()).organization_name, 'Acme Renamed');
    });

    it('shows a change made on another node within TOKEN_CACHE_SECONDS', async () => {
      let now = Date.parse('2026-05-01T00:00:00Z');
      const clock = { now: () => new Date(now) };
      const otherNode = createAccountsService({
        db: server.services.db,
        clock,
        counters: createMemoryCounterStore(() => now),
        mailer: server.services.mailer,
        publicUrl: server.url,
        audit: server.services.audit,
        summaryCacheSeconds: 5,
      });
      const before = (await otherNode.getSummary(owner.accountId)).organization_name;
      await server.services.accounts.updateSummary(owner.accountId, { organization_name: 'Changed Elsewhere' });
      now += 4_000;
      assert.equal((await otherNode.getSummary(owner.accountId)).organization_name, before);
      now += 1_001;
      assert.equal((await otherNode.getSummary(owner.accountId)).organization_name, 'Changed Elsewhere');
    });
  });
}
