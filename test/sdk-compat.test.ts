// Drives the real generated v3 SDK (ctct-api-client) against the running server: only the base path and
// the token change, as an existing integration would. Pages are followed through `_links.next.href`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BulkActivitiesApi,
  Configuration,
  ContactListsApi,
  ContactsApi,
  ContactsCustomFieldsApi,
  ContactTagsApi,
  type GetContactByIdIncludeEnum,
} from 'ctct-api-client';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';

type Links = { _links?: { next?: { href?: string } } };

/** The cursor of `_links.next.href`, or null on the last page. */
function nextCursor(page: Links): string | null {
  const href = page._links?.next?.href;
  if (!href) return null;
  assert.match(href, /^\/v3\/[a-z_]+\?cursor=/);
  return new URL(href, 'http://x').searchParams.get('cursor');
}

/** Walks every page: the first call as the SDK makes it, then each next page with the cursor alone. */
async function walk<P extends Links, T>(first: () => Promise<{ data: P }>, next: (cursor: string) => Promise<{ data: P }>, items: (p: P) => T[]) {
  const all: T[] = [];
  let page = (await first()).data;
  let pages = 1;
  for (;;) {
    all.push(...items(page));
    const cursor = nextCursor(page);
    if (!cursor) return { all, pages };
    page = (await next(cursor)).data;
    pages++;
  }
}

async function status(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
    return { status: 200, data: null };
  } catch (error) {
    const response = (error as { response?: { status: number; data: unknown } }).response;
    if (!response) throw error;
    return response;
  }
}

for (const dialect of TEST_DIALECTS) {
  describe(`ctct-api-client SDK against Listgate (${dialect})`, () => {
    let server: TestServer;
    let token: TestToken;
    let config: Configuration;
    const cursor = (value: string) => ({ params: { cursor: value } });

    before(async () => {
      server = await startTestServer(dialect);
      token = await createAccountWithToken(server);
      config = new Configuration({
        basePath: `${server.url}/v3`,
        accessToken: token.accessToken,
        baseOptions: { headers: { 'x-api-key': token.clientId } },
      });
    });
    after(() => server.close());

    it('manages contact lists and follows their pages', async () => {
      const api = new ContactListsApi(config);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api.createList({ name: `SDK list ${i}`, favorite: i === 0, description: `List ${i}` });
        assert.equal(res.status, 201);
        ids.push(res.data.list_id);
      }
      const { all, pages } = await walk(
        () => api.getAllLists(2, true, 'all'),
        (c) => api.getAllLists(undefined, undefined, undefined, undefined, undefined, undefined, undefined, cursor(c)),
        (p) => p.lists ?? [],
      );
      assert.deepEqual(all.map((l) => l.list_id), ids);
      assert.equal(pages, 3);
      assert.ok(all.every((l) => l.membership_count === 0), 'the cursor keeps include_membership_count');

      const one = await api.getList(ids[0]!, 'active');
      assert.equal(one.data.name, 'SDK list 0');
      assert.equal(one.data.favorite, true);
      const put = await api.updateList(ids[0]!, { name: 'SDK renamed', favorite: false });
      assert.equal(put.data.name, 'SDK renamed');
      const del = await api.deleteList(ids[4]!);
      assert.equal(del.status, 202);
      assert.equal(del.data.state, 'completed');
      const activity = await new BulkActivitiesApi(config).getActivityById(del.data.activity_id!);
      assert.equal(activity.data.state, 'completed');
      assert.equal(activity.data.percent_done, 100);
      assert.equal(activity.data.status?.list_count, 1);
      const activities = await new BulkActivitiesApi(config).getAllActivities(50, 'completed');
      assert.ok(activities.data.activities?.some((a) => a.activity_id === del.data.activity_id));

      const missing = await status(api.getList('6f1c2b1e-0a4e-4c57-9d83-1b3f3c1d2e4f'));
      assert.equal(missing.status, 404);
      assert.deepEqual(Object.keys((missing.data as object[])[0]!), ['error_key', 'error_message']);
    });

    it('manages tags with counts and follows their pages', async () => {
      const api = new ContactTagsApi(config);
      const ids: string[] = [];
      for (const name of ['sdk-c', 'sdk-a', 'sdk-b']) ids.push((await api.postTag({ name, tag_source: 'SDK' })).data.tag_id!);
      const { all } = await walk(
        () => api.getAllTags(1, true),
        (c) => api.getAllTags(undefined, undefined, cursor(c)),
        (p) => p.tags ?? [],
      );
      assert.deepEqual(all.map((t) => t.name), ['sdk-a', 'sdk-b', 'sdk-c']);
      assert.ok(all.every((t) => t.contacts_count === 0));
      assert.equal((await api.getTag(ids[0]!, true)).data.tag_source, 'SDK');
      assert.equal((await api.putTag(ids[0]!, { name: 'sdk-z' })).data.name, 'sdk-z');
      const del = await api.deleteTag(ids[1]!);
      assert.equal(del.status, 202);
      assert.equal(del.data.state, 'completed');
      assert.equal((await status(api.getTag(ids[1]!))).status, 404);
      assert.equal((await status(api.postTag({ name: 'sdk-z' }))).status, 409);
    });

    it('manages custom fields and follows their pages', async () => {
      const api = new ContactsCustomFieldsApi(config);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api.createCustomFields({ label: `SDK field ${i}`, type: 'string' });
        assert.equal(res.status, 201);
        ids.push(res.data.custom_field_id!);
      }
      const select = await api.createCustomFields({
        label: 'SDK size',
        type: 'single_select',
        choices: [{ choice_label: 'S' }, { choice_label: 'M' }],
      });
      assert.deepEqual(select.data.choices?.map((c) => c.choice_label), ['S', 'M']);
      const { all, pages } = await walk(
        () => api.getAllCustomFields(2),
        (c) => api.getAllCustomFields(undefined, cursor(c)),
        (p) => p.custom_fields ?? [],
      );
      assert.equal(all.length, 4);
      assert.equal(pages, 2);
      assert.equal((await api.getCustomField(ids[0]!)).data.name, 'SDK_field_0');
      assert.equal((await api.updateCustomField(ids[0]!, { label: 'SDK first' })).data.label, 'SDK first');
      assert.equal((await api.deleteCustomField(ids[2]!)).status, 204);
      assert.equal((await status(api.getCustomField(ids[2]!))).status, 404);
    });

    it('manages contacts with lists, tags and custom fields, and follows their pages', async (t) => {
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      if (!doc.paths['/v3/contacts']) return t.skip('the contacts routes are not registered');
      const contacts = new ContactsApi(config);
      const list = (await new ContactListsApi(config).createList({ name: 'SDK members' })).data.list_id;
      const tag = (await new ContactTagsApi(config).postTag({ name: 'sdk-member' })).data.tag_id!;
      const field = (await new ContactsCustomFieldsApi(config).createCustomFields({ label: 'SDK pet', type: 'string' })).data
        .custom_field_id!;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await contacts.createContact({
          email_address: { address: `sdk${i}@example.com`, permission_to_send: 'implicit' },
          first_name: `Sdk${i}`,
          create_source: 'Account',
          list_memberships: [list],
          taggings: [tag],
          custom_fields: [{ custom_field_id: field, value: `pet ${i}` }],
        });
        assert.equal(res.status, 201);
        ids.push(res.data.contact_id!);
      }
      const include = 'custom_fields,list_memberships,taggings' as GetContactByIdIncludeEnum;
      const one = await contacts.getContactById(ids[0]!, include);
      assert.deepEqual(one.data.list_memberships, [list]);
      assert.deepEqual(one.data.taggings, [tag]);
      assert.deepEqual(one.data.custom_fields, [{ custom_field_id: field, value: 'pet 0' }]);

      const { all, pages } = await walk(
        () => contacts.getAllContacts(undefined, undefined, list, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, true, 2),
        (c) =>
          contacts.getAllContacts(
            undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
            undefined, undefined, undefined, undefined, undefined, undefined, undefined, cursor(c),
          ),
        (p) => p.contacts ?? [],
      );
      assert.deepEqual(all.map((c) => c.contact_id).sort(), [...ids].sort());
      assert.equal(pages, 3);

      const updated = await contacts.updateContact(ids[0]!, {
        email_address: { address: 'sdk0@example.com' },
        first_name: 'Renamed',
        update_source: 'Account',
        list_memberships: [list],
      });
      assert.equal(updated.data.first_name, 'Renamed');
      const signUp = await contacts.createOrUpdateContact({ email_address: 'new.sdk@example.com', list_memberships: [list] });
      assert.equal(signUp.status, 201);
      assert.equal(signUp.data.action, 'created');
      const again = await contacts.createOrUpdateContact({ email_address: 'new.sdk@example.com', list_memberships: [list] });
      assert.equal(again.status, 200);
      assert.equal(again.data.action, 'updated');
      assert.equal((await contacts.deleteContact(ids[4]!)).status, 204);
      assert.equal((await status(contacts.createContact({ email_address: { address: 'sdk4@example.com' }, create_source: 'Account' }))).status, 409);
      const counts = await contacts.getContactCounts();
      // Five created, one deleted, one signed up: five left, four of them implicit.
      assert.equal(counts.data.total, 5);
      assert.equal(counts.data.implicit, 4);
      assert.equal((await new ContactListsApi(config).getList(list, 'all')).data.membership_count, 5);
      assert.equal((await new ContactTagsApi(config).getTag(tag, true)).data.contacts_count, 4);
    });
  });
}
