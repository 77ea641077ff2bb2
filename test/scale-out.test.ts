// The scale-out mode: N identical nodes on PostgreSQL + Redis. A token issued by one node works on every
// node, a revocation on one node reaches every node's token cache through Redis, and the rate-limit
// budget of an API key is shared by all nodes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { type Cluster, redisUrl, startCluster } from './helpers/cluster.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('scale-out: two nodes on PostgreSQL + Redis', { skip: !redisUrl || !TEST_DIALECTS.includes('postgres') }, () => {
  let cluster: Cluster;
  let clientId: string;
  let secret: string;
  before(async () => {
    cluster = await startCluster(2, { TOKEN_CACHE_SECONDS: '60', RATE_LIMIT_PER_DAY: '1000' });
    const [a] = cluster.nodes;
    const account = await a!.services.accounts.signUp({ email: `cluster-${Date.now()}@example.com`, password: 'correct horse battery' });
    const created = await a!.services.apps.createApp({ name: 'Cluster job', kind: 'private', ownerAccountId: account.account_id });
    clientId = created.app.client_id;
    secret = created.client_secret!;
  });
  after(() => cluster.close());

  async function tokenFrom(url: string): Promise<string> {
    const res = await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  const summary = (url: string, token: string) =>
    fetch(`${url}/v3/account/summary`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId } });

  it('accepts on node B a token issued by node A, and refuses it on both soon after revocation on A', async () => {
    const [a, b] = cluster.nodes;
    const token = await tokenFrom(a!.url);
    assert.equal((await summary(b!.url, token)).status, 200);
    const revoked = await fetch(`${a!.url}/oauth2/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
      body: new URLSearchParams({ token }),
    });
    assert.equal(revoked.status, 200);
    assert.equal((await summary(a!.url, token)).status, 401);
    // Node B cached the token for 60 s; the revocation message over Redis makes it drop the entry.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await summary(b!.url, token)).status;
      if (status === 200) await sleep(100);
    }
    assert.equal(status, 401);
  });

  it('shares one daily budget per API key across nodes through Redis', async () => {
    const [a, b] = cluster.nodes;
    const token = await tokenFrom(b!.url);
    const first = await summary(a!.url, token);
    const remainingA = Number(first.headers.get('ratelimit-remaining'));
    const second = await summary(b!.url, token);
    assert.equal(Number(second.headers.get('ratelimit-remaining')), remainingA - 1);
  });
});
