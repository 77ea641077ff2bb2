// Contract tests of /v2/activities (reference §2 "Bulk details"): each call answers 201 with exactly the POST
// keys, polls to COMPLETE with every key of the Activity, does the work of its v3 job, and refuses bad input
// with the v2 error array, writing nothing. Also: what a v2 addcontacts writes is seen by /v3 and the change feed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import type { V2Activity } from './v2-activities.service.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2Page } from './v2-contacts.service.ts';
import type { V2List } from './v2-lists.service.ts';

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const POST_KEYS = ['contact_count', 'error_count', 'id', 'type'];
const GET_KEYS = ['contact_count', 'created_date', 'error_count', 'errors', 'finish_date', 'id', 'start_date', 'status', 'type', 'warnings'];

for (const dialect of TEST_DIALECTS) {
  describe(`/v2/activities (${dialect})`, () => {
    let server: TestServer;
    let v2: V2Call;
    let v3: ApiCall;
    let other: V2Call;
    let list: string;
    let second: string;

    /** Polls GET /v2/activities/{id} until the activity leaves QUEUED/RUNNING; checks every key on the way out. */
    async function finished(id: string): Promise<V2Activity> {
      for (let i = 0; i < 200; i++) {
        const res = await v2<V2Activity>('GET', `/v2/activities/${id}`);
        assert.equal(res.status, 200, errorMessages(res.body));
        if (!['QUEUED', 'RUNNING'].includes(res.body.status!)) return res.body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`activity ${id} did not finish`);
    }

    async function created(path: string, body: unknown, type: string): Promise<V2Activity> {
      const res = await v2<V2Activity>('POST', `/v2/activities/${path}`, body);
      assert.equal(res.status, 201, errorMessages(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), POST_KEYS);
      assert.match(res.body.id, /^[0-9a-z]{32}$/);
      assert.equal(res.body.type, type);
      const done = await finished(res.body.id);
      assert.equal(done.status, 'COMPLETE', JSON.stringify(done));
      for (const key of ['created_date', 'start_date', 'finish_date'] as const) assert.match(done[key]!, DATE);
      return done;
    }

    const members = async (id: string) => (await v2<V2Page>('GET', `/v2/lists/${id}/contacts`)).body.results.map((c) => c.email_addresses[0]!.email_address).sort();

    before(async () => {
      server = await startTestServer(dialect);
      const owner = await createAccountWithToken(server);
      v2 = v2Client(server.url, owner);
      v3 = apiClient(server.url, owner);
      other = v2Client(server.url, await createAccountWithToken(server));
      list = (await v2<V2List>('POST', '/v2/lists', { name: 'Bulk A' })).body.id;
      second = (await v2<V2List>('POST', '/v2/lists', { name: 'Bulk B' })).body.id;
    });
    after(() => server.close());

    it('POST addcontacts imports the rows into the lists (the SDK body); the contacts are seen by v2, v3 and the change feed', async () => {
      const body = {
        import_data: [
          {
            email_addresses: ['ada@example.com'], first_name: 'Ada', last_name: 'Lovelace', job_title: 'Analyst', middle_name: 'ignored',
            addresses: [{ line1: '12 St James Sq', city: 'London', state_code: '', country_code: 'gb', postal_code: 'SW1Y' }],
            custom_fields: [{ name: 'custom_field_3', value: 'engines' }],
          },
          { email_addresses: ['grace@example.com'], first_name: 'Grace', home_phone: '555-0100' },
          { email_addresses: ['not-an-email'], first_name: 'Bad' },
        ],
        lists: [list, second],
        column_names: ['EMAIL', 'FIRST NAME', 'LAST NAME', 'JOB TITLE', 'HOME PHONE', 'ADDRESS LINE 1', 'CITY', 'COUNTRY', 'ZIP/POSTAL CODE', 'CUSTOM FIELD 3'],
      };
      const done = await created('addcontacts', body, 'ADD_CONTACTS');
      assert.deepEqual(Object.keys(done).sort(), GET_KEYS);
      assert.equal(done.contact_count, 3);
      assert.equal(done.error_count, 1);
      assert.deepEqual(Object.keys(done.errors![0]!).sort(), ['email_address', 'line_number', 'message']);
      assert.equal(done.errors![0]!.line_number, 3);
      assert.deepEqual(done.warnings, []);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com']);
      assert.deepEqual(await members(second), ['ada@example.com', 'grace@example.com']);
      const ada = (await v2<V2Page>('GET', '/v2/contacts?email=ada@example.com&include_contact_id=true')).body.results[0] as V2Contact & { contact_id: string };
      assert.equal(ada.job_title, 'Analyst');
      assert.equal(ada.addresses[0]?.city, 'London');
      assert.deepEqual(ada.custom_fields, [{ name: 'CustomField3', value: 'engines' }]);
      const v3ada = await v3<{ first_name: string; list_memberships: string[] }>('GET', `/v3/contacts/${ada.contact_id}?include=list_memberships`);
      assert.equal(v3ada.body.first_name, 'Ada');
      assert.equal(v3ada.body.list_memberships.length, 2);
      const feed = await v3<{ changes: { contact: { contact_id: string }; change: string }[] }>('GET', '/v3/contacts/changes?limit=500');
      assert.ok(feed.body.changes.some((c) => c.contact.contact_id === ada.contact_id && c.change === 'created'));
      // An existing contact is updated partially: undeclared columns and blanks leave its data alone.
      const again = await created('addcontacts', { import_data: [{ email_addresses: ['ada@example.com'], first_name: 'Augusta', last_name: 'X' }], lists: [list], column_names: ['EMAIL', 'FIRST NAME'] }, 'ADD_CONTACTS');
      assert.equal(again.error_count, 0);
      const after = (await v3<{ first_name: string; last_name: string }>('GET', `/v3/contacts/${ada.contact_id}`)).body;
      assert.deepEqual([after.first_name, after.last_name], ['Augusta', 'Lovelace']);
    });

    it('POST removefromlists takes the addresses off the lists (unknown addresses skipped)', async () => {
      const done = await created('removefromlists', { import_data: [{ email_addresses: ['grace@example.com'] }, { email_addresses: ['nobody@example.com'] }], lists: [second] }, 'REMOVE_CONTACTS_FROM_LISTS');
      assert.equal(done.error_count, 0);
      assert.deepEqual(await members(second), ['ada@example.com']);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com']);
    });

    it('POST clearlists removes every member of the lists, and nothing else', async () => {
      const done = await created('clearlists', { lists: [second] }, 'CLEAR_CONTACTS_FROM_LISTS');
      assert.equal(done.contact_count, 1);
      assert.deepEqual(await members(second), []);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com']);
    });

    it('POST exportcontacts writes the members of the lists as CSV in address order, downloadable at file_name', async () => {
      const body = { file_type: 'CSV', sort_by: 'EMAIL_ADDRESS', export_date_added: true, export_added_by: true, lists: [list], column_names: ['Email Address', 'First Name', 'Last Name'] };
      const done = await created('exportcontacts', body, 'EXPORT_CONTACTS');
      assert.deepEqual(Object.keys(done).sort(), [...GET_KEYS, 'file_name'].sort());
      assert.equal(done.contact_count, 2);
      const csv = await v3('GET', done.file_name!);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      const lines = csv.text.trim().split(/\r?\n/);
      assert.equal(lines[0], 'email,first_name,last_name,created_at,create_source');
      assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['ada@example.com', 'grace@example.com']);
      assert.equal(lines[1]!.split(',')[4], 'Account');
    });

    it('POST exportcontacts follows sort_by (DATE_DESC: newest first) and file_type (TXT: tab-separated), PHP nulls as defaults', async () => {
      // Created after ada and grace, and first by address: only DATE_DESC puts it first.
      await v2('POST', '/v2/contacts', { email_addresses: [{ email_address: 'aaron@example.com' }], first_name: 'Aaron', lists: [{ id: list }] });
      const newest = await created('exportcontacts', { sort_by: 'DATE_DESC', file_type: 'TXT', export_date_added: false, export_added_by: false, lists: [list], column_names: ['EMAIL ADDRESS', 'FIRST NAME'] }, 'EXPORT_CONTACTS');
      const txt = await v3('GET', newest.file_name!);
      assert.equal(txt.status, 200);
      assert.match(txt.headers.get('content-type')!, /^text\/tab-separated-values/);
      assert.deepEqual(txt.text.trim().split(/\r?\n/), ['email\tfirst_name', 'aaron@example.com\tAaron', 'grace@example.com\tGrace', 'ada@example.com\tAugusta']);
      const php = await created('exportcontacts', { file_type: null, sort_by: null, export_date_added: null, export_added_by: null, lists: [list], column_names: null }, 'EXPORT_CONTACTS');
      const rows = (await v3('GET', php.file_name!)).text.trim().split(/\r?\n/);
      assert.equal(rows[0], 'email,first_name,last_name,created_at,create_source');
      assert.deepEqual(rows.slice(1).map((l) => l.split(',')[0]), ['aaron@example.com', 'ada@example.com', 'grace@example.com']);
      const res = await v2('DELETE', `/v2/contacts/${(await v2<V2Page>('GET', '/v2/contacts?email=aaron@example.com')).body.results[0]!.id}/lists`);
      assert.equal(res.status, 204);
    });

    it('GET /v2/activities answers a bare array filtered by status and type; another account sees none', async () => {
      const all = await v2<V2Activity[]>('GET', '/v2/activities');
      assert.equal(all.status, 200);
      assert.deepEqual(all.body.map((a) => a.type).sort(), ['ADD_CONTACTS', 'ADD_CONTACTS', 'CLEAR_CONTACTS_FROM_LISTS', 'EXPORT_CONTACTS', 'EXPORT_CONTACTS', 'EXPORT_CONTACTS', 'REMOVE_CONTACTS_FROM_LISTS']);
      for (const a of all.body) assert.equal(a.status, 'COMPLETE');
      assert.equal((await v2<V2Activity[]>('GET', '/v2/activities?type=ADD_CONTACTS')).body.length, 2);
      assert.deepEqual((await v2<V2Activity[]>('GET', '/v2/activities?status=RUNNING')).body, []);
      assert.deepEqual((await v2<V2Activity[]>('GET', '/v2/activities?status=PENDING')).body, []);
      assert.deepEqual((await other<V2Activity[]>('GET', '/v2/activities')).body, []);
      assert.equal((await other('GET', `/v2/activities/${all.body[0]!.id}`)).status, 404);
      assert.equal((await v2('GET', '/v2/activities/nope')).status, 404);
      for (const query of ['status=DONE', 'type=ADD']) {
        const bad = await v2<{ error_key: string }[]>('GET', `/v2/activities?${query}`);
        assert.equal(bad.status, 400);
        assert.ok(Array.isArray(bad.body) && bad.body[0]!.error_key);
      }
    });

    it('refuses bad bodies and other accounts\' lists with 400 and the v2 error array, writing nothing', async () => {
      const before = (await v2<V2Activity[]>('GET', '/v2/activities')).body.length;
      const row = { email_addresses: ['new@example.com'] };
      const cases: [string, unknown, RegExp][] = [
        ['addcontacts', { import_data: [row] }, /lists/],
        ['addcontacts', { import_data: [], lists: [list] }, /import_data/],
        ['addcontacts', { import_data: [row], lists: ['x'] }, /lists/],
        ['addcontacts', { import_data: [row], lists: ['9999'] }, /9999/],
        ['addcontacts', { import_data: [row], lists: [list], column_names: ['EMAIL', 'SHOE SIZE'] }, /SHOE SIZE/],
        ['addcontacts', { import_data: [row], lists: [list], column_names: ['FIRST NAME'] }, /EMAIL/],
        ['addcontacts', [row], /object/],
        ['removefromlists', { import_data: [{ email_addresses: [] }], lists: [list] }, /email/],
        ['clearlists', { lists: [] }, /lists/],
        ['exportcontacts', { lists: [list], file_type: 'XLS' }, /file_type/],
        ['exportcontacts', { lists: [list], sort_by: 'NAME' }, /sort_by/],
        ['exportcontacts', { lists: [list], column_names: ['SHOE SIZE'] }, /SHOE SIZE/],
      ];
      for (const [path, body, message] of cases) {
        const res = await v2<{ error_key: string; error_message: string }[]>('POST', `/v2/activities/${path}`, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.ok(Array.isArray(res.body), 'the v2 error array');
        assert.match(res.body[0]!.error_message, message);
      }
      // List numbers are per account: the other account's third list is no list of this one (which has two).
      for (const name of ['T1', 'T2', 'T3']) await other('POST', '/v2/lists', { name });
      const theirs = (await other<V2List[]>('GET', '/v2/lists')).body.at(-1)!.id;
      assert.ok(!(await v2<V2List[]>('GET', '/v2/lists')).body.some((l) => l.id === theirs));
      for (const path of ['clearlists', 'exportcontacts']) assert.equal((await v2('POST', `/v2/activities/${path}`, { lists: [theirs] })).status, 400);
      assert.equal((await v2('POST', '/v2/activities/addcontacts', undefined, { raw: 'x', headers: { 'content-type': 'text/plain' } })).status, 415);
      assert.equal((await v2<V2Activity[]>('GET', '/v2/activities')).body.length, before);
      assert.equal((await v2<V2Page>('GET', '/v2/contacts?email=new@example.com')).body.results.length, 0);
    });
  });
}
