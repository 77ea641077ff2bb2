// Contract tests of /v2/lists (a bare array, numeric ids, the ContactList keys) and of what every /v2 call
// shares: the API key required and matched, the scope, and rate limits answered with v2's 403 keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2Page } from './v2-contacts.service.ts';
import type { V2List } from './v2-lists.service.ts';

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const LIST_KEYS = ['contact_count', 'created_date', 'id', 'modified_date', 'name', 'status'];
const errorKey = (body: unknown) => (body as { error_key: string }[])[0]?.error_key;

for (const dialect of TEST_DIALECTS) {
  describe(`/v2/lists (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let v2: V2Call;
    let other: V2Call;

    before(async () => {
      server = await startTestServer(dialect);
      owner = await createAccountWithToken(server);
      v2 = v2Client(server.url, owner);
      other = v2Client(server.url, await createAccountWithToken(server));
    });
    after(() => server.close());

    it('POST creates a list (201); GET answers a bare array of ContactLists with exactly their keys', async () => {
      const res = await v2<V2List>('POST', '/v2/lists', { name: 'Hot Opportunities', status: 'ACTIVE' });
      assert.equal(res.status, 201, errorMessages(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), LIST_KEYS);
      assert.match(res.body.id, /^[1-9][0-9]*$/);
      assert.equal(res.body.status, 'ACTIVE');
      assert.equal(res.body.contact_count, 0);
      assert.match(res.body.created_date, DATE);
      const hidden = await v2<V2List>('POST', '/v2/lists', { name: 'Hidden one', status: 'HIDDEN', id: null, contact_count: null });
      assert.equal(hidden.status, 201, errorMessages(hidden.body));
      assert.equal(hidden.body.status, 'HIDDEN');
      const all = await v2<V2List[]>('GET', '/v2/lists');
      assert.equal(all.status, 200);
      assert.ok(Array.isArray(all.body));
      assert.deepEqual(all.body.map((l) => [l.name, l.status]), [['Hot Opportunities', 'ACTIVE'], ['Hidden one', 'HIDDEN']]);
      for (const l of all.body) assert.deepEqual(Object.keys(l).sort(), LIST_KEYS);
      const withIds = await v2<V2List[]>('GET', '/v2/lists?include_list_id=true');
      const v3 = await fetch(`${server.url}/v3/contact_lists/${withIds.body[0]!.list_id}`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
      assert.equal(((await v3.json()) as { name: string }).name, 'Hot Opportunities');
    });

    it('keeps the list status: PUT changes it, a PUT without one keeps it, REMOVED is kept as HIDDEN; members show it', async () => {
      const list = (await v2<V2List>('POST', '/v2/lists', { name: 'Status list', status: 'REMOVED' })).body;
      assert.equal(list.status, 'HIDDEN');
      const member = await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'status-member@example.com' }], lists: [{ id: list.id }] });
      assert.deepEqual(member.body.lists, [{ id: list.id, status: 'HIDDEN' }]);
      assert.equal((await v2<V2List>('PUT', `/v2/lists/${list.id}`, { name: 'Status list 2' })).body.status, 'HIDDEN');
      const shown = await v2<V2List>('PUT', `/v2/lists/${list.id}`, { ...list, name: 'Status list 2', status: 'ACTIVE' });
      assert.deepEqual([shown.body.name, shown.body.status], ['Status list 2', 'ACTIVE']);
      assert.deepEqual((await v2<V2Contact>('GET', `/v2/contacts/${member.body.id}`)).body.lists, [{ id: list.id, status: 'ACTIVE' }]);
      // v3 sees the same list, without a v2 status.
      const v3 = await fetch(`${server.url}/v3/contact_lists/${(await v2<V2List>('GET', `/v2/lists/${list.id}?include_list_id=true`)).body.list_id}`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
      const body = (await v3.json()) as Record<string, unknown>;
      assert.equal(body.name, 'Status list 2');
      assert.ok(!('v2_status' in body));
      assert.equal((await v2('DELETE', `/v2/contacts/${member.body.id}/lists`)).status, 204);
      assert.equal((await v2('DELETE', `/v2/lists/${list.id}`)).status, 204);
    });

    it('a list deleted through v3 is gone from /v2 (no REMOVED to read), and its members\' removal is a modified_since change', async () => {
      const list = (await v2<V2List>('POST', '/v2/lists', { name: 'Doomed', status: 'HIDDEN' })).body;
      const member = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'doomed-member@example.com' }], lists: [{ id: list.id }] })).body;
      const since = new Date(Date.parse(member.modified_date) + 1).toISOString();
      const listId = (await v2<V2List>('GET', `/v2/lists/${list.id}?include_list_id=true`)).body.list_id;
      const auth = { authorization: `Bearer ${owner.accessToken}` };
      assert.equal((await fetch(`${server.url}/v3/contact_lists/${listId}`, { method: 'DELETE', headers: auth })).status, 202);
      // The deletion's job takes the members off the list: wait until v3 shows it done.
      const contactId = (await v2<V2Contact>('GET', `/v2/contacts/${member.id}?include_contact_id=true`)).body.contact_id;
      const memberships = async () => ((await (await fetch(`${server.url}/v3/contacts/${contactId}?include=list_memberships`, { headers: auth })).json()) as { list_memberships: string[] }).list_memberships;
      for (let i = 0; i < 200 && (await memberships()).length; i++) await new Promise((r) => setTimeout(r, 25));
      assert.deepEqual(await memberships(), []);
      assert.equal((await v2('GET', `/v2/lists/${list.id}`)).status, 404);
      assert.equal((await v2('GET', `/v2/lists/${list.id}/contacts`)).status, 404);
      assert.ok(!(await v2<V2List[]>('GET', '/v2/lists?modified_since=2000-01-01T00:00:00Z')).body.some((l) => l.id === list.id));
      const after = (await v2<V2Contact>('GET', `/v2/contacts/${member.id}`)).body;
      assert.deepEqual([after.lists, after.status], [[], 'REMOVED']);
      const changed = (await v2<V2Page>(`GET`, `/v2/contacts?modified_since=${since}`)).body.results.map((c) => c.id);
      assert.ok(changed.includes(member.id), 'the removal reaches a modified_since sync');
    });

    it('refuses a taken name (409), a bad status or name (400), and writes nothing', async () => {
      const before = (await v2<V2List[]>('GET', '/v2/lists')).body.length;
      assert.equal((await v2('POST', '/v2/lists', { name: 'Hot Opportunities' })).status, 409);
      const bad = await v2('POST', '/v2/lists', { name: 'Odd', status: 'ARCHIVED' });
      assert.equal(bad.status, 400);
      assert.match(errorMessages(bad.body), /status/);
      assert.equal((await v2('POST', '/v2/lists', { status: 'ACTIVE' })).status, 400);
      assert.equal((await v2('POST', '/v2/lists', undefined, { raw: 'name=x', headers: { 'content-type': 'text/plain' } })).status, 415);
      assert.equal((await v2<V2List[]>('GET', '/v2/lists')).body.length, before);
    });

    it('GET/PUT/DELETE /v2/lists/{id}: 200/200/204, 404 for unknown and other accounts\' lists', async () => {
      const created = (await v2<V2List>('POST', '/v2/lists', { name: 'Rename me' })).body;
      const read = await v2<V2List>('GET', `/v2/lists/${created.id}`);
      assert.deepEqual(read.body, created);
      const put = await v2<V2List>('PUT', `/v2/lists/${created.id}`, { ...created, name: 'Renamed' });
      assert.equal(put.status, 200, errorMessages(put.body));
      assert.equal(put.body.name, 'Renamed');
      assert.equal((await v2('PUT', `/v2/lists/${created.id}`, { name: 'Hot Opportunities' })).status, 409);
      for (const call of [other('GET', `/v2/lists/${created.id}`), v2('GET', '/v2/lists/9999'), v2('GET', '/v2/lists/x'), other('DELETE', `/v2/lists/${created.id}`)]) {
        assert.equal((await call).status, 404);
      }
      const del = await v2('DELETE', `/v2/lists/${created.id}`);
      assert.equal(del.status, 204);
      assert.equal((await v2('GET', `/v2/lists/${created.id}`)).status, 404);
      assert.ok(!(await v2<V2List[]>('GET', '/v2/lists')).body.some((l) => l.id === created.id));
    });

    it('GET /v2/lists/{id}/contacts pages the members with next_link on the list\'s own path', async () => {
      const list = (await v2<V2List>('POST', '/v2/lists', { name: 'Members' })).body.id;
      for (let i = 0; i < 5; i++) {
        const res = await v2('POST', '/v2/contacts', { email_addresses: [{ email_address: `member${i}@example.com` }], lists: i < 4 ? [{ id: list }] : [] });
        assert.equal(res.status, 201, errorMessages(res.body));
      }
      assert.equal((await v2<V2List>('GET', `/v2/lists/${list}`)).body.contact_count, 4);
      const emails: string[] = [];
      let path: string | undefined = `/v2/lists/${list}/contacts?limit=3`;
      while (path) {
        const page: { body: V2Page } = await v2<V2Page>('GET', path);
        emails.push(...page.body.results.map((c: V2Contact) => c.email_addresses[0]!.email_address));
        path = page.body.meta.pagination.next_link;
        if (path) assert.match(path, new RegExp(`^/v2/lists/${list}/contacts\\?next=[A-Za-z0-9_-]+$`));
      }
      assert.deepEqual(emails, ['member0@example.com', 'member1@example.com', 'member2@example.com', 'member3@example.com']);
      assert.equal((await v2('GET', '/v2/lists/9999/contacts')).status, 404);
      assert.equal((await v2('GET', `/v2/lists/${list}/contacts?limit=501`)).status, 400);
      const later = new Date(Date.now() + 60_000).toISOString();
      assert.deepEqual((await v2<V2Page>('GET', `/v2/lists/${list}/contacts?modified_since=${later}`)).body, { meta: { pagination: {} }, results: [] });
    });

    it('every call needs api_key, and it must be the token\'s app (401 with the error array), whatever REQUIRE_API_KEY says', async () => {
      const missing = await v2('GET', '/v2/lists', undefined, { apiKey: null });
      assert.equal(missing.status, 401);
      assert.match(errorMessages(missing.body), /api_key/);
      const wrong = await v2('GET', '/v2/lists', undefined, { apiKey: 'someone-elses-key' });
      assert.equal(wrong.status, 401);
      const anotherApp = await createAccountWithToken(server);
      assert.equal((await v2('GET', '/v2/lists', undefined, { apiKey: anotherApp.clientId })).status, 401);
      const noToken = await fetch(`${server.url}/v2/lists?api_key=${owner.clientId}`);
      assert.equal(noToken.status, 401);
      assert.equal(errorKey(await noToken.json()), 'http.status.authentication.invalid_token');
      // RB percent-encodes "-" and "." in the key: decoded normally.
      const encoded = owner.clientId.replaceAll('-', '%2D').replaceAll('.', '%2E');
      const rb = await fetch(`${server.url}/v2/lists?api_key=${encoded}`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
      assert.equal(rb.status, 200);
    });

    it('a token without contact_data gets 403', async () => {
      const narrow = await createAccountWithToken(server, { scope: 'account_read' });
      const res = await v2Client(server.url, narrow)('GET', '/v2/lists');
      assert.equal(res.status, 403);
    });
  });

  describe(`/v2 rate limits (${dialect})`, () => {
    let server: TestServer;
    let perSecond: TestServer;
    before(async () => {
      server = await startTestServer(dialect, { RATE_LIMIT_PER_DAY: '2' });
      perSecond = await startTestServer(dialect, { RATE_LIMIT_PER_SECOND: '1' });
    });
    after(async () => {
      await server.close();
      await perSecond.close();
    });

    it('answers over the per-second limit with 403 mashery.not.authorized.over.qps', async () => {
      const v2 = v2Client(perSecond.url, await createAccountWithToken(perSecond));
      const answers = await Promise.all([1, 2, 3].map(() => v2('GET', '/v2/lists')));
      const over = answers.find((a) => a.status !== 200);
      assert.equal(over?.status, 403);
      assert.equal(errorKey(over!.body), 'mashery.not.authorized.over.qps');
      assert.ok(over!.headers.get('retry-after'));
    });

    it('answers over the quota with 403 mashery.not.authorized.over.ratelimit and Retry-After, as v2 clients expect', async () => {
      const v2 = v2Client(server.url, await createAccountWithToken(server));
      assert.equal((await v2('GET', '/v2/lists')).status, 200);
      assert.equal((await v2('GET', '/v2/lists')).status, 200);
      const over = await v2('GET', '/v2/lists');
      assert.equal(over.status, 403);
      assert.equal(errorKey(over.body), 'mashery.not.authorized.over.ratelimit');
      assert.ok(Number(over.headers.get('retry-after')) > 0);
    });
  });
}
