import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, createOwnerAndOther } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';

type Email = { email_address: string; email_id: number; confirm_status: string; roles: string[] };
const ADDRESS = { address_line1: '1 Main St', city: 'Springfield', state_code: 'MA', postal_code: '01101', country_code: 'us' };

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/account services (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let other: ApiCall;
    let ownerEmail: string;
    before(async () => {
      server = await startTestServer(dialect);
      const accounts = await createOwnerAndOther(server);
      ({ api, other } = accounts);
      ownerEmail = accounts.owner.email;
    });
    after(() => server.close());

    it('lists the contact email, adds an unconfirmed one (201), refuses duplicates (409) and filters', async () => {
      const first = await api<Email[]>('GET', '/v3/account/emails');
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.body.map((e) => [e.email_id, e.confirm_status, e.roles]), [[1, 'CONFIRMED', ['CONTACT']]]);
      const added = await api<Email>('POST', '/v3/account/emails', { email_address: 'Billing@Example.com' });
      assert.equal(added.status, 201, added.text);
      assert.deepEqual(added.body, { email_address: 'billing@example.com', email_id: 2, confirm_status: 'UNCONFIRMED' });
      assert.equal((await api('POST', '/v3/account/emails', { email_address: 'billing@example.com' })).status, 409);
      assert.equal((await api('POST', '/v3/account/emails', { email_address: first.body[0]!.email_address })).status, 409);
      assert.equal((await api('POST', '/v3/account/emails', { email_address: 'nope' })).status, 400);
      const unconfirmed = await api<Email[]>('GET', '/v3/account/emails?confirm_status=U');
      assert.deepEqual(unconfirmed.body.map((e) => e.email_address), ['billing@example.com']);
      const contact = await api<Email[]>('GET', '/v3/account/emails?role_code=CONTACT');
      assert.deepEqual(contact.body.map((e) => e.email_id), [1]);
      assert.equal((await api('GET', '/v3/account/emails?role_code=BOSS')).status, 400);
      const others = await other<Email[]>('GET', '/v3/account/emails');
      assert.equal(others.body.length, 1, "another account never sees this account's addresses");
      assert.notEqual(others.body[0]!.email_address, 'billing@example.com');
      assert.ok(ownerEmail);
    });

    it("answers the token user's privileges from its scopes", async () => {
      const all = await api<{ privilege_name: string }[]>('GET', '/v3/account/user/privileges');
      assert.equal(all.status, 200, all.text);
      assert.ok(all.body.some((p) => p.privilege_name === 'contacts:write'));
      const narrow = await createAccountWithToken(server, { scope: 'account_read' });
      const res = await apiClient(server.url, narrow)<{ privilege_name: string }[]>('GET', '/v3/account/user/privileges');
      assert.deepEqual(res.body.map((p) => p.privilege_name), ['account:read']);
    });

    it('adds (201, then 409), reads and replaces the physical address; the summary shows it with extra_fields', async () => {
      assert.equal((await api('GET', '/v3/account/summary/physical_address')).status, 404);
      assert.equal((await api('PUT', '/v3/account/summary/physical_address', ADDRESS)).status, 404);
      const bad = await api('POST', '/v3/account/summary/physical_address', { city: 'Nowhere', country_code: 'USA' });
      assert.equal(bad.status, 400);
      const posted = await api<typeof ADDRESS>('POST', '/v3/account/summary/physical_address', ADDRESS);
      assert.equal(posted.status, 201, posted.text);
      assert.equal(posted.body.country_code, 'US');
      assert.equal((await api('POST', '/v3/account/summary/physical_address', ADDRESS)).status, 409);
      const put = await api<typeof ADDRESS>('PUT', '/v3/account/summary/physical_address', { ...ADDRESS, city: 'Shelbyville' });
      assert.equal(put.status, 200, put.text);
      assert.equal((await api<typeof ADDRESS>('GET', '/v3/account/summary/physical_address')).body.city, 'Shelbyville');
      const plain = await api<Record<string, unknown>>('GET', '/v3/account/summary');
      assert.equal('physical_address' in plain.body, false);
      const extra = await api<{ physical_address?: { city: string } }>('GET', '/v3/account/summary?extra_fields=physical_address,company_logo');
      assert.equal(extra.body.physical_address?.city, 'Shelbyville');
      assert.equal((await api('GET', '/v3/account/summary?extra_fields=logo')).status, 400);
      assert.equal((await other('GET', '/v3/account/summary/physical_address')).status, 404);
    });

    it('keeps contact_phone, organization_phone and website in the summary', async () => {
      const put = await api<Record<string, string>>('PUT', '/v3/account/summary', {
        contact_phone: '555-0100',
        organization_phone: '555-0199',
        website: 'https://example.com',
      });
      assert.equal(put.status, 200, put.text);
      const read = await api<Record<string, string>>('GET', '/v3/account/summary');
      assert.equal(read.body.contact_phone, '555-0100');
      assert.equal(read.body.organization_phone, '555-0199');
      assert.equal(read.body.website, 'https://example.com');
    });
  });
}
