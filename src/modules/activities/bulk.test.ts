import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { TestToken } from '../../../test/helpers/tokens.ts';
import type { ApiActivity } from './activities.repository.ts';

type Contact = { contact_id: string; email_address: { address: string; permission_to_send: string }; first_name?: string; list_memberships?: string[]; taggings?: string[]; custom_fields?: { value: string }[] };

for (const dialect of TEST_DIALECTS) {
  describe(`bulk activities (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let owner: TestToken;
    let listId: string;
    let foreignList: string;

    before(async () => {
      server = await startTestServer(dialect, { IMPORT_MAX_BYTES: '4096' });
      let other: ApiCall;
      ({ api, other, owner } = await createOwnerAndOther(server));
      listId = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Imported' })).body.list_id;
      foreignList = (await other<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Theirs' })).body.list_id;
      await api('POST', '/v3/contact_custom_fields', { label: 'Shoe size', type: 'string' });
    });
    after(() => server.close());

    async function upload(csv: string | Uint8Array<ArrayBuffer>, lists: string[] = [listId]) {
      const form = new FormData();
      if (csv !== '') form.append('file', new Blob([csv]), 'contacts.csv');
      form.append('list_ids', lists.join(','));
      const res = await fetch(`${server.url}/v3/activities/contacts_file_import`, { method: 'POST', headers: owner.headers, body: form });
      return { status: res.status, body: (await res.json()) as ApiActivity & { error_message?: string }[] };
    }

    async function finished(activity: ApiActivity): Promise<ApiActivity> {
      for (let i = 0; i < 200; i++) {
        const res = await api<ApiActivity>('GET', `/v3/activities/${activity.activity_id}`);
        if (['completed', 'failed'].includes(res.body.state)) return res.body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('activity did not finish');
    }

    const byEmail = async (email: string) =>
      (await api<{ contacts: Contact[] }>('GET', `/v3/contacts?email=${encodeURIComponent(email)}&status=all&include=list_memberships,custom_fields,taggings`)).body.contacts[0];

    it('imports a CSV: creates and updates by email, keeps opt-outs, reports bad rows with their row number', async () => {
      const gone = await api<Contact>('POST', '/v3/contacts', {
        email_address: { address: 'gone@example.com', permission_to_send: 'unsubscribed' },
        create_source: 'Contact',
      });
      assert.equal(gone.status, 201, errorMessages(gone.body));
      const csv = `\uFEFFemail,first_name,cf:Shoe_size\r\nann@example.com,Ann,38\r\n"gone@example.com","Gone, again",\r\nnot-an-email,Bad,\r\nbob@example.com,"Bob\nSmith",44\r\nlong@example.com,${'x'.repeat(300)},\r\n`;
      const created = await upload(csv);
      assert.equal(created.status, 201, errorMessages(created.body));
      assert.equal(created.body.status.items_total_count, 5);
      const done = await finished(created.body);
      assert.equal(done.state, 'completed', done.activity_errors.join());
      assert.equal(done.status.items_completed_count, 5);
      assert.equal(done.status.error_count, 2);
      assert.equal(done.status.person_count, 3);
      assert.match(done.activity_errors[0]!, /line 4, not-an-email: invalid email address/);
      assert.match(done.activity_errors[1]!, /line 6.*first_name must be at most 255/);
      const ann = await byEmail('ann@example.com');
      assert.equal(ann?.first_name, 'Ann');
      assert.equal(ann?.email_address.permission_to_send, 'implicit');
      assert.deepEqual(ann?.list_memberships, [listId]);
      assert.equal(ann?.custom_fields?.[0]?.value, '38');
      assert.equal((await byEmail('bob@example.com'))?.first_name, 'Bob\nSmith');
      const g = await byEmail('gone@example.com');
      assert.equal(g?.email_address.permission_to_send, 'unsubscribed', 'an import never resubscribes');
      assert.equal(g?.first_name, 'Gone, again');
      const errors = await api('GET', done._links.errors!.href);
      assert.equal(errors.status, 200);
      assert.match(errors.headers.get('content-type')!, /text\/csv/);
      assert.equal(errors.text.split('\r\n')[0], 'row,email,reason');
      assert.match(errors.text, /4,not-an-email,invalid email address/);
      // The change feed sees the imported contacts, and a re-import of the same file changes nothing.
      const feed = await api<{ changes: { contact: { contact_id: string } }[] }>('GET', '/v3/contacts/changes?limit=500');
      assert.ok(feed.body.changes.some((c) => c.contact.contact_id === ann!.contact_id));
      const again = await finished((await upload(csv)).body);
      assert.equal(again.state, 'completed');
      const feed2 = await api<{ changes: unknown[] }>('GET', '/v3/contacts/changes?limit=500');
      assert.equal(feed2.body.changes.length, feed.body.changes.length, 'nothing changed, nothing logged');
    });

    it('refuses bad files with 400 and writes nothing', async () => {
      const before = await api<{ activities: unknown[] }>('GET', '/v3/activities?limit=500');
      const cases: [string | Uint8Array<ArrayBuffer>, RegExp, string[]?][] = [
        ['first_name\r\nAnn\r\n', /no email column/],
        ['email;first_name\r\na@example.com;Ann\r\n', /";" as delimiter/],
        ['email,cf:nope\r\na@example.com,1\r\n', /cf:nope names no custom field/],
        ['email,shoe\r\na@example.com,1\r\n', /unknown column shoe/],
        ['email,sms_number,sms_consent_date\r\na@example.com,555-123-4567,2024-01-01\r\n', /sms_number cannot be imported.*sends no SMS/],
        ['email\r\na@example.com\r\n', /list_ids must be an array of 1 to 50/, Array.from({ length: 51 }, () => listId)],
        [new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xff, 0xfe, 0x0a]), /not valid UTF-8/],
        ['email\r\n', /no contact rows/],
        ['', /file is required/],
        ['email\r\n"a@example.com\r\n', /cannot be read/],
        ['email\r\na@example.com\r\n', /not one of this account's lists/, [foreignList]],
        ['email\r\na@example.com\r\n', /list_ids must be/, []],
      ];
      for (const [csv, message, lists] of cases) {
        const res = await upload(csv, lists);
        assert.equal(res.status, 400, String(message));
        assert.match(errorMessages(res.body), message);
      }
      const sms = new FormData();
      sms.append('file', new Blob(['email\r\na@example.com\r\n']), 'contacts.csv');
      sms.append('list_ids', listId);
      sms.append('sms_permission_to_send', 'sometimes');
      const badSms = await fetch(`${server.url}/v3/activities/contacts_file_import`, { method: 'POST', headers: owner.headers, body: sms });
      assert.equal(badSms.status, 400);
      assert.match(errorMessages(await badSms.json()), /sms_permission_to_send must be one of: explicit, not_set/);
      const big = await upload(`email,first_name\r\na@example.com,${'y'.repeat(5000)}\r\n`);
      assert.equal(big.status, 413, 'past IMPORT_MAX_BYTES');
      const after = await api<{ activities: unknown[] }>('GET', '/v3/activities?limit=500');
      assert.equal(after.body.activities.length, before.body.activities.length, 'no activity was created');
      assert.equal(await byEmail('a@example.com'), undefined);
    });

    it('imports JSON and refuses wrong types', async () => {
      const bad = await api('POST', '/v3/activities/contacts_json_import', { import_data: [{ email: { a: 1 } }], list_ids: [listId] });
      assert.equal(bad.status, 400);
      const noList = await api('POST', '/v3/activities/contacts_json_import', { import_data: [{ email: 'j@example.com' }], list_ids: 'x' });
      assert.equal(noList.status, 400);
      const smsColumn = await api('POST', '/v3/activities/contacts_json_import', {
        import_data: [{ email: 'j@example.com', sms_number: '555-123-4567' }],
        list_ids: [listId],
        sms_permission_to_send: 'not_set',
      });
      assert.equal(smsColumn.status, 400);
      assert.match(errorMessages(smsColumn.body), /sms_number cannot be imported/);
      const tooManyLists = await api('POST', '/v3/activities/contacts_json_import', {
        import_data: [{ email: 'j@example.com' }],
        list_ids: Array.from({ length: 51 }, () => listId),
      });
      assert.equal(tooManyLists.status, 400);
      assert.match(errorMessages(tooManyLists.body), /1 to 50/);
      assert.equal(await byEmail('j@example.com'), undefined);
      const res = await api<ApiActivity>('POST', '/v3/activities/contacts_json_import', {
        // A new contact with a phone and an address: their rows reference the contact's, written first.
        import_data: [{ email: 'json@example.com', first_name: 'Jay', birthday_month: 5, birthday_day: 4, home_phone: '555-0100', city: 'Oslo' }],
        list_ids: [listId],
      });
      assert.equal(res.status, 201, errorMessages(res.body));
      const done = await finished(res.body);
      assert.equal(done.state, 'completed', done.activity_errors.join());
      assert.equal((await byEmail('json@example.com'))?.first_name, 'Jay');
    });

    it('adds and removes memberships and taggings, deletes contacts and custom fields', async () => {
      const second = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Second' })).body.list_id;
      const tag = (await api<{ tag_id: string }>('POST', '/v3/contact_tags', { name: 'VIP' })).body.tag_id;
      const ann = (await byEmail('ann@example.com'))!;
      const run = async (path: string, body: unknown) => {
        const res = await api<ApiActivity>('POST', `/v3/activities/${path}`, body);
        assert.equal(res.status, 201, `${path}: ${errorMessages(res.body)}`);
        const done = await finished(res.body);
        assert.equal(done.state, 'completed', `${path}: ${done.activity_errors.join()}`);
        return done;
      };
      const added = await run('add_list_memberships', { source: { list_ids: [listId] }, list_ids: [second], exclude: { contact_ids: [ann.contact_id] } });
      assert.equal(added.status.list_count, 1);
      assert.deepEqual((await byEmail('bob@example.com'))?.list_memberships?.sort(), [listId, second].sort());
      assert.deepEqual((await byEmail('ann@example.com'))?.list_memberships, [listId], 'excluded');
      await run('contacts_taggings_add', { source: { contact_ids: [ann.contact_id] }, tag_ids: [tag] });
      assert.deepEqual((await byEmail('ann@example.com'))?.taggings, [tag]);
      await run('contacts_taggings_remove', { source: { all_active_contacts: true }, tag_ids: [tag] });
      assert.deepEqual((await byEmail('ann@example.com'))?.taggings ?? [], []);
      await run('remove_list_memberships', { source: { list_ids: [second] }, list_ids: [second] });
      assert.deepEqual((await byEmail('bob@example.com'))?.list_memberships, [listId]);
      const field = (await api<{ custom_fields: { custom_field_id: string }[] }>('GET', '/v3/contact_custom_fields')).body.custom_fields[0]!;
      await run('custom_fields_delete', { custom_field_ids: [field.custom_field_id] });
      assert.equal((await api('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).status, 404, 'custom field deleted');
      assert.deepEqual((await byEmail('ann@example.com'))?.custom_fields ?? [], []);
      await run('contacts_tags_delete', { tag_ids: [tag] });
      assert.equal((await api('GET', `/v3/contact_tags/${tag}`)).status, 404, 'tag deleted');
      const deleted = await run('contact_delete', { contact_ids: [ann.contact_id] });
      assert.equal(deleted.status.items_completed_count, 1);
      assert.ok((await api<{ deleted_at?: string }>('GET', `/v3/contacts/${ann.contact_id}`)).body.deleted_at, 'contact deleted');
      const feed = await api<{ changes: { contact: { contact_id: string }; change: string }[] }>('GET', '/v3/contacts/changes?limit=500');
      assert.ok(feed.body.changes.some((c) => c.contact.contact_id === ann.contact_id && c.change === 'deleted'));
      for (const [path, body] of [
        ['add_list_memberships', { source: { list_ids: [listId] }, list_ids: [foreignList] }],
        ['add_list_memberships', { source: { list_ids: [listId], tag_ids: [tag] }, list_ids: [second] }],
        ['contact_delete', { list_ids: [foreignList] }],
        ['contact_delete', {}],
        ['contacts_tags_delete', { tag_ids: ['nope'] }],
      ] as const) {
        assert.equal((await api('POST', `/v3/activities/${path}`, body)).status, 400, `${path} ${JSON.stringify(body)}`);
      }
    });

    it('exports contacts as CSV, neutralising formulas, until the file expires', async () => {
      await api('POST', '/v3/contacts', { email_address: { address: 'formula@example.com' }, first_name: '=HYPERLINK("x")', create_source: 'Account' });
      const res = await api<ApiActivity>('POST', '/v3/activities/contact_exports', { fields: ['email', 'first_name'], status: 'all' });
      assert.equal(res.status, 201, errorMessages(res.body));
      const done = await finished(res.body);
      assert.equal(done.state, 'completed', done.activity_errors.join());
      assert.equal(done._links.results?.href, `/v3/contact_exports/${done.activity_id}`);
      const file = await api('GET', done._links.results!.href);
      assert.equal(file.status, 200);
      const lines = file.text.trim().split('\r\n');
      assert.equal(lines[0], 'email,first_name');
      assert.ok(lines.includes(`formula@example.com,"'=HYPERLINK(""x"")"`), file.text);
      assert.equal(lines.length - 1, done.status.items_total_count);
      assert.equal((await api('POST', '/v3/activities/contact_exports', { fields: ['password'] })).status, 400);
      // Past EXPORT_TTL_HOURS the sweep deletes the file.
      await server.services.db.updateTable('activities').set({ completed_at: '2000-01-01T00:00:00.000Z' }).where('activity_id', '=', done.activity_id).execute();
      assert.equal(await server.services.bulk.sweepExpiredExports(), 1);
      assert.equal((await api('GET', done._links.results!.href)).status, 404);
    });
  });
}
