// Drives every contacts operation of the real SDK's BulkActivitiesApi (ctct-api-client) against the running
// server, polling each activity until it ends, as an integration that moves contacts in bulk would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BulkActivitiesApi, Configuration, ContactsApi, ContactListsApi, ContactTagsApi, ContactsCustomFieldsApi } from 'ctct-api-client';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken } from './helpers/tokens.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`ctct-api-client BulkActivitiesApi against Listgate (${dialect})`, () => {
    let server: TestServer;
    let config: Configuration;
    let bulk: BulkActivitiesApi;

    before(async () => {
      server = await startTestServer(dialect);
      const token = await createAccountWithToken(server);
      config = new Configuration({ basePath: `${server.url}/v3`, accessToken: token.accessToken });
      bulk = new BulkActivitiesApi(config);
    });
    after(() => server.close());

    /** Polls the activity as the SDK does until it completes; returns its last report. */
    async function completed(id: string | undefined) {
      assert.ok(id, 'the activity has an id');
      for (let i = 0; i < 400; i++) {
        const { data } = await bulk.getActivityById(id);
        if (data.state === 'completed') return data;
        assert.notEqual(data.state, 'failed', String(data.activity_errors));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`activity ${id} did not complete`);
    }

    it('runs every bulk contacts operation and polls it to completion', async () => {
      const lists = new ContactListsApi(config);
      const listA = (await lists.createList({ name: 'SDK bulk A' })).data.list_id;
      const listB = (await lists.createList({ name: 'SDK bulk B' })).data.list_id;
      const tag = (await new ContactTagsApi(config).postTag({ name: 'sdk-bulk' })).data.tag_id!;
      const field = (await new ContactsCustomFieldsApi(config).createCustomFields({ label: 'Plan', type: 'string' })).data.custom_field_id!;
      const contacts = new ContactsApi(config);

      const csv = new File(['email,first_name,cf:Plan\nsdk1@example.com,One,gold\nsdk2@example.com,Two,silver\nbad,Bad,\n'], 'contacts.csv', { type: 'text/csv' });
      const fileImport = await bulk.createCSVImportActivity(csv, listA);
      assert.equal(fileImport.status, 201);
      const imported = await completed(fileImport.data.activity_id);
      assert.equal(imported.status?.items_total_count, 3);
      assert.equal(imported.status?.error_count, 1);
      assert.match(String(imported.activity_errors?.[0]), /line 4, bad: invalid email address/);

      const jsonImport = await bulk.createImportJSONActivity({ import_data: [{ email: 'sdk3@example.com', first_name: 'Three' }], list_ids: [listA] });
      assert.equal(jsonImport.status, 201);
      await completed(jsonImport.data.activity_id);

      const members = async (listId: string) => (await contacts.getAllContacts(undefined, undefined, listId)).data.contacts?.map((c) => c.email_address?.address).sort() ?? [];
      assert.deepEqual(await members(listA), ['sdk1@example.com', 'sdk2@example.com', 'sdk3@example.com']);

      await completed((await bulk.createListAddActivity({ source: { list_ids: [listA] }, list_ids: [listB] })).data.activity_id);
      assert.deepEqual(await members(listB), ['sdk1@example.com', 'sdk2@example.com', 'sdk3@example.com']);
      await completed((await bulk.createListRemoveActivity({ source: { list_ids: [listB] }, list_ids: [listB] })).data.activity_id);
      assert.deepEqual(await members(listB), []);

      await completed((await bulk.createTagAddContactActivity({ source: { all_active_contacts: true }, tag_ids: [tag] })).data.activity_id);
      const tagged = async () => (await contacts.getAllContacts(undefined, undefined, undefined, undefined, tag)).data.contacts?.length ?? 0;
      assert.equal(await tagged(), 3);
      await completed((await bulk.createTagRemoveActivity({ source: { tag_ids: [tag] }, tag_ids: [tag] })).data.activity_id);
      assert.equal(await tagged(), 0);

      const exported = await completed((await bulk.createExportActivity({ list_ids: [listA], fields: ['email', 'first_name', 'cf:Plan'] })).data.activity_id);
      const href = exported._links?.results?.href;
      assert.equal(href, `/v3/contact_exports/${exported.activity_id}`);
      const file = await bulk.getCSVExportFile(exported.activity_id!);
      assert.equal(file.status, 200);
      assert.deepEqual(String(file.data).trim().split('\r\n').sort(), [
        'email,first_name,cf:Plan',
        'sdk1@example.com,One,gold',
        'sdk2@example.com,Two,silver',
        'sdk3@example.com,Three,',
      ].sort());

      await completed((await bulk.postCustomFieldDelete({ custom_field_ids: [field] })).data.activity_id);
      await completed((await bulk.createTagDeleteActivity({ tag_ids: [tag] })).data.activity_id);
      const deleted = await completed((await bulk.createDeleteActivity({ list_ids: [listA] })).data.activity_id);
      assert.equal(deleted.status?.items_completed_count, 3);
      assert.deepEqual(await members(listA), []);

      const all = await bulk.getAllActivities(50, 'completed');
      assert.equal(all.data.activities?.length, 10);
    });
  });
}
