// What the dialect carries beyond plain fields: custom values checked against their field (every type, choices),
// sms_channel stored and returned, 50 custom fields on the sign-up form, phone sources, and deleted contacts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, type ApiError, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

type CustomValue = { custom_field_id: string; value?: string; choice_ids?: string[] };
type Contact = {
  contact_id: string;
  email_address?: { address: string; permission_to_send: string; opt_out_source?: string; opt_out_date?: string };
  sms_channel?: { sms_channel_id: string; sms_address: string; create_source: string; update_source: string; sms_channel_consents: { sms_consent_permission: string }[] };
  custom_fields?: CustomValue[];
  phone_numbers?: { phone_number: string; kind: string; create_source?: string; update_source?: string }[];
  list_memberships?: string[];
  deleted_at?: string;
};

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/contacts dialect fidelity (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    const field: Record<string, string> = {};
    before(async () => {
      server = await startTestServer(dialect);
      ({ api } = await createOwnerAndOther(server));
      const defs: [string, Record<string, unknown>][] = [
        ['datetime', {}],
        ['text_area', {}],
        ['number', { metadata: { integer: true, allow_negative: false } }],
        ['currency', {}],
        ['date', {}],
        ['boolean', {}],
        ['single_select', { choices: [{ choice_label: 'Red' }, { choice_label: 'Blue' }] }],
        ['multi_select', { choices: [{ choice_label: 'Tea' }, { choice_label: 'Coffee' }, { choice_label: 'Milk' }] }],
      ];
      for (const [type, extra] of defs) {
        const res = await api<{ custom_field_id: string; type: string }>('POST', '/v3/contact_custom_fields', { label: `F ${type}`, type, ...extra });
        assert.equal(res.status, 201, res.text);
        assert.equal(res.body.type, type);
        field[type] = res.body.custom_field_id;
      }
    });
    after(() => server.close());

    const post = (body: Record<string, unknown>) =>
      api<Contact>('POST', '/v3/contacts', { create_source: 'Account', ...body });

    it('stores values of every custom field type and answers choice_ids for select fields', async () => {
      const res = await post({
        email_address: { address: 'types@example.com' },
        custom_fields: [
          { custom_field_id: field.datetime, value: '2026-05-31T09:30:00Z' },
          { custom_field_id: field.text_area, value: 'y'.repeat(900) },
          { custom_field_id: field.number, value: '42' },
          { custom_field_id: field.currency, value: '-12.50' },
          { custom_field_id: field.date, value: '05/31/2026' },
          { custom_field_id: field.boolean, value: 'TRUE' },
          { custom_field_id: field.single_select, choice_ids: ['2'] },
          { custom_field_id: field.multi_select, value: 'Tea, Milk' },
        ],
      });
      assert.equal(res.status, 201, res.text);
      const read = await api<Contact>('GET', `/v3/contacts/${res.body.contact_id}?include=custom_fields`);
      const byId = new Map(read.body.custom_fields?.map((c) => [c.custom_field_id, c]));
      assert.equal(byId.get(field.text_area!)?.value?.length, 900);
      assert.equal(byId.get(field.boolean!)?.value, 'true');
      assert.deepEqual(byId.get(field.single_select!), { custom_field_id: field.single_select, choice_ids: ['2'] });
      assert.deepEqual(byId.get(field.multi_select!)?.choice_ids, ['1', '3'], 'labels name choices too');
    });

    it('refuses values that do not fit their field, all reported at once, and writes nothing', async () => {
      const res = await post({
        email_address: { address: 'misfit@example.com' },
        custom_fields: [
          { custom_field_id: field.datetime, value: 'yesterday' },
          { custom_field_id: field.number, value: '-3' },
          { custom_field_id: field.currency, value: '1.234' },
          { custom_field_id: field.date, value: '2026-02-30' },
          { custom_field_id: field.boolean, value: 'maybe' },
          { custom_field_id: field.single_select, choice_ids: ['1', '2'] },
          { custom_field_id: field.multi_select, choice_ids: ['9'] },
        ],
      });
      assert.equal(res.status, 400, res.text);
      const messages = (res.body as unknown as ApiError).map((e) => e.error_message);
      for (let i = 0; i < 7; i++) assert.ok(messages.some((m) => m.startsWith(`custom_fields[${i}]`)), `item ${i}: ${messages.join(' | ')}`);
      const found = await api<{ contacts: unknown[] }>('GET', '/v3/contacts?email=misfit@example.com');
      assert.equal(found.body.contacts.length, 0);
    });

    it('accepts an SMS-only contact and keeps its sms_channel across a replace', async () => {
      const sms = {
        full_sms_address: '+15551234567',
        sms_channel_consents: [{ sms_consent_permission: 'explicit', consent_type: 'promotional_sms' }],
      };
      const created = await post({ sms_channel: sms });
      assert.equal(created.status, 201, created.text);
      const channel = created.body.sms_channel!;
      assert.equal(channel.sms_address, '+15551234567');
      assert.equal(channel.create_source, 'Account');
      assert.equal(channel.sms_channel_consents[0]?.sms_consent_permission, 'explicit');
      const put = await api<Contact>('PUT', `/v3/contacts/${created.body.contact_id}`, { update_source: 'Contact', sms_channel: sms });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.sms_channel?.sms_channel_id, channel.sms_channel_id);
      assert.equal(put.body.sms_channel?.update_source, 'Contact');
      const bad = await post({ sms_channel: { full_sms_address: 'call me', sms_channel_consents: [{ sms_consent_permission: 'x', consent_type: 'promotional_sms' }] } });
      assert.equal(bad.status, 400);
      assert.match(errorMessages(bad.body), /phone number.*sms_consent_permission|sms_consent_permission.*phone number/);
    });

    it('takes 50 custom fields and an sms_channel on the sign-up form, and refuses 51', async () => {
      const list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Form list' })).body.list_id;
      const ids: string[] = [];
      for (let i = 0; i < 51; i++) {
        const res = await api<{ custom_field_id: string }>('POST', '/v3/contact_custom_fields', { label: `Form ${i}`, type: 'string' });
        ids.push(res.body.custom_field_id);
      }
      const body = (n: number) => ({
        email_address: 'form50@example.com',
        list_memberships: [list],
        custom_fields: ids.slice(0, n).map((id, i) => ({ custom_field_id: id, value: `v${i}` })),
        sms_channel: { sms_address: '5551234567', dial_code: '1', country_code: 'us', sms_channel_consents: [] },
      });
      assert.equal((await api('POST', '/v3/contacts/sign_up_form', body(51))).status, 400);
      const ok = await api<{ contact_id: string }>('POST', '/v3/contacts/sign_up_form', body(50));
      assert.equal(ok.status, 201, ok.text);
      const read = await api<Contact>('GET', `/v3/contacts/${ok.body.contact_id}?include=custom_fields`);
      assert.equal(read.body.custom_fields?.length, 50);
      assert.equal(read.body.sms_channel?.sms_address, '5551234567');
    });

    it('gives phone numbers create_source and update_source; a kept number keeps its create_source', async () => {
      const created = await post({ first_name: 'Phony', phone_numbers: [{ phone_number: '555-0100', kind: 'home' }] });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.phone_numbers?.[0]?.create_source, 'Account');
      const put = await api<Contact>('PUT', `/v3/contacts/${created.body.contact_id}`, {
        update_source: 'Contact',
        first_name: 'Phony',
        phone_numbers: [{ phone_number: '555-0100', kind: 'work' }, { phone_number: '555-0199', kind: 'mobile' }],
      });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(
        put.body.phone_numbers?.map((p) => [p.phone_number, p.create_source, p.update_source]),
        [['555-0100', 'Account', 'Contact'], ['555-0199', 'Contact', 'Contact']],
      );
    });

    it('strips a deleted contact of its lists and records the opt-out; a restore clears it', async () => {
      const list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Doomed' })).body.list_id;
      const created = await post({ email_address: { address: 'gone@example.com', permission_to_send: 'explicit' }, list_memberships: [list] });
      const id = created.body.contact_id;
      assert.equal((await api('DELETE', `/v3/contacts/${id}`)).status, 204);
      const read = await api<Contact>('GET', `/v3/contacts/${id}?include=list_memberships`);
      assert.deepEqual(read.body.list_memberships, []);
      assert.equal(read.body.email_address?.opt_out_source, 'Account');
      assert.equal(read.body.email_address?.opt_out_date, read.body.deleted_at);
      const counted = await api<{ membership_count: number }>('GET', `/v3/contact_lists/${list}?include_membership_count=all`);
      assert.equal(counted.body.membership_count, 0);
      const restored = await api<Contact>('PUT', `/v3/contacts/${id}`, { update_source: 'Account', email_address: { address: 'gone@example.com' } });
      assert.equal(restored.status, 200, restored.text);
      assert.equal(restored.body.email_address?.opt_out_date, undefined);
      assert.equal(restored.body.deleted_at, undefined);
    });
  });
}
