// Contract tests of /v2/contacts written from the v2 reference (§2–§5): the envelope, every key of the
// Contact and of its nested objects (strict SDK parsers reject others), the enums, dates and error array.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2Page } from './v2-contacts.service.ts';

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const CONTACT_KEYS = [
  'id', 'status', 'first_name', 'middle_name', 'last_name', 'prefix_name', 'job_title', 'company_name', 'department_name',
  'home_phone', 'work_phone', 'cell_phone', 'fax', 'confirmed', 'source', 'source_details', 'created_date', 'modified_date',
  'email_addresses', 'lists', 'addresses', 'custom_fields', 'notes',
].sort();
const EMAIL_KEYS = ['id', 'email_address', 'status', 'confirm_status', 'opt_in_source', 'opt_in_date', 'opt_out_date'];
const ADDRESS_KEYS = ['id', 'address_type', 'line1', 'line2', 'line3', 'city', 'state', 'state_code', 'country_code', 'postal_code', 'sub_postal_code'].sort();

/** Every key and enum of a v2 Contact, as the reference's §3 and §7 list them. */
export function assertV2Contact(c: V2Contact): void {
  assert.deepEqual(Object.keys(c).filter((k) => k !== 'contact_id').sort(), CONTACT_KEYS);
  assert.match(c.id, /^[1-9][0-9]*$/);
  assert.ok(['ACTIVE', 'UNCONFIRMED', 'OPTOUT', 'REMOVED', 'NON_SUBSCRIBER', 'VISITOR'].includes(c.status), c.status);
  assert.match(c.created_date, DATE);
  assert.match(c.modified_date, DATE);
  assert.equal(typeof c.confirmed, 'boolean');
  for (const e of c.email_addresses) {
    assert.ok(Object.keys(e).every((k) => EMAIL_KEYS.includes(k)), Object.keys(e).join());
    assert.equal(e.status, c.status);
    assert.ok(['CONFIRMED', 'NO_CONFIRMATION_REQUIRED', 'UNCONFIRMED'].includes(e.confirm_status));
    assert.ok(['ACTION_BY_OWNER', 'ACTION_BY_VISITOR'].includes(e.opt_in_source));
    if (e.opt_in_date) assert.match(e.opt_in_date, DATE);
  }
  for (const l of c.lists) {
    assert.deepEqual(Object.keys(l).sort(), ['id', 'status']);
    assert.match(l.id, /^[1-9][0-9]*$/);
    assert.ok(['ACTIVE', 'HIDDEN'].includes(l.status));
  }
  for (const a of c.addresses) {
    assert.deepEqual(Object.keys(a).sort(), ADDRESS_KEYS);
    assert.ok(['PERSONAL', 'BUSINESS'].includes(a.address_type));
  }
  for (const f of c.custom_fields) {
    assert.deepEqual(Object.keys(f).sort(), ['name', 'value']);
    assert.match(f.name, /^CustomField([1-9]|1[0-5])$/);
  }
  for (const n of c.notes) assert.deepEqual(Object.keys(n).sort(), ['created_date', 'id', 'modified_date', 'note']);
  assert.ok(['ACTIVE', 'REMOVED', 'NON_SUBSCRIBER'].includes(c.status) || c.lists.length === 0, 'OPTOUT contacts are on no list');
}

const FULL = {
  email_addresses: [{ email_address: 'Ada@Example.com' }],
  first_name: 'Ada',
  last_name: 'Lovelace',
  job_title: 'Analyst',
  company_name: 'Engines',
  home_phone: '555-0100',
  work_phone: '555-0101',
  cell_phone: '555-0102',
  addresses: [
    { address_type: 'PERSONAL', line1: '1 Main St', line2: 'Apt 2', city: 'Boston', state_code: 'MA', country_code: 'us', postal_code: '02110', sub_postal_code: '1234' },
    { address_type: 'BUSINESS', line1: '9 Work Rd', city: 'London', state: 'Greater London', country_code: 'gb', postal_code: 'EC1A 1BB' },
  ],
  custom_fields: [{ name: 'CustomField1', value: 'blue' }, { name: 'CustomField15', value: 'tall' }],
  notes: [{ note: 'met at the fair' }],
};

for (const dialect of TEST_DIALECTS) {
  describe(`/v2/contacts (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let v2: V2Call;
    let other: V2Call;
    let list: string;

    before(async () => {
      server = await startTestServer(dialect);
      ({ owner } = await createOwnerAndOther(server));
      v2 = v2Client(server.url, owner);
      other = v2Client(server.url, await createAccountWithToken(server));
      list = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Newsletter', status: 'ACTIVE' })).body.id;
    });
    after(() => server.close());

    const total = async () => (await v2<V2Page>('GET', '/v2/contacts?limit=500')).body.results.length;

    it('POST creates a contact (201) with every field of the reference, read back by GET', async () => {
      const res = await v2<V2Contact>('POST', '/v2/contacts', { ...FULL, lists: [{ id: list }] });
      assert.equal(res.status, 201, errorMessages(res.body));
      const c = res.body;
      assertV2Contact(c);
      assert.equal(c.status, 'ACTIVE');
      assert.deepEqual(c.email_addresses.map((e) => [e.email_address, e.status, e.opt_in_source, e.confirm_status]), [
        ['ada@example.com', 'ACTIVE', 'ACTION_BY_OWNER', 'NO_CONFIRMATION_REQUIRED'],
      ]);
      assert.deepEqual([c.home_phone, c.work_phone, c.cell_phone, c.fax], ['555-0100', '555-0101', '555-0102', '']);
      assert.deepEqual(c.lists, [{ id: list, status: 'ACTIVE' }]);
      const { id: _p, ...personal } = c.addresses[0]!;
      assert.deepEqual(personal, {
        address_type: 'PERSONAL', line1: '1 Main St', line2: 'Apt 2', line3: '', city: 'Boston', state: '', state_code: 'MA',
        country_code: 'us', postal_code: '02110', sub_postal_code: '1234',
      });
      assert.equal(c.addresses[1]!.address_type, 'BUSINESS');
      assert.equal(c.addresses[1]!.state, 'Greater London');
      assert.deepEqual(c.custom_fields, FULL.custom_fields);
      assert.equal(c.notes[0]!.note, 'met at the fair');
      assert.equal('contact_id' in c, false);
      const read = await v2<V2Contact>('GET', `/v2/contacts/${c.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, c);
      const withId = await v2<V2Contact>('GET', `/v2/contacts/${c.id}?include_contact_id=true`);
      assert.match(withId.body.contact_id!, /^[0-9a-f-]{36}$/);
    });

    it('POST answers 409 http.status.email_address.conflict for an email in use, and writes nothing', async () => {
      const before = await total();
      const res = await v2('POST', '/v2/contacts', { email_addresses: [{ email_address: 'ada@example.com' }], custom_fields: [{ name: 'CustomField9', value: 'x' }] });
      assert.equal(res.status, 409);
      assert.equal((res.body as { error_key: string }[])[0]!.error_key, 'http.status.email_address.conflict');
      assert.equal(await total(), before);
      const fields = await server.services.db.selectFrom('contact_custom_fields').select('name').where('name', '=', 'CustomField9').execute();
      assert.deepEqual(fields, [], 'no custom field slot created by a refused call');
    });

    it('refuses bad input with 400 (the error array), 415 for non-JSON and 406 for a non-JSON Accept', async () => {
      const before = await total();
      const cases: [unknown, RegExp][] = [
        [{ first_name: 'No email' }, /email_addresses/],
        [{ email_addresses: [{ email_address: 'not-an-email' }] }, /email/],
        [{ email_addresses: [{ email_address: 'l@example.com' }], lists: [{ id: '999' }] }, /lists\[0\]\.id/],
        [{ email_addresses: [{ email_address: 'c@example.com' }], custom_fields: [{ name: 'CustomField16', value: 'x' }] }, /CustomField1 to CustomField15/],
        [{ email_addresses: [{ email_address: 'a@example.com' }], addresses: [{ address_type: 'HOME' }] }, /address_type/],
        [[{ email_addresses: [] }], /body/],
      ];
      for (const [body, message] of cases) {
        const res = await v2('POST', '/v2/contacts', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(Array.isArray(res.body));
        assert.match(errorMessages(res.body), message);
      }
      assert.equal((await v2('POST', '/v2/contacts?action_by=SOMEONE', FULL)).status, 400);
      assert.equal((await v2('POST', '/v2/contacts', undefined, { raw: '{"email_addresses":' })).status, 400);
      assert.equal((await v2('POST', '/v2/contacts', undefined, { raw: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 415);
      assert.equal((await v2('GET', '/v2/contacts', undefined, { headers: { accept: 'text/xml' } })).status, 406);
      assert.equal((await v2('GET', '/v2/contacts', undefined, { headers: { accept: 'application/json, text/plain, */*' } })).status, 200);
      assert.equal(await total(), before);
    });

    it('POST with action_by=ACTION_BY_VISITOR records the person as the source', async () => {
      const res = await v2<V2Contact>('POST', '/v2/contacts?action_by=ACTION_BY_VISITOR', { email_addresses: [{ email_address: 'visitor@example.com' }], lists: [{ id: list }] });
      assert.equal(res.status, 201, errorMessages(res.body));
      assertV2Contact(res.body);
      assert.equal(res.body.email_addresses[0]!.opt_in_source, 'ACTION_BY_VISITOR');
    });

    it('GET /v2/contacts/{id} answers 404 for unknown, malformed and other accounts\' ids', async () => {
      const mine = (await v2<V2Page>('GET', '/v2/contacts')).body.results[0]!.id;
      for (const id of ['99999', 'abc', '0', '1.5']) assert.equal((await v2('GET', `/v2/contacts/${id}`)).status, 404, id);
      assert.equal((await other('GET', `/v2/contacts/${mine}`)).status, 404);
      assert.equal((await other('PUT', `/v2/contacts/${mine}`, FULL)).status, 404);
      assert.equal((await other('DELETE', `/v2/contacts/${mine}`)).status, 404);
      assert.equal((await v2<V2Contact>('GET', `/v2/contacts/${mine}`)).body.status, 'ACTIVE');
    });

    it('PUT is a full replace that takes back the object as read (read-only fields, PHP nulls) unchanged', async () => {
      const created = (await v2<V2Contact>('POST', '/v2/contacts', { ...FULL, email_addresses: [{ email_address: 'echo@example.com' }], lists: [{ id: list }] })).body;
      const echoed = await v2<V2Contact>('PUT', `/v2/contacts/${created.id}`, created);
      assert.equal(echoed.status, 200, errorMessages(echoed.body));
      const { modified_date: _a, ...same } = echoed.body;
      const { modified_date: _b, ...before } = created;
      // Everything, address ids included: an address keeps its id through every write.
      assert.deepEqual(same, before);
      assert.deepEqual(created.addresses.map((a) => a.id), [`${created.id}1`, `${created.id}2`]);
      // PHP json-encodes every unset field as null: null means "not given".
      const php = await v2<V2Contact>('PUT', `/v2/contacts/${created.id}`, {
        id: created.id, status: null, first_name: 'Augusta', last_name: null, home_phone: null, cell_phone: '', fax: '555-0199', source: null,
        created_date: null, email_addresses: [{ email_address: 'echo@example.com', status: null }], lists: null, addresses: null,
        custom_fields: null, notes: null, confirmed: null,
      });
      assert.equal(php.status, 200, errorMessages(php.body));
      assertV2Contact(php.body);
      assert.deepEqual(
        [php.body.first_name, php.body.last_name, php.body.home_phone, php.body.cell_phone, php.body.fax],
        ['Augusta', 'Lovelace', '555-0100', '', '555-0199'],
      );
      // A v3 contact holds at most 3 phone numbers: the fourth flat phone field is refused by name.
      const four = await v2('PUT', `/v2/contacts/${created.id}`, { ...php.body, cell_phone: '555-0102' });
      assert.equal(four.status, 400);
      assert.match(errorMessages(four.body), /phone_numbers must be an array of at most 3/);
      assert.deepEqual(php.body.lists, [{ id: list, status: 'ACTIVE' }]);
      assert.equal(php.body.custom_fields.length, 2);
      // lists replaces memberships; "" clears a field; a new address replaces the slots it names.
      const second = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Second' })).body.id;
      const replaced = await v2<V2Contact>('PUT', `/v2/contacts/${created.id}`, {
        ...php.body, job_title: '', lists: [{ id: second }], custom_fields: [{ name: 'CustomField2', value: 'new' }], addresses: [],
      });
      assert.equal(replaced.status, 200, errorMessages(replaced.body));
      assert.deepEqual(replaced.body.lists, [{ id: second, status: 'ACTIVE' }]);
      assert.equal(replaced.body.job_title, '');
      assert.deepEqual(replaced.body.custom_fields, [{ name: 'CustomField2', value: 'new' }]);
      assert.deepEqual(replaced.body.addresses, []);
      assert.ok(replaced.body.modified_date >= created.modified_date);
    });

    it('DELETE unsubscribes: 204, then OPTOUT, off every list, still readable; GET and DELETE take an empty JSON body', async () => {
      const c = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'leaver@example.com' }], lists: [{ id: list }] })).body;
      const res = await v2('DELETE', `/v2/contacts/${c.id}`);
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      const read = await v2<V2Contact>('GET', `/v2/contacts/${c.id}`);
      assertV2Contact(read.body);
      assert.equal(read.body.status, 'OPTOUT');
      assert.deepEqual(read.body.lists, []);
      assert.match(read.body.email_addresses[0]!.opt_out_date!, DATE);
      const optouts = await v2<V2Page>('GET', '/v2/contacts?status=OPTOUT');
      assert.ok(optouts.body.results.some((x) => x.id === c.id));
      // An owner's PUT never re-subscribes an opt-out; the person's own action does.
      const owner = await v2<V2Contact>('PUT', `/v2/contacts/${c.id}`, { ...read.body, lists: [{ id: list }] });
      assert.equal(owner.body.status, 'OPTOUT');
      const visitor = await v2<V2Contact>('PUT', `/v2/contacts/${c.id}?action_by=ACTION_BY_VISITOR`, { ...read.body, lists: [{ id: list }] });
      assert.equal(visitor.body.status, 'ACTIVE');
    });

    it('DELETE /contacts/{id}/lists/{listId} and /contacts/{id}/lists take the contact off lists (REMOVED when on none)', async () => {
      const second = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Third' })).body.id;
      const c = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'lists@example.com' }], lists: [{ id: list }, { id: second }] })).body;
      assert.equal((await v2('DELETE', `/v2/contacts/${c.id}/lists/${second}`)).status, 204);
      assert.deepEqual((await v2<V2Contact>('GET', `/v2/contacts/${c.id}`)).body.lists, [{ id: list, status: 'ACTIVE' }]);
      assert.equal((await v2('DELETE', `/v2/contacts/${c.id}/lists/9999`)).status, 404);
      assert.equal((await v2('DELETE', `/v2/contacts/${c.id}/lists`)).status, 204);
      const read = (await v2<V2Contact>('GET', `/v2/contacts/${c.id}`)).body;
      assert.deepEqual([read.status, read.lists], ['REMOVED', []]);
      assert.ok((await v2<V2Page>('GET', '/v2/contacts?status=REMOVED')).body.results.some((x) => x.id === c.id));
    });

    it('GET /v2/contacts: envelope, filters, next_link with the token alone, and 400 for bad parameters', async () => {
      const all = (await v2<V2Page>('GET', '/v2/contacts?limit=500')).body;
      assert.deepEqual(all.meta, { pagination: {} });
      all.results.forEach(assertV2Contact);
      const seen: string[] = [];
      let path: string | undefined = '/v2/contacts?limit=2';
      while (path) {
        const page: { status: number; body: V2Page } = await v2<V2Page>('GET', path);
        assert.equal(page.status, 200, errorMessages(page.body));
        assert.ok(page.body.results.length <= 2);
        seen.push(...page.body.results.map((r) => r.id));
        path = page.body.meta.pagination.next_link;
        if (path) assert.match(path, /^\/v2\/contacts\?next=[A-Za-z0-9_-]+$/);
      }
      assert.deepEqual(seen, all.results.map((r) => r.id));
      const byEmail = (await v2<V2Page>('GET', '/v2/contacts?email=ADA%40example.com')).body.results;
      assert.deepEqual(byEmail.map((r) => r.email_addresses[0]!.email_address), ['ada@example.com']);
      for (const q of ['limit=0', 'limit=501', 'limit=x', 'status=GONE', 'modified_since=yesterday', 'next=abc', `next=${'A'.repeat(40)}`, 'email=nope', 'include_contact_id=maybe']) {
        const res = await v2('GET', `/v2/contacts?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal((res.body as { error_key: string }[])[0]!.error_key, 'http.status.bad_request');
      }
      // A token is bound to the account and the collection it came from.
      const token = (await v2<V2Page>('GET', '/v2/contacts?limit=1')).body.meta.pagination.next_link!.split('next=')[1];
      assert.equal((await other('GET', `/v2/contacts?next=${token}`)).status, 400);
      assert.equal((await v2('GET', `/v2/lists/${list}/contacts?next=${token}`)).status, 400);
    });

    it('modified_since accepts the forms the SDKs send and returns contacts changed on or after it', async () => {
      const c = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'recent@example.com' }] })).body;
      const at = c.modified_date;
      const seconds = `${at.slice(0, 19)}Z`;
      for (const since of [at, seconds, `${at.slice(0, 19)}+00:00`, `${at.slice(0, 22)}Z`]) {
        const res = await v2<V2Page>('GET', `/v2/contacts?modified_since=${encodeURIComponent(since)}`);
        assert.equal(res.status, 200, since);
        assert.ok(res.body.results.some((r) => r.id === c.id), since);
      }
      const later = new Date(Date.parse(at) + 1).toISOString();
      const none = await v2<V2Page>('GET', `/v2/contacts?modified_since=${later}`);
      assert.ok(!none.body.results.some((r) => r.id === c.id));
    });
  });
}
