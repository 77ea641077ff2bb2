import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { TestToken } from '../../../test/helpers/tokens.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import type { ApiTag } from './tags.repository.ts';

type Page = { tags: ApiTag[]; _links: { next?: { href: string } } };
const MISSING = '0b7e4c1a-2f5d-4e8b-9a6c-3d2e1f0a9b8c';

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/contact_tags (${dialect})`, () => {
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
      const res = await api<ApiTag>('POST', '/v3/contact_tags', body);
      assert.equal(res.status, 201, errorMessages(res.body));
      return res.body;
    };

    it('creates a tag with its source, ignores unknown fields and reads it back', async () => {
      const tag = await create({ name: 'VIP', tag_source: 'Import', contacts_count: 99, color: 'red' });
      assert.equal(tag.name, 'VIP');
      assert.equal(tag.tag_source, 'Import');
      assert.equal(tag.contacts_count, undefined);
      assert.equal('color' in tag, false);
      const read = await api<ApiTag>('GET', `/v3/contact_tags/${tag.tag_id}`);
      assert.deepEqual(read.body, tag);
      const counted = await api<ApiTag>('GET', `/v3/contact_tags/${tag.tag_id}?include_count=true`);
      assert.equal(counted.body.contacts_count, 0);
    });

    it('refuses bad input with 400 and duplicates with 409, writing nothing', async () => {
      const cases: [unknown, RegExp][] = [
        [{}, /name/],
        [{ name: '' }, /name is required/],
        [{ name: 'n'.repeat(256) }, /name/],
        [{ name: 'ok', tag_source: 's'.repeat(65) }, /tag_source/],
        [{ name: 'ok', tag_source: '' }, /tag_source/],
        [{ name: { first: 'a' } }, /name/],
      ];
      for (const [body, message] of cases) {
        const res = await api('POST', '/v3/contact_tags', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(errorMessages(res.body), message);
      }
      await create({ name: 'Once' });
      const dup = await api('POST', '/v3/contact_tags', { name: 'Once' });
      assert.equal(dup.status, 409);
      const names = (await api<Page>('GET', '/v3/contact_tags?limit=500')).body.tags.map((t) => t.name);
      assert.equal(names.filter((n) => n === 'Once').length, 1);
      assert.equal(names.includes('ok'), false);
      assert.equal((await api('POST', '/v3/contact_tags', undefined, { raw: 'name=x', headers: { 'content-type': 'text/plain' } })).status, 415);
      for (const path of ['/v3/contact_tags?limit=0', '/v3/contact_tags?limit=501', '/v3/contact_tags?include_count=2', '/v3/contact_tags/123']) {
        assert.equal((await api('GET', path)).status, 400, path);
      }
      assert.equal((await api('GET', `/v3/contact_tags/${MISSING}`)).status, 404);
    });

    it('renames with PUT, keeps the source, and answers 409 on a taken name', async () => {
      const tag = await create({ name: 'Lead', tag_source: 'Form' });
      await create({ name: 'Customer' });
      const put = await api<ApiTag>('PUT', `/v3/contact_tags/${tag.tag_id}`, { name: 'Prospect', tag_source: 'Changed' });
      assert.equal(put.status, 200, errorMessages(put.body));
      assert.equal(put.body.name, 'Prospect');
      assert.equal(put.body.tag_source, 'Form');
      assert.equal((await api('PUT', `/v3/contact_tags/${tag.tag_id}`, { name: 'Customer' })).status, 409);
      assert.equal((await api('PUT', `/v3/contact_tags/${tag.tag_id}`, { name: ' ' })).status, 400);
      assert.equal((await api('PUT', `/v3/contact_tags/${MISSING}`, { name: 'Ghost' })).status, 404);
      assert.equal((await api<ApiTag>('GET', `/v3/contact_tags/${tag.tag_id}`)).body.name, 'Prospect');
    });

    it('counts tagged contacts and untags them all when the tag is deleted (202 activity)', async () => {
      const tag = await create({ name: 'Donor' });
      const contacts = server.services.contacts;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const c = await contacts.createContact(owner.accountId, {
          email_address: { address: `donor${i}@example.com` },
          create_source: 'Account',
          taggings: [tag.tag_id],
        });
        ids.push(c.contact_id);
      }
      await contacts.deleteContact(owner.accountId, ids[2]!);
      const page = await api<Page>('GET', '/v3/contact_tags?include_count=true&limit=500');
      assert.equal(page.body.tags.find((t) => t.tag_id === tag.tag_id)?.contacts_count, 2);

      const del = await api<ApiActivity>('DELETE', `/v3/contact_tags/${tag.tag_id}`);
      assert.equal(del.status, 202);
      assert.equal(del.body.state, 'completed');
      assert.deepEqual(del.body.status, { items_total_count: 1, items_completed_count: 1, error_count: 0 });
      assert.deepEqual((await api('GET', del.body._links.self.href)).body, del.body);
      assert.equal((await api('GET', `/v3/contact_tags/${tag.tag_id}`)).status, 404);
      const left = await server.services.db.selectFrom('taggings').selectAll().where('tag_id', '=', tag.tag_id).execute();
      assert.equal(left.length, 0);
      const contact = await contacts.getContact(owner.accountId, ids[0]!, 'taggings');
      assert.deepEqual(contact.taggings, []);
      assert.equal((await api('DELETE', `/v3/contact_tags/${tag.tag_id}`)).status, 404);
    });

    it('pages by name with cursors that only fit their own query', async () => {
      for (const name of ['p-c', 'p-a', 'p-e', 'p-b', 'p-d']) await create({ name });
      const names: string[] = [];
      let path: string | undefined = '/v3/contact_tags?limit=2&include_count=true';
      let cursor = '';
      while (path) {
        const res: { status: number; body: Page } = await api<Page>('GET', path);
        assert.equal(res.status, 200, errorMessages(res.body));
        assert.ok(res.body.tags.every((t) => typeof t.contacts_count === 'number'), 'the cursor keeps include_count');
        names.push(...res.body.tags.map((t) => t.name));
        path = res.body._links.next?.href;
        cursor ||= path?.split('cursor=')[1] ?? '';
      }
      assert.deepEqual(names, [...names].sort());
      assert.equal(new Set(names).size, names.length);
      assert.ok(['p-a', 'p-b', 'p-c', 'p-d', 'p-e'].every((n) => names.includes(n)));
      assert.equal((await api('GET', `/v3/contact_tags?cursor=${cursor}&include_count=false`)).status, 400);
      assert.equal((await api('GET', `/v3/contact_tags?cursor=${cursor.slice(0, -2)}`)).status, 400);
      assert.equal((await api('GET', `/v3/contact_lists?cursor=${cursor}`)).status, 400);
      assert.equal((await other('GET', `/v3/contact_tags?cursor=${cursor}`)).status, 400);
    });

    it('hides tags from other accounts', async () => {
      const tag = await create({ name: 'Secret' });
      assert.equal((await other('GET', `/v3/contact_tags/${tag.tag_id}`)).status, 404);
      assert.equal((await other('PUT', `/v3/contact_tags/${tag.tag_id}`, { name: 'Mine now' })).status, 404);
      assert.equal((await other('DELETE', `/v3/contact_tags/${tag.tag_id}`)).status, 404);
      assert.equal((await other<Page>('GET', '/v3/contact_tags')).body.tags.some((t) => t.tag_id === tag.tag_id), false);
      // Tag names are unique per account, not across accounts.
      assert.equal((await other('POST', '/v3/contact_tags', { name: 'Secret' })).status, 201);
      assert.deepEqual((await api('GET', `/v3/contact_tags/${tag.tag_id}`)).body, tag);
    });
  });
}
