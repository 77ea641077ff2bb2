import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, type ApiError, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { rowCounts } from '../../../test/helpers/db-dump.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { TestToken } from '../../../test/helpers/tokens.ts';
import { type V2Call, v2Client } from '../../../test/helpers/v2.ts';
import { EMAIL_MAX } from '../../shared/validate.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import { ADDRESS_KINDS, LENGTHS, LIMITS, PERMISSIONS, PHONE_KINDS } from './contact-rules.ts';

type Schema = {
  type?: string | string[];
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  format?: string;
  errorMessage?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
};
type OpenApi = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>> };

const messages = (body: unknown) => (body as ApiError).map((e) => e.error_message);

for (const dialect of TEST_DIALECTS) {
  describe(`contact field rules (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let v2: V2Call;
    let owner: TestToken;
    let createBody: Schema;
    before(async () => {
      server = await startTestServer(dialect);
      ({ api, owner } = await createOwnerAndOther(server));
      v2 = v2Client(server.url, owner);
      await api('POST', '/v3/contact_custom_fields', { label: 'Tier', type: 'string' });
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenApi;
      createBody = doc.paths['/v3/contacts']!.post!.requestBody!.content['application/json']!.schema;
    });
    after(() => server.close());

    it('answers every field error of a v3 body in one 400, each with its field path, and writes nothing', async () => {
      const before = await rowCounts(server.services.db);
      const res = await api<ApiError>('POST', '/v3/contacts', {
        create_source: 'Robot',
        email_address: { address: 'not-an-address', permission_to_send: 'maybe' },
        first_name: 'x'.repeat(LENGTHS.name + 1),
        job_title: 'bell\u0007',
        birthday_month: 5,
        anniversary: '2026-02-30',
        phone_numbers: [{ phone_number: '+1 555 0100', kind: 'pager' }, { phone_number: ' ' }],
        street_addresses: [{ kind: 'moon', city: 'c'.repeat(LENGTHS.city + 1) }],
        list_memberships: ['not-a-uuid'],
        custom_fields: [{ custom_field_id: 'nope', value: 'v'.repeat(LENGTHS.customValue.text_area + 1) }],
        notes: [{ content: 'n'.repeat(LENGTHS.note + 1) }],
        sms_channel: { sms_channel_consents: [{ sms_consent_permission: 'x', consent_type: 'promotional_sms' }] },
      });
      assert.equal(res.status, 400, res.text);
      assert.ok(res.body.every((e) => e.error_key === 'contacts.api.validation.error'));
      const fields = [
        'create_source',
        'email_address.address',
        'email_address.permission_to_send',
        'first_name',
        'job_title',
        'birthday_month',
        'anniversary',
        'phone_numbers[0].kind',
        'phone_numbers[1].phone_number',
        'street_addresses[0].kind',
        'street_addresses[0].city',
        'list_memberships[0]',
        'custom_fields[0].custom_field_id',
        'custom_fields[0].value',
        'notes[0].content',
        'sms_channel.full_sms_address',
        'sms_channel.sms_channel_consents[0].sms_consent_permission',
      ];
      const got = messages(res.body);
      for (const field of fields) assert.ok(got.some((m) => m.startsWith(`${field} `)), `${field}: ${got.join(' | ')}`);
      assert.equal(got.length, fields.length, got.join(' | '));
      assert.deepEqual(await rowCounts(server.services.db), before);
    });

    it('answers the rules between fields in the same 400 as the field rules', async () => {
      const res = await api<ApiError>('POST', '/v3/contacts', {
        create_source: 'Account',
        birthday_day: 4,
        company_name: 'c'.repeat(LENGTHS.name + 1),
      });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(messages(res.body).sort(), [
        'birthday_month and birthday_day must be given together',
        `company_name must be at most ${LENGTHS.name} characters of text, without control characters`,
        'email_address is required unless sms_channel, first_name or last_name is given',
      ]);
    });

    it('answers every error of the sign-up form and of a v2 body at once, and writes nothing', async () => {
      const before = await rowCounts(server.services.db);
      const form = await api<ApiError>('POST', '/v3/contacts/sign_up_form', {
        email_address: 'nobody',
        list_memberships: [],
        phone_number: 'p'.repeat(LENGTHS.phone + 1),
        street_address: { kind: 'moon' },
        birthday_month: 13,
        birthday_day: 1,
      });
      assert.equal(form.status, 400, form.text);
      const formFields = ['email_address', 'list_memberships', 'phone_number', 'street_address.kind', 'birthday_month'];
      assert.deepEqual(messages(form.body).map((m) => m.split(' ')[0]).sort(), formFields.sort(), form.text);
      // v2 bodies come through no v3 route: the service checks their translation by the same rules.
      const legacy = await v2<ApiError>('POST', '/v2/contacts', {
        email_addresses: [{ email_address: 'not-an-address' }],
        first_name: 'x'.repeat(LENGTHS.name + 1),
        home_phone: 'p'.repeat(LENGTHS.phone + 1),
        addresses: [{ address_type: 'PERSONAL', city: 'c'.repeat(LENGTHS.city + 1) }, { address_type: 'MOON' }],
        custom_fields: [{ name: 'CustomField99', value: 'x' }],
      });
      assert.equal(legacy.status, 400, legacy.text);
      const got = messages(legacy.body).join(' | ');
      const v2Fields = ['addresses[1].address_type', 'custom_fields[0].name'];
      for (const field of ['email_address.address', 'first_name', 'phone_numbers[0].phone_number', 'street_addresses[0].city', ...v2Fields]) {
        assert.match(got, new RegExp(`(^| \\| )${field.replace(/[[\].]/g, '\\$&')} `), got);
      }
      assert.deepEqual(await rowCounts(server.services.db), before);
    });

    it('shows the limits the service applies in /openapi.json', () => {
      const p = createBody.properties!;
      for (const name of ['first_name', 'last_name', 'job_title', 'company_name']) assert.equal(p[name]!.maxLength, LENGTHS.name, name);
      assert.equal(p.email_address!.properties!.address!.maxLength, EMAIL_MAX);
      assert.equal(p.email_address!.properties!.address!.format, 'email');
      assert.deepEqual(p.email_address!.properties!.permission_to_send!.enum, [...PERMISSIONS]);
      assert.deepEqual(p.phone_numbers!.items!.properties!.kind!.enum, [...PHONE_KINDS]);
      assert.equal(p.phone_numbers!.items!.properties!.phone_number!.maxLength, LENGTHS.phone);
      assert.equal(p.phone_numbers!.maxItems, LIMITS.phones);
      const address = p.street_addresses!.items!.properties!;
      assert.deepEqual(address.kind!.enum, [...ADDRESS_KINDS]);
      assert.equal(address.street!.maxLength, LENGTHS.street);
      assert.equal(address.city!.maxLength, LENGTHS.city);
      assert.equal(p.list_memberships!.maxItems, LIMITS.lists);
      assert.equal(p.list_memberships!.items!.format, 'uuid');
      assert.equal(p.custom_fields!.items!.properties!.value!.maxLength, LENGTHS.customValue.text_area);
      assert.equal(p.notes!.items!.properties!.content!.maxLength, LENGTHS.note);
      assert.equal(p.anniversary!.format, 'anniversary');
      assert.equal(p.birthday_month!.maximum, 12);
    });

    it('a rule written once reads the same in the schema, the v3 answer, a v2 answer and an import row error', async () => {
      const max = createBody.properties!.first_name!.maxLength!;
      const rule = createBody.properties!.first_name!.errorMessage!;
      assert.equal(max, LENGTHS.name);
      assert.match(rule, new RegExp(`at most ${max} characters`));
      const atLimit = await api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', first_name: 'x'.repeat(max) });
      assert.equal(atLimit.status, 201, atLimit.text);
      const over = await api<ApiError>('POST', '/v3/contacts', { create_source: 'Account', first_name: 'x'.repeat(max + 1) });
      assert.deepEqual(messages(over.body), [`first_name ${rule}`]);
      const legacy = await v2<ApiError>('POST', '/v2/contacts', { email_addresses: [{ email_address: 'rule@example.com' }], first_name: 'x'.repeat(max + 1) });
      assert.deepEqual(messages(legacy.body), [`first_name ${rule}`]);

      const city = createBody.properties!.street_addresses!.items!.properties!.city!;
      const csv = `email,first_name,city,cf:Tier\r\nok@example.com,${'x'.repeat(max)},${'c'.repeat(city.maxLength!)},gold\r\nlong@example.com,${'x'.repeat(max + 1)},,\r\ncity@example.com,,${'c'.repeat(city.maxLength! + 1)},\r\n`;
      const form = new FormData();
      form.append('file', new Blob([csv]), 'contacts.csv');
      form.append('list_ids', (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Rules' })).body.list_id);
      const created = await fetch(`${server.url}/v3/activities/contacts_file_import`, { method: 'POST', headers: owner.headers, body: form });
      assert.equal(created.status, 201, await created.clone().text());
      let activity = (await created.json()) as ApiActivity;
      for (let i = 0; i < 200 && !['completed', 'failed'].includes(activity.state); i++) {
        await new Promise((r) => setTimeout(r, 25));
        activity = (await api<ApiActivity>('GET', `/v3/activities/${activity.activity_id}`)).body;
      }
      assert.equal(activity.state, 'completed', errorMessages(activity.activity_errors));
      assert.deepEqual(activity.activity_errors, [
        `line 3, long@example.com: first_name ${rule}`,
        `line 4, city@example.com: city ${city.errorMessage}`,
      ]);
      assert.equal(activity.status.error_count, 2);
    });
  });
}
