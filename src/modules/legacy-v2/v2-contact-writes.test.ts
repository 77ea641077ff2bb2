// Contract tests of v2 contact writes beyond the basic create and replace (v2-contacts.test.ts): the
// v2-only name fields, one transaction per PUT, concurrent PUTs, and an email taken by another contact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import type { V2Contact } from './v2-contact-view.ts';
import type { V2Page } from './v2-contacts.service.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`/v2/contacts writes (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let v2: V2Call;

    before(async () => {
      server = await startTestServer(dialect);
      owner = await createAccountWithToken(server);
      v2 = v2Client(server.url, owner);
    });
    after(() => server.close());

    it('keeps prefix_name, middle_name and department_name: set, kept when null or absent, cleared by "", untouched by v3', async () => {
      const names = { prefix_name: 'Dr.', middle_name: 'Byron', department_name: 'Analytics' };
      const created = await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'names@example.com' }], first_name: 'Ada', ...names });
      assert.equal(created.status, 201, errorMessages(created.body));
      const pick = (c: V2Contact) => ({ prefix_name: c.prefix_name, middle_name: c.middle_name, department_name: c.department_name });
      assert.deepEqual(pick(created.body), names);
      assert.deepEqual(pick((await v2<V2Contact>('GET', `/v2/contacts/${created.body.id}`)).body), names);
      const php = await v2<V2Contact>('PUT', `/v2/contacts/${created.body.id}`, { ...created.body, prefix_name: null, middle_name: undefined, department_name: 'Engines' });
      assert.deepEqual(pick(php.body), { ...names, department_name: 'Engines' });
      // A v3 full replace does not know the fields and leaves them alone.
      const withId = (await v2<V2Contact>('GET', `/v2/contacts/${created.body.id}?include_contact_id=true`)).body;
      const v3 = await fetch(`${server.url}/v3/contacts/${withId.contact_id}`, {
        method: 'PUT', headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email_address: { address: 'names@example.com' }, first_name: 'Augusta', update_source: 'Account' }),
      });
      assert.equal(v3.status, 200, await v3.text());
      const after = (await v2<V2Contact>('GET', `/v2/contacts/${created.body.id}`)).body;
      assert.equal(after.first_name, 'Augusta');
      assert.deepEqual(pick(after), { ...names, department_name: 'Engines' });
      const cleared = await v2<V2Contact>('PUT', `/v2/contacts/${created.body.id}`, { ...after, prefix_name: '', middle_name: '', department_name: '' });
      assert.deepEqual(pick(cleared.body), { prefix_name: '', middle_name: '', department_name: '' });
      const bad = await v2('PUT', `/v2/contacts/${created.body.id}`, { ...after, middle_name: 'x'.repeat(256) });
      assert.equal(bad.status, 400);
      assert.match(errorMessages(bad.body), /middle_name/);
      assert.equal((await v2<V2Contact>('GET', `/v2/contacts/${created.body.id}`)).body.prefix_name, '');
    });

    it('PUT is one transaction: refused inside it, it creates no custom field slot and changes nothing', async () => {
      // A contact known by name only: a v2 PUT that blanks the names leaves it nothing, which the write refuses.
      const v3 = await fetch(`${server.url}/v3/contacts`, {
        method: 'POST', headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ first_name: 'Nameonly', create_source: 'Account' }),
      });
      const text = await v3.text();
      assert.equal(v3.status, 201, text);
      const v3Id = (JSON.parse(text) as { contact_id: string }).contact_id;
      const found = (await v2<V2Page>('GET', '/v2/contacts?limit=500&include_contact_id=true')).body.results.find((c) => c.contact_id === v3Id)!;
      const res = await v2('PUT', `/v2/contacts/${found.id}`, { ...found, first_name: '', last_name: '', middle_name: 'Kept?', custom_fields: [{ name: 'CustomField9', value: 'x' }] });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      const fields = await fetch(`${server.url}/v3/contact_custom_fields?limit=100`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
      const names = ((await fields.json()) as { custom_fields: { name: string }[] }).custom_fields.map((f) => f.name);
      assert.ok(!names.includes('CustomField9'), names.join());
      const after = (await v2<V2Contact>('GET', `/v2/contacts/${found.id}`)).body;
      assert.deepEqual([after.first_name, after.middle_name, after.modified_date], ['Nameonly', '', found.modified_date]);
    });

    it('concurrent PUTs that each send one field both land: a PUT built on a stale read is built again', async () => {
      const c = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'race@example.com' }] })).body;
      for (let round = 0; round < 8; round++) {
        const [a, b] = await Promise.all([
          v2<V2Contact>('PUT', `/v2/contacts/${c.id}`, { first_name: `First ${round}` }),
          v2<V2Contact>('PUT', `/v2/contacts/${c.id}`, { job_title: `Title ${round}`, middle_name: `Middle ${round}` }),
        ]);
        assert.deepEqual([a.status, b.status], [200, 200], JSON.stringify([a.body, b.body]));
        const now = (await v2<V2Contact>('GET', `/v2/contacts/${c.id}`)).body;
        assert.deepEqual([now.first_name, now.job_title, now.middle_name], [`First ${round}`, `Title ${round}`, `Middle ${round}`], `round ${round}`);
      }
    });

    it('PUT answers 409 when the new email belongs to another contact, and changes nothing', async () => {
      assert.equal((await v2('POST', '/v2/contacts', { email_addresses: [{ email_address: 'Ada@Example.com' }] })).status, 201);
      const c = (await v2<V2Contact>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'mine@example.com' }] })).body;
      const res = await v2('PUT', `/v2/contacts/${c.id}`, { ...c, first_name: 'Changed', email_addresses: [{ email_address: 'ada@example.com' }] });
      assert.equal(res.status, 409);
      assert.equal((await v2<V2Contact>('GET', `/v2/contacts/${c.id}`)).body.first_name, '');
    });
  });
}
