import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import type { ApiList } from './lists.repository.ts';

type Page = { lists: ApiList[]; lists_count?: number; _links: { next?: { href: string } } };
const MISSING = '6f1c2b1e-0a4e-4c57-9d83-1b3f3c1d2e4f';

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/contact_lists (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let api: ApiCall;
    let other: ApiCall;

    before(async () => {
      server = await startTestServer(dialect);
      ({ owner, api, other } = await createOwnerAndOther(server));
    });
    after(() => server.close());

    const create = async (body: Record<string, unknown>) => {
      const res = await api<ApiList>('POST', '/v3/contact_lists', body);
      assert.equal(res.status, 201, errorMessages(res.body));
      return res.body;
    };

    it('creates a list (201), ignores unknown fields and reads it back', async () => {
      const list = await create({ name: ' Newsletter ', description: 'Monthly', favorite: true, owner_id: 'x', membership_count: 9 });
      assert.match(list.list_id, /^[0-9a-f-]{36}$/);
      assert.equal(list.name, 'Newsletter');
      assert.equal(list.favorite, true);
      assert.equal(list.description, 'Monthly');
      assert.equal('owner_id' in list, false);
      assert.equal('membership_count' in list, false);
      const read = await api<ApiList>('GET', `/v3/contact_lists/${list.list_id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, list);
    });

    it('refuses bad bodies with 400 naming the field, and writes nothing', async () => {
      const before = (await api<Page>('GET', '/v3/contact_lists?status=all&include_count=true')).body.lists_count;
      const cases: [unknown, RegExp][] = [
        [{}, /name/],
        [{ name: '   ' }, /name is required/],
        [{ name: 'x'.repeat(256) }, /name/],
        [{ name: 'bad\u0007name' }, /name/],
        [{ name: 'ok', favorite: 'maybe' }, /favorite/],
        [{ name: 'ok', description: 'x'.repeat(2001) }, /description/],
        [{ name: 'ok', description: { text: 'no' } }, /description/],
        [[{ name: 'array' }], /body/],
        ['just a string', /body/],
      ];
      for (const [body, message] of cases) {
        const res = await api('POST', '/v3/contact_lists', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal((res.body as { error_key: string }[])[0]?.error_key, 'contacts.api.validation.error');
        assert.match(errorMessages(res.body), message, JSON.stringify(body));
      }
      const after = (await api<Page>('GET', '/v3/contact_lists?status=all&include_count=true')).body.lists_count;
      assert.equal(after, before);
    });

    it('answers 415 for non-JSON bodies, 400 for broken JSON and 413 for oversized ones', async () => {
      const form = await api('POST', '/v3/contact_lists', undefined, {
        raw: 'name=Form',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 415);
      assert.match(errorMessages(form.body), /unsupported_media_type/);
      const text = await api('POST', '/v3/contact_lists', undefined, { raw: '{"name":"T"}', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.status, 415);
      const none = await api('POST', '/v3/contact_lists', undefined, { raw: '{"name":"N"}' });
      assert.equal(none.status, 415);
      const broken = await api('POST', '/v3/contact_lists', undefined, { raw: '{"name":', headers: { 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      const poisoned = await api('POST', '/v3/contact_lists', undefined, {
        raw: '{"name":"P","__proto__":{"admin":true}}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(poisoned.status, 400);
      const huge = await api('POST', '/v3/contact_lists', { name: 'Huge', description: 'x'.repeat(1024 * 1024) });
      assert.equal(huge.status, 413);
      assert.match(errorMessages(huge.body), /payload_too_large/);
      const names = (await api<Page>('GET', '/v3/contact_lists?status=all&limit=1000')).body.lists.map((l) => l.name);
      for (const name of ['Form', 'T', 'N', 'P', 'Huge']) assert.equal(names.includes(name), false, name);
    });

    it('answers 409 for a duplicate name, and frees the name once the list is deleted', async () => {
      const first = await create({ name: 'Customers' });
      const dup = await api('POST', '/v3/contact_lists', { name: 'Customers' });
      assert.equal(dup.status, 409);
      assert.match(errorMessages(dup.body), /already exists/);
      assert.equal((await api('DELETE', `/v3/contact_lists/${first.list_id}`)).status, 202);
      const again = await create({ name: 'Customers' });
      assert.notEqual(again.list_id, first.list_id);
    });

    it('replaces a list with PUT and refuses renames onto another list', async () => {
      const list = await create({ name: 'Before', description: 'old', favorite: true });
      await create({ name: 'Taken' });
      const put = await api<ApiList>('PUT', `/v3/contact_lists/${list.list_id}`, { name: 'After', list_id: MISSING });
      assert.equal(put.status, 200, errorMessages(put.body));
      assert.equal(put.body.list_id, list.list_id);
      assert.equal(put.body.name, 'After');
      assert.equal(put.body.favorite, false);
      assert.equal(put.body.description, undefined);
      const clash = await api('PUT', `/v3/contact_lists/${list.list_id}`, { name: 'Taken' });
      assert.equal(clash.status, 409);
      assert.equal((await api('PUT', `/v3/contact_lists/${list.list_id}`, { description: 'no name' })).status, 400);
      assert.equal((await api('PUT', `/v3/contact_lists/${MISSING}`, { name: 'Nobody' })).status, 404);
      assert.equal((await api<ApiList>('GET', `/v3/contact_lists/${list.list_id}`)).body.name, 'After');
    });

    it('validates ids and query parameters with 400', async () => {
      for (const path of [
        '/v3/contact_lists/not-a-uuid',
        '/v3/contact_lists?limit=0',
        '/v3/contact_lists?limit=1001',
        '/v3/contact_lists?limit=ten',
        '/v3/contact_lists?status=archived',
        '/v3/contact_lists?status=active,',
        '/v3/contact_lists?include_count=perhaps',
        '/v3/contact_lists?include_membership_count=some',
        `/v3/contact_lists/${MISSING}?include_membership_count=some`,
      ]) {
        const res = await api('GET', path);
        assert.equal(res.status, 400, path);
        assert.ok(errorMessages(res.body).length > 10, path);
      }
      assert.equal((await api('GET', '/v3/contact_lists?limit=1000')).status, 200);
      assert.equal((await api('GET', `/v3/contact_lists/${MISSING}`)).status, 404);
    });

    it('filters by name and status and counts with include_count', async () => {
      const gone = await create({ name: 'Old promo' });
      await api('DELETE', `/v3/contact_lists/${gone.list_id}`);
      const byName = await api<Page>('GET', '/v3/contact_lists?name=Old%20promo&status=all');
      assert.deepEqual(byName.body.lists.map((l) => l.list_id), [gone.list_id]);
      assert.ok(byName.body.lists[0]!.deleted_at);
      const active = await api<Page>('GET', '/v3/contact_lists?include_count=true&limit=1000');
      assert.equal(active.body.lists.some((l) => l.deleted_at), false);
      assert.equal(active.body.lists_count, active.body.lists.length);
      const deleted = await api<Page>('GET', '/v3/contact_lists?status=deleted&include_count=true');
      assert.ok(deleted.body.lists.every((l) => l.deleted_at));
      const all = await api<Page>('GET', '/v3/contact_lists?status=active,deleted&include_count=true');
      assert.equal(all.body.lists_count, (active.body.lists_count ?? 0) + (deleted.body.lists_count ?? 0));
      assert.equal((await api<Page>('GET', '/v3/contact_lists')).body.lists_count, undefined);
    });

    it('counts members (all or active) and removes them when the list is deleted', async () => {
      const list = await create({ name: 'Members' });
      const contacts = server.services.contacts;
      const ids: string[] = [];
      for (const [i, permission] of ['explicit', 'implicit', 'unsubscribed'].entries()) {
        const c = await contacts.createContact(owner.accountId, {
          email_address: { address: `member${i}@example.com`, permission_to_send: permission },
          create_source: 'Account',
          list_memberships: [list.list_id],
        });
        ids.push(c.contact_id);
      }
      const all = await api<ApiList>('GET', `/v3/contact_lists/${list.list_id}?include_membership_count=all`);
      assert.equal(all.body.membership_count, 3);
      const active = await api<Page>('GET', '/v3/contact_lists?include_membership_count=active&name=Members');
      assert.equal(active.body.lists[0]!.membership_count, 2);

      const db = server.services.db;
      const seqOf = async (id: string) =>
        Number((await db.selectFrom('contacts').select('change_seq').where('contact_id', '=', id).executeTakeFirstOrThrow()).change_seq);
      const contactSeqBefore = await seqOf(ids[0]!);
      const seqBefore = await db.selectFrom('accounts').select('change_seq').where('id', '=', owner.accountId).executeTakeFirstOrThrow();
      const del = await api<ApiActivity>('DELETE', `/v3/contact_lists/${list.list_id}`);
      assert.equal(del.status, 202);
      assert.equal(del.body.state, 'completed');
      assert.equal(del.body.percent_done, 100);
      assert.deepEqual(del.body.activity_errors, []);
      assert.deepEqual(del.body.status, { items_total_count: 1, items_completed_count: 1, error_count: 0, list_count: 1 });
      assert.equal(del.body._links.self.href, `/v3/activities/${del.body.activity_id}`);
      const report = await api<ApiActivity>('GET', del.body._links.self.href);
      assert.deepEqual(report.body, del.body);

      const members = await db.selectFrom('list_memberships').selectAll().where('list_id', '=', list.list_id).execute();
      assert.equal(members.length, 0);
      const logged = await db
        .selectFrom('contact_changes')
        .select(['contact_id', 'kind', 'list_id', 'seq'])
        .where('account_id', '=', owner.accountId)
        .where('seq', '>', Number(seqBefore.change_seq))
        .execute();
      assert.deepEqual(logged.map((r) => r.contact_id).sort(), [...ids].sort());
      assert.ok(logged.every((r) => r.kind === 'list_removed' && r.list_id === list.list_id));
      const contact = await contacts.getContact(owner.accountId, ids[0]!, 'list_memberships');
      assert.deepEqual(contact.list_memberships, []);
      assert.ok((await seqOf(ids[0]!)) > contactSeqBefore, 'the contact moved forward in the change sequence');
      assert.ok(contact.updated_at >= report.body.created_at);

      assert.equal((await api('DELETE', `/v3/contact_lists/${list.list_id}`)).status, 404);
      assert.equal((await api('PUT', `/v3/contact_lists/${list.list_id}`, { name: 'Revived' })).status, 404);
      const read = await api<ApiList>('GET', `/v3/contact_lists/${list.list_id}?include_membership_count=all`);
      assert.equal(read.status, 200);
      assert.equal(read.body.membership_count, 0);
      assert.ok(read.body.deleted_at);
    });

    it('pages with tamper-proof cursors bound to their query and account', async () => {
      for (let i = 0; i < 5; i++) await create({ name: `Paged ${i}` });
      const seen: string[] = [];
      let path: string | undefined = '/v3/contact_lists?limit=2';
      let pages = 0;
      let firstNext = '';
      while (path) {
        const res: { status: number; body: Page } = await api<Page>('GET', path);
        assert.equal(res.status, 200, errorMessages(res.body));
        assert.ok(res.body.lists.length <= 2);
        seen.push(...res.body.lists.map((l) => l.list_id));
        path = res.body._links.next?.href;
        if (path) assert.match(path, /^\/v3\/contact_lists\?cursor=[\w.-]+$/);
        firstNext ||= path ?? '';
        pages++;
      }
      const everything = await api<Page>('GET', '/v3/contact_lists?limit=1000');
      assert.deepEqual(seen, everything.body.lists.map((l) => l.list_id));
      assert.equal(new Set(seen).size, seen.length);
      assert.equal(pages, Math.ceil(seen.length / 2));

      const cursor = firstNext.split('cursor=')[1]!;
      const [data, mac] = cursor.split('.');
      const forged = `${Buffer.from(JSON.stringify({ q: { limit: 1000 }, p: { c: '', i: '' } })).toString('base64url')}.${mac}`;
      for (const bad of [`${data}x.${mac}`, forged, 'garbage', `${data}.`, `${cursor}.extra`]) {
        const res = await api('GET', `/v3/contact_lists?cursor=${encodeURIComponent(bad)}`);
        assert.equal(res.status, 400, bad);
        assert.match(errorMessages(res.body), /cursor/);
      }
      assert.equal((await api('GET', `/v3/contact_lists?cursor=${cursor}&limit=3`)).status, 400);
      assert.equal((await api('GET', `/v3/contact_lists?cursor=${cursor}&limit=2`)).status, 200);
      assert.equal((await api('GET', `/v3/contact_tags?cursor=${cursor}`)).status, 400);
      assert.equal((await other('GET', `/v3/contact_lists?cursor=${cursor}`)).status, 400);
    });

    it('keeps accounts apart: another account gets 404 and its calls change nothing', async () => {
      const mine = await create({ name: 'Private' });
      assert.equal((await other('GET', `/v3/contact_lists/${mine.list_id}`)).status, 404);
      assert.equal((await other('PUT', `/v3/contact_lists/${mine.list_id}`, { name: 'Stolen' })).status, 404);
      assert.equal((await other('DELETE', `/v3/contact_lists/${mine.list_id}`)).status, 404);
      assert.equal((await other<Page>('GET', '/v3/contact_lists?name=Private')).body.lists.length, 0);
      const read = await api<ApiList>('GET', `/v3/contact_lists/${mine.list_id}`);
      assert.deepEqual(read.body, mine);
    });

    it('requires a bearer token (401) with the contact_data scope (403)', async () => {
      const anonymous = apiClient(server.url, null);
      const res = await anonymous('GET', '/v3/contact_lists');
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      const narrow = apiClient(server.url, await createAccountWithToken(server, { scope: 'account_read' }));
      assert.equal((await narrow('GET', '/v3/contact_lists')).status, 403);
      assert.equal((await narrow('POST', '/v3/contact_lists', { name: 'Nope' })).status, 403);
    });
  });
}
