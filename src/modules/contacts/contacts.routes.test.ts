import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, type ApiError, apiClient, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';

type Contact = {
  contact_id: string;
  first_name?: string;
  email_address?: { address: string; permission_to_send: string };
  list_memberships?: string[];
  updated_at: string;
};
type Page = { contacts: Contact[]; contacts_count?: number; _links?: { next: { href: string } } };

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/contacts (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let other: ApiCall;
    let list: string;
    before(async () => {
      server = await startTestServer(dialect);
      ({ api, other } = await createOwnerAndOther(server));
      const created = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Newsletter' });
      assert.equal(created.status, 201, created.text);
      list = created.body.list_id;
    });
    after(() => server.close());

    it('creates (201), reads, replaces and soft-deletes (204) a contact', async () => {
      const created = await api<Contact>('POST', '/v3/contacts', {
        create_source: 'Account',
        email_address: { address: 'grace@example.com', permission_to_send: 'explicit' },
        first_name: 'Grace',
        list_memberships: [list],
        secret_field: 'ignored',
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.email_address?.permission_to_send, 'explicit');
      assert.deepEqual(created.body.list_memberships, [list]);
      assert.equal('secret_field' in (created.body as object), false);
      const id = created.body.contact_id;

      const read = await api<Contact>('GET', `/v3/contacts/${id}?include=list_memberships`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body.list_memberships, [list]);

      const put = await api<Contact>('PUT', `/v3/contacts/${id}`, {
        update_source: 'Account',
        first_name: 'Grace H.',
        email_address: { address: 'grace@example.com' },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.first_name, 'Grace H.');

      const dup = await api('POST', '/v3/contacts', {
        create_source: 'Contact',
        email_address: { address: 'GRACE@example.com' },
      });
      assert.equal(dup.status, 409);
      assert.deepEqual(dup.body, [
        { error_key: 'contacts.api.conflict', error_message: `Email already exists for contact ${id}` },
      ]);
      assert.equal((await api('DELETE', `/v3/contacts/${id}`)).status, 204);
      assert.equal((await api('DELETE', `/v3/contacts/${id}`)).status, 404);
      const deleted = await api<Page>('GET', '/v3/contacts?status=deleted');
      assert.deepEqual(
        deleted.body.contacts.map((c) => c.contact_id),
        [id],
      );
      assert.equal(
        (
          await api('POST', '/v3/contacts', {
            create_source: 'Contact',
            email_address: { address: 'grace@example.com' },
          })
        ).status,
        409,
      );
      const revived = await api<ApiError>('POST', '/v3/contacts', {
        create_source: 'Contact',
        email_address: { address: 'grace@example.com' },
      });
      assert.equal(revived.body[0]?.error_message, `Email already exists for contact ${id}`, 'deleted ones too');
    });

    it('reports every validation problem of a request at once, in the dialect\'s error keys', async () => {
      const schema = await api<ApiError>('POST', '/v3/contacts', {
        create_source: 'Account',
        first_name: 'x'.repeat(300),
        birthday_month: 13,
        birthday_day: 1,
      });
      assert.equal(schema.status, 400, schema.text);
      assert.equal(schema.body.length, 2, schema.text);
      assert.ok(schema.body.every((e) => e.error_key === 'contacts.api.validation.error'));
      assert.match(errorMessages(schema.body), /first_name.*birthday_month/);
      const rules = await api<ApiError>('POST', '/v3/contacts', {
        create_source: 'Account',
        email_address: { address: 'not-an-address' },
        anniversary: '2026-02-30',
        birthday_month: 5,
      });
      assert.equal(rules.status, 400, rules.text);
      for (const field of ['email_address.address', 'birthday_month', 'anniversary']) {
        assert.ok(rules.body.some((e) => e.error_message.startsWith(field)), `${field}: ${rules.text}`);
      }
      const missing = await api<ApiError>('GET', '/v3/contacts/6f1c2b1e-0a4e-4c57-9d83-1b3f3c1d2e4f');
      assert.deepEqual(missing.body, [{ error_key: 'contacts.api.not_found', error_message: 'Contact not found' }]);
    });

    it('answers 400 naming the field, 404 for ids of other accounts, 415 for non-JSON bodies', async () => {
      const bad = await api('POST', '/v3/contacts', { create_source: 'Robot', first_name: 'x' });
      assert.equal(bad.status, 400);
      assert.match(errorMessages(bad.body), /create_source/);
      const noName = await api('POST', '/v3/contacts', { create_source: 'Contact' });
      assert.equal(noName.status, 400);
      assert.match(errorMessages(noName.body), /email_address/);
      assert.equal((await api('GET', '/v3/contacts/not-a-uuid')).status, 400);
      assert.match(errorMessages((await api('GET', '/v3/contacts?limit=501')).body), /limit/);
      assert.match(errorMessages((await api('GET', '/v3/contacts?include=everything')).body), /include/);
      assert.match(
        errorMessages((await api('GET', '/v3/contacts?created_after=31-12-2020')).body),
        /created_after/,
      );
      const form = await api('POST', '/v3/contacts', undefined, {
        raw: 'first_name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 415);

      const theirs = await other<Contact>('POST', '/v3/contacts', {
        create_source: 'Contact',
        first_name: 'Private',
      });
      assert.equal(theirs.status, 201);
      for (const method of ['GET', 'DELETE'] as const) {
        const res = await api(method, `/v3/contacts/${theirs.body.contact_id}`);
        assert.equal(res.status, 404, `${method}`);
      }
      const put = await api('PUT', `/v3/contacts/${theirs.body.contact_id}`, {
        update_source: 'Account',
        first_name: 'Mine',
      });
      assert.equal(put.status, 404);
      assert.equal(
        (await other<Contact>('GET', `/v3/contacts/${theirs.body.contact_id}`)).body.first_name,
        'Private',
      );
      const foreignList = await api('POST', '/v3/contacts', {
        create_source: 'Contact',
        first_name: 'x',
        list_memberships: [theirs.body.contact_id],
      });
      assert.equal(foreignList.status, 400);
    });

    it('follows _links.next.href across pages and refuses a tampered cursor', async () => {
      const own = apiClient(server.url, await createAccountWithToken(server));
      for (let i = 0; i < 5; i++)
        await own('POST', '/v3/contacts', {
          create_source: 'Account',
          email_address: { address: `page${i}@example.com` },
        });
      const seen: string[] = [];
      let res = await own<Page>('GET', '/v3/contacts?limit=2&include_count=true');
      assert.equal(res.body.contacts_count, 5);
      for (;;) {
        assert.equal(res.status, 200, res.text);
        seen.push(...res.body.contacts.map((c) => c.email_address!.address));
        const next = res.body._links?.next.href;
        if (!next) break;
        assert.match(next, /^\/v3\/contacts\?cursor=[\w-]+\.[\w-]+$/);
        res = await own<Page>('GET', next);
      }
      assert.deepEqual(
        seen,
        [0, 1, 2, 3, 4].map((i) => `page${i}@example.com`),
      );
      const first = await own<Page>('GET', '/v3/contacts?limit=2');
      const href = first.body._links!.next.href;
      const tampered = await own('GET', `${href.slice(0, -3)}AAA`);
      assert.equal(tampered.status, 400);
      assert.equal((await api('GET', href)).status, 400);
    });

    it('carries the longest filters (25 lists, 50 tags) in cursors that still work', async () => {
      const own = apiClient(server.url, await createAccountWithToken(server));
      const ownList = (await own<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Long' })).body
        .list_id;
      const tag = (await own<{ tag_id: string }>('POST', '/v3/contact_tags', { name: 'vip' })).body.tag_id;
      for (let i = 0; i < 3; i++) {
        const res = await own('POST', '/v3/contacts', {
          create_source: 'Account',
          first_name: `L${i}`,
          list_memberships: [ownList],
          taggings: [tag],
        });
        assert.equal(res.status, 201, res.text);
      }
      const filler = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());
      const query = new URLSearchParams({
        lists: [ownList, ...filler(24)].join(','),
        tags: [tag, ...filler(49)].join(','),
        updated_after: '2000-01-01T00:00:00Z',
        include: 'custom_fields,list_memberships,notes,phone_numbers,street_addresses,taggings',
        limit: '1',
      });
      const names: string[] = [];
      let res = await own<Page>('GET', `/v3/contacts?${query}`);
      for (;;) {
        assert.equal(res.status, 200, res.text);
        names.push(...res.body.contacts.map((c) => c.first_name!));
        if (!res.body._links) break;
        assert.ok(res.body._links.next.href.length > 4096);
        res = await own<Page>('GET', res.body._links.next.href);
      }
      assert.deepEqual(names, ['L0', 'L1', 'L2']);
    });

    it('signs up by email (201 then 200) and counts contacts', async () => {
      const own = apiClient(server.url, await createAccountWithToken(server));
      const ownList = (await own<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Signups' })).body
        .list_id;
      const first = await own<{ contact_id: string; action: string }>('POST', '/v3/contacts/sign_up_form', {
        email_address: 'fan@example.com',
        list_memberships: [ownList],
      });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.action, 'created');
      const again = await own<{ contact_id: string; action: string }>('POST', '/v3/contacts/sign_up_form', {
        email_address: 'fan@example.com',
        list_memberships: [ownList],
        first_name: 'Fan',
      });
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, { contact_id: first.body.contact_id, action: 'updated' });
      const counts = await own('GET', '/v3/contacts/counts?include=new_subscriber');
      assert.deepEqual(counts.body, {
        total: 1,
        explicit: 1,
        implicit: 0,
        pending: 0,
        unsubscribed: 0,
        new_subscriber: 1,
      });
    });

    it('serves the change feed with a sync token', async () => {
      const own = apiClient(server.url, await createAccountWithToken(server));
      const a = (await own<Contact>('POST', '/v3/contacts', { create_source: 'Account', first_name: 'A' }))
        .body;
      const start = await own<{
        changes: { seq: number; change: string }[];
        next_sync_token: string;
        more: boolean;
      }>('GET', '/v3/contacts/changes?limit=10');
      assert.equal(start.status, 200, start.text);
      assert.deepEqual(
        start.body.changes.map((c) => c.change),
        ['created'],
      );
      assert.equal(start.body.more, false);
      await own('DELETE', `/v3/contacts/${a.contact_id}`);
      type Change = {
        seq: number;
        change: string;
        changed_at: string;
        contact: { contact_id: string; status?: string; deleted_at?: string };
      };
      const next = await own<{ changes: Change[] }>(
        'GET',
        `/v3/contacts/changes?sync_token=${start.body.next_sync_token}`,
      );
      const [gone] = next.body.changes;
      assert.deepEqual(next.body.changes, [
        {
          seq: 2,
          change: 'deleted',
          changed_at: gone!.changed_at,
          contact: { contact_id: a.contact_id, status: 'deleted', deleted_at: gone!.changed_at },
        },
      ]);
      const foreign = await api('GET', `/v3/contacts/changes?sync_token=${start.body.next_sync_token}`);
      assert.equal(foreign.status, 400);
      assert.match(errorMessages(foreign.body), /full sync/);
    });

    it('refuses requests without a token or without the contact_data scope', async () => {
      const anonymous = apiClient(server.url, null);
      assert.equal((await anonymous('GET', '/v3/contacts')).status, 401);
      const narrow = apiClient(server.url, await createAccountWithToken(server, { scope: 'account_read' }));
      assert.equal((await narrow('GET', '/v3/contacts')).status, 403);
    });
  });
}
