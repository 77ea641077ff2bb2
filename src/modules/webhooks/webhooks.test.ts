import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { clientCredentialsToken, type TestToken } from '../../../test/helpers/tokens.ts';
import type { ResolvedAddress, Resolver } from './endpoint-guard.ts';

type Hook = { webhook_id: string; url: string; events: string[]; list_ids: string[]; status: string; secret?: string; backlog: number; disabled_reason?: string };

// Fake DNS: public names resolve to documentation-free public addresses, the others to forbidden ones.
const DNS: Record<string, ResolvedAddress[]> = {
  'hooks.example.com': [{ address: '93.184.216.34', family: 4 }],
  'internal.example.com': [{ address: '10.0.0.1', family: 4 }],
  'loop.example.com': [{ address: '127.0.0.1', family: 4 }],
  'metadata.example.com': [{ address: '169.254.169.254', family: 4 }],
  'mixed.example.com': [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }],
  'v6.example.com': [{ address: '::ffff:127.0.0.1', family: 6 }],
};
const fakeResolver: Resolver = async (host) => {
  const found = DNS[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

const EVENTS = ['contact.created', 'contact.deleted'];

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/webhooks (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let api: ApiCall;
    let other: ApiCall;
    let sameAccountOtherApp: ApiCall;

    before(async () => {
      server = await startTestServer(dialect, {}, { resolve: fakeResolver });
      ({ owner, api, other } = await createOwnerAndOther(server));
      const { app, client_secret } = await server.services.apps.createApp({ name: 'Second app', kind: 'private', ownerAccountId: owner.accountId });
      const token = await clientCredentialsToken(server, app.client_id, client_secret!);
      sameAccountOtherApp = apiClient(server.url, { headers: { authorization: `Bearer ${token}` } });
    });
    after(() => server.close());

    const create = async (body: Record<string, unknown>) => {
      const res = await api<Hook>('POST', '/v3/webhooks', body);
      assert.equal(res.status, 201, errorMessages(res.body));
      return res.body;
    };

    it('creates a subscription, shows its secret once, and reads, lists, changes and deletes it', async () => {
      const hook = await create({ url: 'https://hooks.example.com/in', events: EVENTS, description: 'CRM' });
      assert.match(hook.secret!, /^whsec_[A-Za-z0-9+/]{32}$/);
      assert.deepEqual([hook.status, hook.events, hook.list_ids, hook.backlog], ['active', EVENTS, [], 0]);
      const read = await api<Hook>('GET', `/v3/webhooks/${hook.webhook_id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.secret, undefined);
      assert.equal(read.text.includes(hook.secret!), false);
      const list = await api<{ webhooks: Hook[] }>('GET', '/v3/webhooks');
      assert.deepEqual(list.body.webhooks.map((w) => w.webhook_id), [hook.webhook_id]);
      const changed = await api<Hook>('PATCH', `/v3/webhooks/${hook.webhook_id}`, { events: ['contact.updated'], status: 'disabled' });
      assert.deepEqual([changed.status, changed.body.events, changed.body.status, changed.body.disabled_reason], [200, ['contact.updated'], 'disabled', 'user']);
      const enabled = await api<Hook>('PATCH', `/v3/webhooks/${hook.webhook_id}`, { status: 'active' });
      assert.equal(enabled.body.status, 'active');
      assert.equal(enabled.body.disabled_reason, undefined);
      assert.equal((await api('DELETE', `/v3/webhooks/${hook.webhook_id}`)).status, 204);
      assert.equal((await api('GET', `/v3/webhooks/${hook.webhook_id}`)).status, 404);
    });

    it('rotates the secret: a new one is returned once and the old one keeps signing for the overlap', async () => {
      const hook = await create({ url: 'https://hooks.example.com/rotate', events: EVENTS });
      const rotated = await api<Hook & { secret_rotated_until?: string }>('POST', `/v3/webhooks/${hook.webhook_id}/rotate_secret`);
      assert.equal(rotated.status, 200);
      assert.match(rotated.body.secret!, /^whsec_/);
      assert.notEqual(rotated.body.secret, hook.secret);
      assert.ok(rotated.body.secret_rotated_until! > new Date().toISOString());
      const row = await server.services.db.selectFrom('webhook_subscriptions').selectAll().where('subscription_id', '=', hook.webhook_id).executeTakeFirstOrThrow();
      assert.equal(JSON.stringify(row).includes(rotated.body.secret!.slice(6)), false, 'the secret is stored sealed');
    });

    it('keeps subscriptions per app and account: other apps and accounts get 404 and see none', async () => {
      const hook = await create({ url: 'https://hooks.example.com/mine', events: EVENTS });
      for (const call of [other, sameAccountOtherApp]) {
        assert.equal((await call('GET', `/v3/webhooks/${hook.webhook_id}`)).status, 404);
        assert.equal((await call('PATCH', `/v3/webhooks/${hook.webhook_id}`, { status: 'disabled' })).status, 404);
        assert.equal((await call('DELETE', `/v3/webhooks/${hook.webhook_id}`)).status, 404);
        assert.deepEqual((await call<{ webhooks: Hook[] }>('GET', '/v3/webhooks')).body.webhooks, []);
      }
      assert.equal((await api('GET', `/v3/webhooks/${hook.webhook_id}`)).status, 200);
    });

    it('refuses bad input with 400 naming the field, writing nothing', async () => {
      const foreignList = await other<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Theirs' });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ events: EVENTS }, /url/],
        [{ url: 'http://hooks.example.com/in', events: EVENTS }, /url must be an https URL/],
        [{ url: 'ftp://hooks.example.com/in', events: EVENTS }, /url must be an https URL/],
        [{ url: 'not a url', events: EVENTS }, /url must be an absolute https URL/],
        [{ url: 'https://user:pw@hooks.example.com/', events: EVENTS }, /url must not carry credentials/],
        [{ url: 'https://nowhere.example.com/', events: EVENTS }, /url host nowhere.example.com does not resolve/],
        [{ url: 'https://hooks.example.com/in' }, /events/],
        [{ url: 'https://hooks.example.com/in', events: [] }, /events/],
        [{ url: 'https://hooks.example.com/in', events: ['contact.exploded'] }, /events/],
        [{ url: 'https://hooks.example.com/in', events: EVENTS, list_ids: ['nope'] }, /list_ids/],
        [{ url: 'https://hooks.example.com/in', events: EVENTS, list_ids: [foreignList.body.list_id] }, /list_ids names lists that do not exist/],
      ];
      for (const [body, message] of cases) {
        const res = await api('POST', '/v3/webhooks', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(errorMessages(res.body), message, JSON.stringify(body));
      }
      const before = (await api<{ webhooks: Hook[] }>('GET', '/v3/webhooks')).body.webhooks.length;
      const patched = await api('PATCH', `/v3/webhooks/${(await create({ url: 'https://hooks.example.com/p', events: EVENTS })).webhook_id}`, { url: 'https://10.0.0.1/' });
      assert.equal(patched.status, 400);
      assert.equal((await api<{ webhooks: Hook[] }>('GET', '/v3/webhooks')).body.webhooks.length, before + 1);
    });

    it('refuses private, loopback, link-local and metadata endpoints, also behind a DNS name (SSRF)', async () => {
      for (const url of [
        'https://127.0.0.1/hook',
        'https://10.0.0.1/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/hook',
        'https://[::ffff:10.0.0.1]/hook',
        'https://[fd00:ec2::254]/hook',
        'https://loop.example.com/hook',
        'https://internal.example.com/hook',
        'https://metadata.example.com/hook',
        'https://mixed.example.com/hook',
        'https://v6.example.com/hook',
      ]) {
        const res = await api('POST', '/v3/webhooks', { url, events: EVENTS });
        assert.equal(res.status, 400, url);
        assert.match(errorMessages(res.body), /url resolves to a private, loopback, link-local or metadata address/, url);
      }
    });

    it('lists a subscription with a list filter, and documents the routes in /openapi.json', async () => {
      const list = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Newsletter' });
      const hook = await create({ url: 'https://hooks.example.com/l', events: EVENTS, list_ids: [list.body.list_id] });
      assert.deepEqual(hook.list_ids, [list.body.list_id]);
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
      for (const path of ['/v3/webhooks', '/v3/webhooks/{webhook_id}', '/v3/webhooks/{webhook_id}/attempts', '/v3/webhooks/{webhook_id}/replay'])
        assert.ok(doc.paths[path], path);
      assert.deepEqual(doc.paths['/v3/webhooks']!.post!.tags, ['Webhooks']);
    });

    it('needs a token with contact_data', async () => {
      assert.equal((await apiClient(server.url, null)('GET', '/v3/webhooks')).status, 401);
      const narrow = await clientCredentialsToken(server, owner.clientId, owner.clientSecret, 'account_read');
      const res = await apiClient(server.url, { headers: { authorization: `Bearer ${narrow}` } })('GET', '/v3/webhooks');
      assert.equal(res.status, 403);
    });
  });
}

describe('webhook endpoint settings', () => {
  it('allow http and loopback only with WEBHOOK_ALLOW_HTTP_LOOPBACK, private networks with WEBHOOK_ALLOW_PRIVATE_ADDRESSES', async () => {
    const server = await startTestServer('sqlite', { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' }, { resolve: fakeResolver });
    try {
      const { api } = await createOwnerAndOther(server);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'http://127.0.0.1:9/hook', events: EVENTS })).status, 201);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'http://loop.example.com/hook', events: EVENTS })).status, 201);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'http://hooks.example.com/hook', events: EVENTS })).status, 400);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'https://10.0.0.1/hook', events: EVENTS })).status, 400);
    } finally {
      await server.close();
    }
    const open = await startTestServer('sqlite', { WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }, { resolve: fakeResolver });
    try {
      const { api } = await createOwnerAndOther(open);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'https://internal.example.com/hook', events: EVENTS })).status, 201);
      assert.equal((await api('POST', '/v3/webhooks', { url: 'http://10.0.0.1/hook', events: EVENTS })).status, 400);
    } finally {
      await open.close();
    }
  });
});
