// Every contacts-domain and account-services operation of the generated v3 SDK (ctct-api-client), called as
// an integration would, each answer checked against the SDK's model: required fields present, the dialect's
// enumerations respected, and only the status codes the SDK documents. A test also checks that no operation
// of those SDK classes goes untried, so an SDK upgrade that adds one fails here until it is covered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AccountServicesApi,
  Configuration,
  ContactListsApi,
  ContactsApi,
  ContactsCustomFieldsApi,
  ContactTagsApi,
} from 'ctct-api-client';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken } from './helpers/tokens.ts';

const PERMISSIONS = ['explicit', 'implicit', 'not_set', 'pending_confirmation', 'temp_hold', 'unsubscribed'];
const SOURCES = ['Contact', 'Account'];
const FIELD_TYPES = ['string', 'text_area', 'number', 'currency', 'date', 'datetime', 'boolean', 'single_select', 'multi_select'];
const CLASSES = { ContactsApi, ContactListsApi, ContactTagsApi, ContactsCustomFieldsApi, AccountServicesApi };
/** Operations whose paths Listgate does not serve (SMS): a clear 404, never a 200 with made-up data. */
const NOT_SERVED: Record<string, number> = { getSmsEngagementHistory: 404 };

type Shape = Record<string, unknown>;
const has = (o: unknown, keys: string[]) => {
  for (const k of keys) assert.ok(o && typeof o === 'object' && k in o, `${k} missing in ${JSON.stringify(o)?.slice(0, 200)}`);
};
const oneOf = (value: unknown, allowed: string[], what: string) => assert.ok(allowed.includes(value as string), `${what}: ${String(value)}`);

function checkContact(c: Shape): void {
  has(c, ['contact_id', 'create_source', 'created_at', 'updated_at']);
  oneOf(c.create_source, SOURCES, 'create_source');
  if (c.update_source !== undefined) oneOf(c.update_source, SOURCES, 'update_source');
  const email = c.email_address as Shape | undefined;
  if (email) {
    has(email, ['address', 'permission_to_send']);
    oneOf(email.permission_to_send, PERMISSIONS, 'permission_to_send');
  }
  for (const f of (c.custom_fields as Shape[] | undefined) ?? []) has(f, ['custom_field_id']);
}

for (const dialect of TEST_DIALECTS) {
  describe(`ctct-api-client operations against their models (${dialect})`, () => {
    let server: TestServer;
    let config: Configuration;
    const called = new Map<string, number>();
    /** Runs an SDK call and records its status; errors with a response count as answers too. */
    async function call<T>(name: string, run: () => Promise<{ status: number; data: T }>): Promise<{ status: number; data: T }> {
      try {
        const res = await run();
        called.set(name, res.status);
        return res;
      } catch (error) {
        const response = (error as { response?: { status: number; data: T } }).response;
        if (!response) throw error;
        called.set(name, response.status);
        return response;
      }
    }

    before(async () => {
      server = await startTestServer(dialect);
      const token = await createAccountWithToken(server);
      config = new Configuration({ basePath: `${server.url}/v3`, accessToken: token.accessToken });
    });
    after(() => server.close());

    it('answers every contacts-domain operation with its model', async () => {
      const lists = new ContactListsApi(config);
      const tags = new ContactTagsApi(config);
      const fields = new ContactsCustomFieldsApi(config);
      const contacts = new ContactsApi(config);

      const list = await call('createList', () => lists.createList({ name: 'Contract', favorite: true }));
      assert.equal(list.status, 201);
      has(list.data, ['list_id', 'name']);
      const listId = list.data.list_id!;
      has((await call('getList', () => lists.getList(listId, 'all'))).data, ['list_id', 'name', 'membership_count']);
      has((await call('updateList', () => lists.updateList(listId, { name: 'Contract 2' }))).data, ['list_id', 'name']);
      const allLists = await call('getAllLists', () => lists.getAllLists(10, true, 'active'));
      has(allLists.data, ['lists', 'lists_count']);

      const tag = await call('postTag', () => tags.postTag({ name: 'vip', tag_source: 'SDK' }));
      assert.equal(tag.status, 201);
      has(tag.data, ['tag_id', 'name']);
      has((await call('getTag', () => tags.getTag(tag.data.tag_id!, true))).data, ['tag_id', 'name', 'contacts_count']);
      has((await call('putTag', () => tags.putTag(tag.data.tag_id!, { name: 'VIP' }))).data, ['tag_id', 'name']);
      has((await call('getAllTags', () => tags.getAllTags(10, true))).data, ['tags']);

      const select = await call('createCustomFields', () =>
        fields.createCustomFields({ label: 'Colour', type: 'single_select', choices: [{ choice_label: 'Red' }] }),
      );
      assert.equal(select.status, 201);
      has(select.data, ['custom_field_id', 'label', 'type', 'choices']);
      oneOf(select.data.type, FIELD_TYPES, 'type');
      const fieldId = select.data.custom_field_id!;
      has((await call('getCustomField', () => fields.getCustomField(fieldId))).data, ['label', 'type']);
      has((await call('updateCustomField', () => fields.updateCustomField(fieldId, { label: 'Color', choices: [{ choice_id: 1, choice_label: 'Red' }] }))).data, ['label', 'type']);
      const allFields = await call('getAllCustomFields', () => fields.getAllCustomFields(10));
      for (const f of allFields.data.custom_fields ?? []) oneOf(f.type, FIELD_TYPES, 'type');

      const created = await call('createContact', () =>
        contacts.createContact({
          create_source: 'Account',
          email_address: { address: 'contract@example.com', permission_to_send: 'explicit' },
          list_memberships: [listId],
          taggings: [tag.data.tag_id!],
          custom_fields: [{ custom_field_id: fieldId, choice_ids: ['1'] } as never],
        }),
      );
      assert.equal(created.status, 201);
      checkContact(created.data as Shape);
      const id = created.data.contact_id!;
      checkContact((await call('getContactById', () => contacts.getContactById(id, 'custom_fields'))).data as Shape);
      checkContact((await call('updateContact', () => contacts.updateContact(id, { update_source: 'Contact', email_address: { address: 'contract@example.com' }, first_name: 'C' }))).data as Shape);
      const page = await call('getAllContacts', () => contacts.getAllContacts('all', undefined, listId, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'list_memberships', undefined, true, 10));
      has(page.data, ['contacts', 'contacts_count']);
      for (const c of page.data.contacts ?? []) checkContact(c as Shape);
      has((await call('getContactCounts', () => contacts.getContactCounts('new_subscriber'))).data, ['total', 'explicit', 'implicit', 'pending', 'unsubscribed']);
      const signUp = await call('createOrUpdateContact', () => contacts.createOrUpdateContact({ email_address: 'form@example.com', list_memberships: [listId] }));
      assert.equal(signUp.status, 201);
      oneOf(signUp.data.action, ['created', 'updated'], 'action');
      const xrefs = await call('getContactIdXrefs', () => contacts.getContactIdXrefs('1'));
      has(xrefs.data, ['xrefs']);
      has((await call('getListIdXrefs', () => lists.getListIdXrefs('1'))).data, ['xrefs']);
      const out = await call('updateContactOut', () => contacts.updateContact(id, { update_source: 'Contact', email_address: { address: 'contract@example.com', permission_to_send: 'unsubscribed' } }));
      assert.equal(out.status, 200);
      assert.equal((await call('resubscribeContact', () => contacts.resubscribeContact(id, { list_ids: [listId] }))).status, 204);
      assert.equal((await call('getSmsEngagementHistory', () => contacts.getSmsEngagementHistory(id))).status, 404);
      assert.equal((await call('deleteContact', () => contacts.deleteContact(id))).status, 204);
      const deleted = await call('deleteTag', () => tags.deleteTag(tag.data.tag_id!));
      assert.equal(deleted.status, 202);
      has(deleted.data, ['activity_id', 'state']);
      assert.equal((await call('deleteList', () => lists.deleteList(listId))).status, 202);
      assert.equal((await call('deleteCustomField', () => fields.deleteCustomField(fieldId))).status, 204);
    });

    it('answers every account-services operation with its model', async () => {
      const account = new AccountServicesApi(config);
      has((await call('getAccountDetails', () => account.getAccountDetails('physical_address'))).data, ['encoded_account_id', 'organization_name', 'contact_email', 'time_zone_id']);
      has((await call('updateAccount', () => account.updateAccount({ website: 'https://example.com' }))).data, ['website']);
      const address = { address_line1: '1 Main St', city: 'Springfield', country_code: 'US' };
      assert.equal((await call('addPhysicalAddress', () => account.addPhysicalAddress(address))).status, 201);
      has((await call('getAccountPhysicalAddress', () => account.getAccountPhysicalAddress())).data, ['address_line1', 'city', 'country_code']);
      has((await call('updateAccountPhysicalAddress', () => account.updateAccountPhysicalAddress({ ...address, city: 'Shelbyville' }))).data, ['city']);
      const added = await call('addAccountEmailAddress', () => account.addAccountEmailAddress({ email_address: 'billing@example.com' }));
      assert.equal(added.status, 201);
      oneOf(added.data.confirm_status, ['CONFIRMED', 'UNCONFIRMED'], 'confirm_status');
      const emails = await call('getAllAccountEmailAddresses', () => account.getAllAccountEmailAddresses('UNCONFIRMED'));
      for (const e of emails.data) oneOf(e.confirm_status, ['CONFIRMED', 'UNCONFIRMED'], 'confirm_status');
      for (const p of (await call('getUserPrivileges', () => account.getUserPrivileges())).data) has(p, ['privilege_id', 'privilege_name']);
    });

    it('has tried every operation of those SDK classes, each answered with a status the SDK documents', () => {
      const operations = Object.values(CLASSES).flatMap((cls) =>
        Object.getOwnPropertyNames(cls.prototype).filter((name) => name !== 'constructor'),
      );
      const untried = operations.filter((name) => !called.has(name));
      assert.deepEqual(untried, []);
      for (const [name, status] of called) {
        const allowed = NOT_SERVED[name] ? [NOT_SERVED[name]] : [200, 201, 202, 204];
        assert.ok(allowed.includes(status), `${name} answered ${status}`);
      }
    });
  });
}
