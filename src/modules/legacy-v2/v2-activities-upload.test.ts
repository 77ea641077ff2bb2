// Contract tests of the multipart form of /v2/activities/addcontacts and removefromlists (reference §2:
// `file_name`, `lists`, `data`), sent by undici's FormData and fetch as the SDKs send them: PHP with `data` a file
// part, RB's RestClient with `data` a plain field; CSV and TXT files; bad forms refused with nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client, v2Upload } from '../../../test/helpers/v2.ts';
import type { V2Activity } from './v2-activities.service.ts';
import type { V2Page } from './v2-contacts.service.ts';
import type { V2List } from './v2-lists.service.ts';

type Errors = { error_key: string; error_message: string }[];
const PHP = { 'user-agent': 'ConstantContact AppConnect PHP Library v2.1.4', 'x-ctct-request-source': 'sdk.php2.1.4' };
const RB = { 'user-agent': 'AppConnect Ruby SDK v4.1.0 (ruby 2.6.0)', 'x-ctct-request-source': 'sdk.ruby.4.1.0' };

/** PHP ActivityService: file_name and lists as fields, `data` the file (a part with its own file name). */
function phpForm(fileName: string, contents: string, lists: string): FormData {
  const form = new FormData();
  form.set('file_name', fileName);
  form.set('lists', lists);
  form.set('data', new Blob([contents], { type: 'application/octet-stream' }), fileName);
  return form;
}

/** RB ActivityService (`:multipart => true`): the file's contents as a plain field named data. */
function rbForm(fileName: string, contents: string, lists: string): FormData {
  const form = new FormData();
  form.set('file_name', fileName);
  form.set('lists', lists);
  form.set('data', contents);
  return form;
}

for (const dialect of TEST_DIALECTS) {
  describe(`/v2/activities multipart (${dialect})`, () => {
    let server: TestServer;
    let v2: V2Call;
    let upload: ReturnType<typeof v2Upload>;
    let list: string;
    let second: string;

    async function finished(id: string): Promise<V2Activity> {
      for (let i = 0; i < 200; i++) {
        const res = await v2<V2Activity>('GET', `/v2/activities/${id}`);
        assert.equal(res.status, 200, errorMessages(res.body));
        if (!['QUEUED', 'RUNNING'].includes(res.body.status!)) return res.body;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`activity ${id} did not finish`);
    }

    async function sent(path: string, form: FormData, headers: Record<string, string>, type: string): Promise<V2Activity> {
      const res = await upload<V2Activity>(`/v2/activities/${path}`, form, headers);
      assert.equal(res.status, 201, errorMessages(res.body));
      assert.deepEqual(Object.keys(res.body).sort(), ['contact_count', 'error_count', 'id', 'type']);
      assert.equal(res.body.type, type);
      const done = await finished(res.body.id);
      assert.equal(done.status, 'COMPLETE', JSON.stringify(done));
      return done;
    }

    const members = async (id: string) => (await v2<V2Page>('GET', `/v2/lists/${id}/contacts`)).body.results.map((c) => c.email_addresses[0]!.email_address).sort();
    const activityCount = async () => (await v2<V2Activity[]>('GET', '/v2/activities')).body.length;

    before(async () => {
      server = await startTestServer(dialect);
      const owner = await createAccountWithToken(server);
      v2 = v2Client(server.url, owner);
      upload = v2Upload(server.url, owner);
      list = (await v2<V2List>('POST', '/v2/lists', { name: 'Upload A' })).body.id;
      second = (await v2<V2List>('POST', '/v2/lists', { name: 'Upload B' })).body.id;
    });
    after(() => server.close());

    it('addcontacts takes a CSV file as PHP sends it (data a file part): header names in any case, quoted cells, errors by row', async () => {
      const csv = 'Email Address,First Name,LAST NAME,City,Custom Field 2,Middle Name\r\n'
        + 'ada@example.com,Ada,Lovelace,"London, UK",engines,ignored\r\n'
        + 'grace@example.com,Grace,Hopper,,,\r\n'
        + 'not-an-email,Bad,Row,,,\r\n';
      const done = await sent('addcontacts', phpForm('contacts.csv', csv, `${list},${second}`), PHP, 'ADD_CONTACTS');
      assert.equal(done.contact_count, 3);
      assert.equal(done.error_count, 1);
      assert.equal(done.errors![0]!.line_number, 3);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com']);
      assert.deepEqual(await members(second), ['ada@example.com', 'grace@example.com']);
      const ada = (await v2<V2Page>('GET', '/v2/contacts?email=ada@example.com')).body.results[0]!;
      assert.deepEqual([ada.first_name, ada.last_name, ada.addresses[0]?.city], ['Ada', 'Lovelace', 'London, UK']);
      assert.deepEqual(ada.custom_fields, [{ name: 'CustomField2', value: 'engines' }]);
    });

    it('addcontacts takes a TXT file (tab-separated) as RB sends it (data a plain field); blanks change nothing', async () => {
      const txt = 'EMAIL\tFIRST NAME\tJOB TITLE\nada@example.com\t\tAnalyst\nkatherine@example.com\tKatherine\t\n';
      const done = await sent('addcontacts', rbForm('contacts.txt', txt, list), RB, 'ADD_CONTACTS');
      assert.deepEqual([done.contact_count, done.error_count], [2, 0]);
      const ada = (await v2<V2Page>('GET', '/v2/contacts?email=ada@example.com')).body.results[0]!;
      assert.deepEqual([ada.first_name, ada.job_title], ['Ada', 'Analyst']);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com', 'katherine@example.com']);
      assert.deepEqual(await members(second), ['ada@example.com', 'grace@example.com']);
    });

    it('removefromlists takes a file of addresses only (CSV by PHP, TXT by RB); unknown addresses are skipped', async () => {
      await sent('removefromlists', phpForm('remove.csv', 'grace@example.com,nobody@example.com\r\n', second), PHP, 'REMOVE_CONTACTS_FROM_LISTS');
      assert.deepEqual(await members(second), ['ada@example.com']);
      await sent('removefromlists', rbForm('remove.txt', 'Katherine@Example.com\n\ngrace@example.com\n', list), RB, 'REMOVE_CONTACTS_FROM_LISTS');
      assert.deepEqual(await members(list), ['ada@example.com']);
    });

    it('removefromlists refuses more than 500 addresses with 400, writing nothing', async () => {
      await sent('addcontacts', phpForm('back.csv', 'email\ngrace@example.com\n', list), PHP, 'ADD_CONTACTS');
      const before = await activityCount();
      const many = ['grace@example.com', ...Array.from({ length: 500 }, (_, i) => `person${i}@example.com`)];
      for (const form of [phpForm('remove.csv', `${many.join('\r\n')}\r\n`, list), rbForm('remove.txt', many.join('\n'), list)]) {
        const res = await upload<Errors>('/v2/activities/removefromlists', form, PHP);
        assert.equal(res.status, 400);
        assert.match(res.body[0]!.error_message, /501 addresses; at most 500/);
      }
      // 500 exactly is served.
      await sent('removefromlists', rbForm('remove.txt', many.slice(1).join('\n'), list), RB, 'REMOVE_CONTACTS_FROM_LISTS');
      assert.equal(await activityCount(), before + 1);
      assert.deepEqual(await members(list), ['ada@example.com', 'grace@example.com']);
    });

    it('refuses bad forms and unserved parameters with 400 and the v2 error array, writing nothing; other calls stay JSON only', async () => {
      const before = await activityCount();
      const cases: [string, FormData, RegExp][] = [
        ['addcontacts', phpForm('contacts.xlsx', 'email\nnew@example.com\n', list), /\.csv or \.txt/],
        ['addcontacts', phpForm('contacts.csv', 'email,shoe size\nnew@example.com,9\n', list), /SHOE SIZE/],
        ['addcontacts', phpForm('contacts.csv', 'first name\nNew\n', list), /EMAIL/],
        ['addcontacts', phpForm('contacts.csv', 'email\n', list), /at least one contact/],
        ['addcontacts', phpForm('contacts.csv', 'email\nnew@example.com\n', '9999'), /9999/],
        ['addcontacts', phpForm('contacts.csv', 'email\nnew@example.com\n', ''), /lists/],
        ['addcontacts', phpForm('contacts.csv', 'email\n"new@example.com\n', list), /cannot be read/],
        ['removefromlists', phpForm('remove.csv', 'Email Address\nnew@example.com\n', list), /line 1: "Email Address" is not an email address/],
        ['removefromlists', rbForm('remove.txt', '\n', list), /data is required|no email address/],
      ];
      const noName = new FormData();
      noName.set('lists', list);
      noName.set('data', 'email\nnew@example.com\n');
      cases.push(['addcontacts', noName, /file_name/]);
      const badUtf8 = new FormData();
      badUtf8.set('file_name', 'contacts.csv');
      badUtf8.set('lists', list);
      badUtf8.set('data', new Blob([Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xff, 0xfe, 0x0a])]), 'contacts.csv');
      cases.push(['addcontacts', badUtf8, /UTF-8/]);
      for (const [path, form, message] of cases) {
        const res = await upload<Errors>(`/v2/activities/${path}`, form, PHP);
        assert.equal(res.status, 400, `${path}: ${res.text}`);
        assert.ok(Array.isArray(res.body), 'the v2 error array');
        assert.match(res.body[0]!.error_message, message);
      }
      // v2's blanks_enabled (blanks erase) is not served: refused, never ignored; so is any undeclared parameter.
      const blanks = await upload<Errors>('/v2/activities/addcontacts?blanks_enabled=true', phpForm('c.csv', 'email,first name\nnew@example.com,\n', list), PHP);
      assert.equal(blanks.status, 400);
      assert.match(blanks.body[0]!.error_message, /blanks_enabled is not supported/);
      const unknown = await v2<Errors>('GET', '/v2/contacts?sort_by=EMAIL_ADDRESS');
      assert.equal(unknown.status, 400);
      assert.match(unknown.body[0]!.error_message, /sort_by is not a parameter of this operation/);
      const big = await upload<Errors>('/v2/activities/addcontacts', phpForm('big.csv', `email\n${'a'.repeat(4 * 1024 * 1024)}\n`, list), PHP);
      assert.equal(big.status, 413);
      // The same file as a text part (RB): refused whole, not cut at the limit and imported in part.
      const bigText = await upload<Errors>('/v2/activities/addcontacts', rbForm('big.csv', `email\nnew@example.com\n${'b'.repeat(4 * 1024 * 1024)}\n`, list), RB);
      assert.equal(bigText.status, 413);
      for (const path of ['clearlists', 'exportcontacts']) {
        assert.equal((await upload(`/v2/activities/${path}`, phpForm('x.csv', 'email\nnew@example.com\n', list), PHP)).status, 415);
      }
      assert.equal(await activityCount(), before);
      assert.equal((await v2<V2Page>('GET', '/v2/contacts?email=new@example.com')).body.results.length, 0);
    });
  });
}
