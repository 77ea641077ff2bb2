import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import type { ApiCustomField } from './custom-fields.repository.ts';

type Page = { custom_fields: ApiCustomField[]; _links: { next?: { href: string } } };
const MISSING = '5d0c8a3e-7b1f-4c2d-8e9a-0f1b2c3d4e5f';

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/contact_custom_fields (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let api: ApiCall;
    let other: ApiCall;

    before(async () => {
      server = await startTestServer(dialect);
      ({ owner, api, other } = await createOwnerAndOther(server));
    });
    after(() => server.close());

    const create = async (body: Record<string, unknown>, call: ApiCall = api) => {
      const res = await call<ApiCustomField>('POST', '/v3/contact_custom_fields', body);
      assert.equal(res.status, 201, errorMessages(res.body));
      return res.body;
    };

    it('creates a field, derives its name from the label, keeps metadata and version, ignores unknown fields', async () => {
      const field = await create({ label: 'Shoe size', type: 'number', metadata: { integer: true, x: 1 }, version: 2, name: 'chosen' });
      assert.equal(field.name, 'Shoe_size');
      assert.equal(field.type, 'number');
      assert.equal(field.choices, undefined);
      assert.deepEqual((field as { metadata?: unknown }).metadata, { integer: true });
      assert.equal((field as { version?: unknown }).version, 2);
      assert.deepEqual((await api('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).body, field);
    });

    it('creates select fields with numbered choices and keeps choice ids across PUT', async () => {
      const field = await create({
        label: 'Favorite color',
        type: 'single_select',
        choices: [{ choice_label: 'Red' }, { choice_label: 'Blue', display_order: 5 }],
      });
      assert.deepEqual(field.choices, [
        { choice_id: 1, choice_label: 'Red', display_order: 1 },
        { choice_id: 2, choice_label: 'Blue', display_order: 5 },
      ]);
      const put = await api<ApiCustomField>('PUT', `/v3/contact_custom_fields/${field.custom_field_id}`, {
        label: 'Colour',
        type: 'string',
        choices: [{ choice_id: 2, choice_label: 'Navy' }, { choice_label: 'Green' }],
      });
      assert.equal(put.status, 200, errorMessages(put.body));
      assert.equal(put.body.label, 'Colour');
      assert.equal(put.body.name, 'Favorite_color', 'the name is the stable identifier');
      assert.equal(put.body.type, 'single_select', 'the type cannot change');
      assert.deepEqual(put.body.choices, [
        { choice_id: 2, choice_label: 'Navy', display_order: 1 },
        { choice_id: 3, choice_label: 'Green', display_order: 2 },
      ]);
      const unknownChoice = await api('PUT', `/v3/contact_custom_fields/${field.custom_field_id}`, {
        label: 'Colour',
        choices: [{ choice_id: 9, choice_label: 'Ghost' }],
      });
      assert.equal(unknownChoice.status, 400);
      assert.match(errorMessages(unknownChoice.body), /choice_id 9/);
      assert.deepEqual((await api('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).body, put.body);
    });

    it('refuses bad input with 400 naming the field and writes nothing', async () => {
      const before = (await api<Page>('GET', '/v3/contact_custom_fields?limit=100')).body.custom_fields.length;
      const cases: [unknown, RegExp][] = [
        [{ type: 'string' }, /label/],
        [{ label: 'No type' }, /type/],
        [{ label: 'Bad type', type: 'blob' }, /type.*string, text_area, number/],
        [{ label: 'x'.repeat(51), type: 'string' }, /label/],
        [{ label: 'Pick', type: 'multi_select' }, /choices/],
        [{ label: 'Pick', type: 'multi_select', choices: [] }, /choices/],
        [{ label: 'Pick', type: 'single_select', choices: [{ choice_label: 'A' }, { choice_label: 'a' }] }, /twice/],
        [{ label: 'Pick', type: 'single_select', choices: [{ choice_label: '' }] }, /choice_label/],
        [{ label: 'Plain', type: 'string', choices: [{ choice_label: 'A' }] }, /choices apply only/],
        [{ label: 'Pick', type: 'single_select', choices: Array.from({ length: 101 }, (_, i) => ({ choice_label: `c${i}` })) }, /choices/],
      ];
      for (const [body, message] of cases) {
        const res = await api('POST', '/v3/contact_custom_fields', body);
        assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
        assert.match(errorMessages(res.body), message, JSON.stringify(body).slice(0, 80));
      }
      const after = (await api<Page>('GET', '/v3/contact_custom_fields?limit=100')).body.custom_fields.length;
      assert.equal(after, before);
      for (const path of ['/v3/contact_custom_fields?limit=101', '/v3/contact_custom_fields?limit=0', '/v3/contact_custom_fields/nope']) {
        assert.equal((await api('GET', path)).status, 400, path);
      }
      assert.equal((await api('GET', `/v3/contact_custom_fields/${MISSING}`)).status, 404);
      assert.equal((await api('PUT', `/v3/contact_custom_fields/${MISSING}`, { label: 'Ghost' })).status, 404);
      assert.equal((await api('DELETE', `/v3/contact_custom_fields/${MISSING}`)).status, 404);
    });

    it('answers 409 for a duplicate name and for the 101st field', async () => {
      await create({ label: 'Member since', type: 'date' });
      const dup = await api('POST', '/v3/contact_custom_fields', { label: 'Member  since', type: 'string' });
      assert.equal(dup.status, 409);
      assert.match(errorMessages(dup.body), /Member_since/);

      const crowded = await createAccountWithToken(server);
      const call = apiClient(server.url, crowded);
      for (let i = 0; i < 100; i++) await create({ label: `Field ${String(i).padStart(3, '0')}`, type: 'string' }, call);
      const full = await call('POST', '/v3/contact_custom_fields', { label: 'One too many', type: 'string' });
      assert.equal(full.status, 409);
      assert.match(errorMessages(full.body), /at most 100/);

      const names: string[] = [];
      let path: string | undefined = '/v3/contact_custom_fields?limit=30';
      while (path) {
        const res: { body: Page } = await call<Page>('GET', path);
        names.push(...res.body.custom_fields.map((f) => f.name));
        path = res.body._links.next?.href;
      }
      assert.equal(names.length, 100);
      assert.equal(new Set(names).size, 100);
      assert.deepEqual(names, [...names].sort());
      const page = await call<Page>('GET', '/v3/contact_custom_fields?limit=10');
      const cursor = page.body._links.next!.href.split('cursor=')[1]!;
      assert.equal((await call('GET', `/v3/contact_custom_fields?cursor=${cursor}&limit=11`)).status, 400);
      assert.equal((await call('GET', `/v3/contact_custom_fields?cursor=${cursor}x`)).status, 400);
      assert.equal((await api('GET', `/v3/contact_custom_fields?cursor=${cursor}`)).status, 400, 'another account');
    });

    it('deletes a field with every value contacts hold for it (204)', async () => {
      const field = await create({ label: 'Pet name', type: 'string' });
      const contacts = server.services.contacts;
      const contact = await contacts.createContact(owner.accountId, {
        email_address: { address: 'pet.owner@example.com' },
        create_source: 'Account',
        custom_fields: [{ custom_field_id: field.custom_field_id, value: 'Rex' }],
      });
      assert.deepEqual((await contacts.getContact(owner.accountId, contact.contact_id, 'custom_fields')).custom_fields, [
        { custom_field_id: field.custom_field_id, value: 'Rex' },
      ]);
      const before = await server.services.db.selectFrom('contacts').select('change_seq').where('contact_id', '=', contact.contact_id).executeTakeFirstOrThrow();
      const del = await api('DELETE', `/v3/contact_custom_fields/${field.custom_field_id}`);
      assert.equal(del.status, 204);
      assert.equal(del.text, '');
      assert.equal((await api('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).status, 404);
      const after = await contacts.getContact(owner.accountId, contact.contact_id, 'custom_fields');
      assert.deepEqual(after.custom_fields, []);
      const seq = await server.services.db.selectFrom('contacts').select('change_seq').where('contact_id', '=', contact.contact_id).executeTakeFirstOrThrow();
      assert.ok(Number(seq.change_seq) > Number(before.change_seq));
    });

    it('hides fields from other accounts', async () => {
      const field = await create({ label: 'Internal code', type: 'string' });
      assert.equal((await other('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).status, 404);
      assert.equal((await other('PUT', `/v3/contact_custom_fields/${field.custom_field_id}`, { label: 'X' })).status, 404);
      assert.equal((await other('DELETE', `/v3/contact_custom_fields/${field.custom_field_id}`)).status, 404);
      assert.equal((await other<Page>('GET', '/v3/contact_custom_fields')).body.custom_fields.length, 0);
      assert.deepEqual((await api('GET', `/v3/contact_custom_fields/${field.custom_field_id}`)).body, field);
    });
  });
}
