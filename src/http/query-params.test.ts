import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type ApiCall, type ApiError, createOwnerAndOther } from '../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { UNSERVED_PARAMETERS } from './query-params.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

/** Every /v3 read an integration filters, with a query that is valid on its own. */
const READS = [
  '/v3/contacts?status=all',
  '/v3/contacts/counts',
  '/v3/contact_lists?limit=10',
  '/v3/contact_tags',
  '/v3/contact_custom_fields',
  '/v3/activities',
  '/v3/account/summary',
];

for (const dialect of TEST_DIALECTS) {
  describe(`/v3 query parameters that are not served (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let contactId: string;
    let apiKey: string;
    before(async () => {
      server = await startTestServer(dialect);
      const accounts = await createOwnerAndOther(server);
      api = accounts.api;
      apiKey = accounts.owner.clientId;
      const created = await api<{ contact_id: string }>('POST', '/v3/contacts', {
        create_source: 'Account',
        email_address: { address: 'ada@example.com' },
      });
      assert.equal(created.status, 201, created.text);
      contactId = created.body.contact_id;
    });
    after(() => server.close());

    it('answers 400 naming segment_id and sms_status on GET /v3/contacts, each in its own item', async () => {
      const res = await api<ApiError>('GET', '/v3/contacts?segment_id=12&sms_status=explicit&limit=5');
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        res.body.map((e) => e.error_key),
        ['contacts.api.validation.error', 'contacts.api.validation.error'],
      );
      assert.match(res.body[0]!.error_message, /^segment_id is not supported: .*segments/);
      assert.match(res.body[1]!.error_message, /^sms_status is not supported: .*SMS/);
    });

    it('answers 400 naming channel_type on GET /v3/contact_lists, whatever its value', async () => {
      for (const value of ['email', 'sms']) {
        const res = await api<ApiError>('GET', `/v3/contact_lists?channel_type=${value}`);
        assert.equal(res.status, 400, res.text);
        assert.match(res.body[0]!.error_message, /^channel_type is not supported/);
      }
    });

    it('answers 400 for a parameter the operation does not have, and still accepts api_key', async () => {
      const typo = await api<ApiError>('GET', `/v3/contacts/${contactId}?includes=notes`);
      assert.equal(typo.status, 400, typo.text);
      assert.equal(typo.body[0]!.error_message, 'includes is not a parameter of this operation');
      const withKey = await api('GET', `/v3/contacts/${contactId}?include=notes&api_key=${apiKey}`);
      assert.equal(withKey.status, 200, withKey.text);
    });

    it('writes nothing when a write carries an unknown parameter', async () => {
      const res = await api('POST', '/v3/contact_tags?segment_id=1', { name: 'never stored' });
      assert.equal(res.status, 400, res.text);
      const tags = await api<{ tags: { name: string }[] }>('GET', '/v3/contact_tags');
      assert.deepEqual(tags.body.tags, []);
    });

    it('property: a read that carries a parameter Listgate does not serve never answers 200', async () => {
      const unserved = fc.constantFrom(...Object.keys(UNSERVED_PARAMETERS));
      const unknown = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).map((s) => `x_${s}`);
      const value = fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.uuid(), fc.constantFrom('email', 'sms', 'true'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...READS), fc.oneof(unserved, unknown), value, async (path, name, v) => {
          const url = `${path}${path.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${encodeURIComponent(v)}`;
          const res = await api<ApiError>('GET', url);
          assert.equal(res.status, 400, `${url}: ${res.text}`);
          assert.ok(res.body.some((e) => e.error_message.startsWith(`${name} `)), res.text);
        }),
        { numRuns: RUNS },
      );
    });
  });
}
