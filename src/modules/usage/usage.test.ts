import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { type Cluster, redisUrl, startCluster } from '../../../test/helpers/cluster.ts';
import { createTestDatabase, TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { loadConfig } from '../../config.ts';
import { createDatabase } from '../../db/database.ts';
import { startServer } from '../../main.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { clientCredentialsToken, createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { createUsageCollector, type UsageDelta } from '../../http/usage-collector.ts';
import { percentile95 } from './usage.service.ts';

type UsageBody = {
  client_id: string;
  granularity: string;
  usage: { start: string; calls: number }[];
  totals: { calls: number; status_2xx: number; status_4xx: number; status_5xx: number; status_429: number; p95_ms: number | null; tokens_issued: number };
};

describe('usage collector', () => {
  it('hands every count to the sink once, and keeps the counts of a failed flush for the next one', async () => {
    const written: UsageDelta[][] = [];
    let fail = true;
    const collector = createUsageCollector({
      enabled: true,
      flushMs: 60_000,
      now: () => Date.parse('2026-03-01T10:20:00Z'),
      onError: () => undefined,
      sink: async (rows) => {
        if (fail) throw new Error('database down');
        written.push(rows);
      },
    });
    collector.recordCall('app', 200, 3);
    collector.recordCall('app', 429, 30);
    await collector.flush();
    assert.equal(written.length, 0);
    fail = false;
    collector.recordCall('app', 503, 3000);
    collector.recordToken('app');
    await collector.stop();
    assert.equal(written.length, 1);
    const [row] = written[0]!;
    assert.deepEqual(
      { hour: new Date(row!.hour).toISOString(), calls: row!.calls, s2: row!.status2xx, s4: row!.status4xx, s5: row!.status5xx, s429: row!.status429, tokens: row!.tokensIssued },
      { hour: '2026-03-01T10:00:00.000Z', calls: 3, s2: 1, s4: 1, s5: 1, s429: 1, tokens: 1 },
    );
    assert.deepEqual(row!.latency, [1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
    await collector.flush();
    assert.equal(written.length, 1, 'nothing is written twice');
  });

  it('counts nothing when collection is off', async () => {
    let rows = 0;
    const collector = createUsageCollector({ enabled: false, flushMs: 1000, onError: () => undefined, sink: async (r) => {
        rows += r.length;
      },
    });
    collector.recordCall('app', 200, 1);
    await collector.stop();
    assert.equal(rows, 0);
  });

  it('reports the bound of the bucket holding the 95th percentile', () => {
    assert.equal(percentile95([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), null);
    assert.equal(percentile95([95, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 5);
    assert.equal(percentile95([94, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 10);
    assert.equal(percentile95([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]), 10000);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`API usage (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    it('counts exactly the calls made, a 4xx and a 429 among them, once flushed', async () => {
      const token = await createAccountWithToken(server);
      // The app's own daily quota: the sixth call is refused with 429.
      await server.services.db.updateTable('apps').set({ rate_per_day: 5 }).where('client_id', '=', token.clientId).execute();
      const api = apiClient(server.url, token);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await api('GET', '/v3/account/summary')).status);
      statuses.push((await api('GET', '/v3/contacts/00000000-0000-4000-8000-000000000000')).status);
      statuses.push((await api('GET', '/v3/account/summary')).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 404, 429]);
      await server.services.usageCollector.flush();
      const series = await server.services.usage.forApp(token.clientId, { granularity: 'hour' });
      assert.deepEqual(
        { ...series.totals, p95_ms: typeof series.totals.p95_ms },
        { calls: 6, status_2xx: 4, status_4xx: 2, status_5xx: 0, status_429: 1, p95_ms: 'number', tokens_issued: 1 },
      );
      assert.equal(series.points.at(-1)!.calls, 6, 'counted in the current hour');
    });

    it('GET /v3/usage answers the calling app its own usage and never another app\'s', async () => {
      const mine = await createAccountWithToken(server);
      const other = await createAccountWithToken(server);
      for (let i = 0; i < 3; i++) assert.equal((await apiClient(server.url, other)('GET', '/v3/account/summary')).status, 200);
      assert.equal((await apiClient(server.url, mine)('GET', '/v3/account/summary')).status, 200);
      await server.services.usageCollector.flush();
      const res = await apiClient(server.url, mine)<UsageBody>('GET', '/v3/usage');
      assert.equal(res.status, 200);
      assert.equal(res.body.client_id, mine.clientId);
      assert.equal(res.body.granularity, 'day');
      assert.equal(res.body.usage.length, 30);
      assert.equal(res.body.totals.calls, 1);
      const theirs = await apiClient(server.url, other)<UsageBody>('GET', '/v3/usage?granularity=hour');
      assert.equal(theirs.body.client_id, other.clientId);
      assert.equal(theirs.body.usage.length, 24);
      assert.equal(theirs.body.totals.calls, 3);
    });

    it('GET /v3/usage answers 400 in the error-array shape for a bad granularity, date or period', async () => {
      const api = apiClient(server.url, await createAccountWithToken(server));
      for (const query of ['granularity=week', 'start=yesterday', 'start=2026-11-30&end=2026-11-01', 'granularity=hour&start=2026-01-01&end=2026-12-01', 'end=2026-02-30T25:00Z']) {
        const res = await api<{ error_key: string; error_message: string }[]>('GET', `/v3/usage?${query}`);
        assert.equal(res.status, 400, query);
        assert.equal(res.body[0]?.error_key, 'contacts.api.validation.error', query);
      }
    });

    it('GET /v3/usage requires the account_read scope', async () => {
      const token = await createAccountWithToken(server, { scope: 'contact_data' });
      assert.equal((await apiClient(server.url, token)('GET', '/v3/usage')).status, 403);
    });
  });
}

for (const dialect of TEST_DIALECTS) {
  it(`writes the counts not yet flushed when the server shuts down (${dialect})`, async () => {
    const database = await createTestDatabase(dialect);
    try {
      // A flush interval far longer than the test: only the shutdown can write the counts.
      const env = { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: database.dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent', USAGE_FLUSH_SECONDS: '300' };
      const server = await startServer(loadConfig(env));
      const token = await createAccountWithToken({ url: server.config.publicUrl, services: server.services } as TestServer);
      for (let i = 0; i < 3; i++) assert.equal((await apiClient(server.config.publicUrl, token)('GET', '/v3/account/summary')).status, 200);
      await server.close();
      const handle = createDatabase(database.url);
      const rows = await handle.db.selectFrom('usage_hourly').select(['calls', 'tokens_issued']).where('client_id', '=', token.clientId).execute();
      await handle.destroy();
      assert.deepEqual(rows.map((r) => [Number(r.calls), Number(r.tokens_issued)]), [[3, 1]]);
    } finally {
      await database.drop();
    }
  });
}

describe('usage on two nodes (PostgreSQL + Redis)', { skip: !redisUrl || !TEST_DIALECTS.includes('postgres') }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2);
  });
  after(() => cluster.close());

  it('adds up the counts of both nodes in one row', async () => {
    const [a, b] = cluster.nodes;
    const account = await a!.services.accounts.signUp({ email: `usage-${Date.now()}@example.com`, password: 'correct horse battery' });
    const created = await a!.services.apps.createApp({ name: 'Usage job', kind: 'private', ownerAccountId: account.account_id });
    const token = await clientCredentialsToken({ url: a!.url }, created.app.client_id, created.client_secret!);
    const headers = { authorization: `Bearer ${token}`, 'x-api-key': created.app.client_id };
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${a!.url}/v3/account/summary`, { headers })).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await fetch(`${b!.url}/v3/account/summary`, { headers })).status, 200);
    assert.equal((await fetch(`${b!.url}/v3/contact_lists?limit=0`, { headers })).status, 400);
    await a!.services.usageCollector.flush();
    await b!.services.usageCollector.flush();
    const rows = await a!.services.db.selectFrom('usage_hourly').selectAll().where('client_id', '=', created.app.client_id).execute();
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]!.calls, rows[0]!.status_2xx, rows[0]!.status_4xx, rows[0]!.tokens_issued].map(Number), [6, 5, 1, 1]);
  });
});
