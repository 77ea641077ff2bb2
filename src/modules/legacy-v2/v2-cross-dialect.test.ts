// One contact, two dialects: what v2 writes, v3 reads and changes and v2 reads back, with nothing lost either
// way (a v2 full replace keeps the v3-only data it cannot express), and a v3 delete reaches v2 sync clients.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import type { ContactView } from '../contacts/contact-view.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2Page } from './v2-contacts.service.ts';

const ALL = 'custom_fields,list_memberships,phone_numbers,street_addresses,taggings,notes';

for (const dialect of TEST_DIALECTS) {
  describe(`v2 and v3 over one contact (${dialect})`, () => {
    let server: TestServer;
    let v2: V2Call;
    let v3: ApiCall;

    before(async () => {
      server = await startTestServer(dialect);
      const owner = await createAccountWithToken(server);
      v2 = v2Client(server.url, owner);
      v3 = apiClient(server.url, owner);
    });
    after(() => server.close());

    it('a contact created in v2 is read and updated in v3 and back, with nothing lost', async () => {
      const list = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Both' })).body.id;
      const created = await v2<V2Contact>('POST', '/v2/contacts?include_contact_id=true', {
        email_addresses: [{ email_address: 'both@example.com' }],
        first_name: 'Grace',
        home_phone: '555-0100',
        lists: [{ id: list }],
        addresses: [{ address_type: 'BUSINESS', line1: '1 Navy Way', city: 'Arlington', state_code: 'VA', country_code: 'us', postal_code: '22201' }],
        custom_fields: [{ name: 'CustomField4', value: 'admiral' }],
        notes: [{ note: 'compiler' }],
      });
      assert.equal(created.status, 201, errorMessages(created.body));
      const id = created.body.contact_id!;

      // v3 sees every part, and the v2 slots under their own names.
      const seen = (await v3<ContactView>('GET', `/v3/contacts/${id}?include=${ALL}`)).body;
      assert.equal(seen.first_name, 'Grace');
      assert.deepEqual(seen.phone_numbers!.map((p) => [p.kind, p.phone_number]), [['home', '555-0100']]);
      assert.deepEqual(seen.street_addresses!.map((a) => [a.kind, a.street, a.state, a.country]), [['work', '1 Navy Way', 'VA', 'US']]);
      assert.equal(seen.notes![0]!.content, 'compiler');
      const xref = await v3<{ xrefs: { list_id: string }[] }>('GET', `/v3/contact_lists/list_id_xrefs?sequence_ids=${list}`);
      assert.deepEqual(seen.list_memberships, [xref.body.xrefs[0]!.list_id]);
      const cf = await v3<{ custom_fields: { custom_field_id: string; name: string }[] }>('GET', '/v3/contact_custom_fields');
      const slot4 = cf.body.custom_fields.find((f) => f.name === 'CustomField4')!.custom_field_id;
      assert.deepEqual(seen.custom_fields, [{ custom_field_id: slot4, value: 'admiral' }]);

      // v3 adds what v2 cannot express: a birthday, a tag, a custom field of its own, an `other` address.
      const tag = (await v3<{ tag_id: string }>('POST', '/v3/contact_tags', { name: 'navy' })).body.tag_id;
      const own = (await v3<{ custom_field_id: string }>('POST', '/v3/contact_custom_fields', { label: 'Rank', type: 'string' })).body.custom_field_id;
      const put3 = await v3('PUT', `/v3/contacts/${id}`, {
        ...seen,
        update_source: 'Account',
        last_name: 'Hopper',
        birthday_month: 12,
        birthday_day: 9,
        taggings: [tag],
        custom_fields: [...seen.custom_fields!, { custom_field_id: own, value: 'Rear Admiral' }],
        street_addresses: [...seen.street_addresses!, { kind: 'other', street: 'Summer house', city: 'Wolfeboro' }],
      });
      assert.equal(put3.status, 200, errorMessages(put3.body));

      // v2 reads the change, then writes back the object it read (an SDK's update) and changes its own fields.
      const read2 = (await v2<V2Contact>('GET', `/v2/contacts/${created.body.id}`)).body;
      assert.equal(read2.last_name, 'Hopper');
      assert.deepEqual(read2.custom_fields, [{ name: 'CustomField4', value: 'admiral' }]);
      assert.deepEqual(read2.addresses.map((a) => a.address_type), ['BUSINESS']);
      const put2 = await v2<V2Contact>('PUT', `/v2/contacts/${created.body.id}`, {
        ...read2,
        first_name: 'Amazing Grace',
        custom_fields: [{ name: 'CustomField4', value: 'commodore' }],
        addresses: [{ address_type: 'PERSONAL', line1: '2 Home St', city: 'New York' }],
      });
      assert.equal(put2.status, 200, errorMessages(put2.body));

      const after = (await v3<ContactView>('GET', `/v3/contacts/${id}?include=${ALL}`)).body;
      assert.equal(after.first_name, 'Amazing Grace');
      assert.equal(after.last_name, 'Hopper');
      assert.deepEqual([after.birthday_month, after.birthday_day], [12, 9]);
      assert.deepEqual(after.taggings, [tag]);
      assert.deepEqual(
        after.custom_fields!.map((c) => [c.custom_field_id, c.value]).sort(),
        [[slot4, 'commodore'], [own, 'Rear Admiral']].sort(),
      );
      assert.deepEqual(after.street_addresses!.map((a) => a.kind).sort(), ['home', 'other']);
      assert.equal(after.notes![0]!.content, 'compiler');
      assert.deepEqual(after.list_memberships, seen.list_memberships);
    });

    it('a v3 delete is seen by a v2 modified_since walk (OPTOUT), and the change feed records v2 writes', async () => {
      const c = (await v2<V2Contact>('POST', '/v2/contacts?include_contact_id=true', { email_addresses: [{ email_address: 'gone@example.com' }] })).body;
      const since = c.modified_date;
      const feed0 = (await v3<{ next_sync_token: string }>('GET', '/v3/contacts/changes')).body.next_sync_token;
      assert.equal((await v3('DELETE', `/v3/contacts/${c.contact_id}`)).status, 204);
      const walk = (await v2<V2Page>('GET', `/v2/contacts?modified_since=${since}`)).body.results;
      const found = walk.find((r) => r.id === c.id);
      assert.equal(found?.status, 'OPTOUT');
      assert.ok(found!.modified_date > since);
      assert.equal((await v2<V2Contact>('GET', `/v2/contacts/${c.id}`)).body.status, 'OPTOUT');
      // And the other way round: a v2 unsubscribe reaches the v3 change feed.
      const d = (await v2<V2Contact>('POST', '/v2/contacts?include_contact_id=true', { email_addresses: [{ email_address: 'leaves@example.com' }] })).body;
      assert.equal((await v2('DELETE', `/v2/contacts/${d.id}`)).status, 204);
      const feed = await v3<{ changes: { contact_id?: string; contact?: { contact_id: string; email_address?: { permission_to_send: string } } }[] }>(
        'GET',
        `/v3/contacts/changes?sync_token=${feed0}`,
      );
      assert.equal(feed.status, 200, errorMessages(feed.body));
      const text = JSON.stringify(feed.body);
      assert.ok(text.includes(c.contact_id!) && text.includes(d.contact_id!));
      const v3d = (await v3<ContactView>('GET', `/v3/contacts/${d.contact_id}`)).body;
      assert.equal(v3d.email_address!.permission_to_send, 'unsubscribed');
    });
  });
}
