import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { AppError } from '../../errors.ts';

const rejectsWith = (status: number, field?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.status, status, error.message);
  if (field) assert.match(error.items.map((i) => i.error_message).join(' | '), field);
  return true;
};

for (const dialect of TEST_DIALECTS) {
  describe(`contacts service (${dialect})`, () => {
    let t: ContactsTestDb;
    let account: string;
    before(async () => {
      t = await openContactsTestDb(dialect);
      account = await t.addAccount();
    });
    after(() => t.close());

    it('creates a contact with sub-resources and reads it back with include', async () => {
      const list = await t.addList(account);
      const tag = await t.addTag(account);
      const field = await t.addCustomField(account);
      const created = await t.contacts.createContact(account, {
        create_source: 'Account',
        email_address: { address: 'Ada@Example.com', permission_to_send: 'explicit' },
        first_name: ' Ada ',
        birthday_month: 12,
        birthday_day: 10,
        anniversary: '05/31/2020',
        phone_numbers: [{ phone_number: '+1 555 0100', kind: 'mobile' }],
        street_addresses: [{ kind: 'home', city: 'London' }],
        custom_fields: [{ custom_field_id: field, value: 'gold' }],
        list_memberships: [list],
        taggings: [tag],
        notes: [{ content: 'met at the fair' }],
        favourite_colour: 'never stored',
      });
      assert.equal(created.email_address?.address, 'ada@example.com');
      assert.equal(created.email_address?.permission_to_send, 'explicit');
      assert.equal(created.email_address?.opt_in_source, 'Account');
      assert.equal(created.first_name, 'Ada');
      assert.equal(created.anniversary, '2020-05-31');
      assert.deepEqual(created.list_memberships, [list]);
      assert.equal(created.phone_numbers?.[0]?.kind, 'mobile');
      assert.equal('favourite_colour' in created, false);

      const read = await t.contacts.getContact(
        account,
        created.contact_id,
        'notes,taggings,custom_fields,street_addresses',
      );
      assert.deepEqual(read.taggings, [tag]);
      assert.deepEqual(read.custom_fields, [{ custom_field_id: field, value: 'gold' }]);
      assert.equal(read.notes?.[0]?.content, 'met at the fair');
      assert.equal(read.street_addresses?.[0]?.city, 'London');
      assert.equal(read.list_memberships, undefined);
    });

    it('answers 409 for a duplicate email, deleted contacts included', async () => {
      const c = await t.contacts.createContact(account, {
        create_source: 'Contact',
        email_address: { address: 'dup@example.com' },
      });
      await assert.rejects(
        t.contacts.createContact(account, {
          create_source: 'Contact',
          email_address: { address: 'DUP@example.com' },
        }),
        rejectsWith(409),
      );
      await t.contacts.deleteContact(account, c.contact_id);
      await assert.rejects(
        t.contacts.createContact(account, {
          create_source: 'Contact',
          email_address: { address: 'dup@example.com' },
        }),
        rejectsWith(409),
      );
    });

    it('names each invalid field and writes nothing', async () => {
      const before = await t.contacts.countContacts(account);
      await assert.rejects(
        t.contacts.createContact(account, {
          create_source: 'Somebody',
          email_address: { address: 'not-an-email' },
          birthday_month: 13,
          phone_numbers: [
            { phone_number: '1' },
            { phone_number: '2' },
            { phone_number: '3' },
            { phone_number: '4' },
          ],
        }),
        rejectsWith(
          400,
          /^(?=.*create_source)(?=.*email_address\.address)(?=.*birthday_month)(?=.*phone_numbers)/,
        ),
      );
      const foreignList = await t.addList(await t.addAccount());
      await assert.rejects(
        t.contacts.createContact(account, {
          create_source: 'Contact',
          first_name: 'X',
          list_memberships: [foreignList],
        }),
        rejectsWith(400, /list_memberships\[0\]/),
      );
      assert.deepEqual(await t.contacts.countContacts(account), before);
    });

    it("hides other accounts' contacts behind 404", async () => {
      const other = await t.addAccount();
      const theirs = await t.contacts.createContact(other, {
        create_source: 'Contact',
        first_name: 'Theirs',
      });
      await assert.rejects(t.contacts.getContact(account, theirs.contact_id), rejectsWith(404));
      await assert.rejects(
        t.contacts.replaceContact(account, theirs.contact_id, { update_source: 'Account' }),
        rejectsWith(404),
      );
      await assert.rejects(t.contacts.deleteContact(account, theirs.contact_id), rejectsWith(404));
      await assert.rejects(t.contacts.getContact(account, 'not-a-uuid'), rejectsWith(404));
    });

    it('replaces core fields on PUT, keeps absent sub-resources, and keeps an opt-out against the account', async () => {
      const list = await t.addList(account);
      const c = await t.contacts.createContact(account, {
        create_source: 'Contact',
        email_address: { address: 'put@example.com', permission_to_send: 'unsubscribed' },
        first_name: 'Old',
        job_title: 'Chef',
        list_memberships: [list],
      });
      t.clock.advance(1000);
      const put = await t.contacts.replaceContact(account, c.contact_id, {
        update_source: 'Account',
        first_name: 'New',
        email_address: { address: 'put@example.com', permission_to_send: 'explicit' },
      });
      assert.equal(put.first_name, 'New');
      assert.equal(put.job_title, undefined);
      assert.equal(put.email_address?.permission_to_send, 'unsubscribed');
      assert.ok(put.updated_at > c.updated_at);
      const read = await t.contacts.getContact(account, c.contact_id, 'list_memberships');
      assert.deepEqual(read.list_memberships, [list]);
      await assert.rejects(
        t.contacts.replaceContact(account, c.contact_id, { first_name: 'x' }),
        rejectsWith(400, /update_source/),
      );
    });

    it('signs up: creates, then appends lists, revives a deleted contact and re-subscribes', async () => {
      const [a, b] = [await t.addList(account), await t.addList(account)];
      const first = await t.contacts.signUp(account, {
        email_address: 'form@example.com',
        list_memberships: [a],
        first_name: 'Form',
      });
      assert.equal(first.action, 'created');
      await t.contacts.replaceContact(account, first.contact_id, {
        update_source: 'Contact',
        first_name: 'Form',
        email_address: { address: 'form@example.com', permission_to_send: 'unsubscribed' },
      });
      await t.contacts.deleteContact(account, first.contact_id);
      const second = await t.contacts.signUp(account, {
        email_address: 'FORM@example.com',
        list_memberships: [b],
        phone_number: '555',
      });
      assert.deepEqual(second, { contact_id: first.contact_id, action: 'updated' });
      const read = await t.contacts.getContact(account, first.contact_id, 'list_memberships,phone_numbers');
      assert.equal(read.deleted_at, undefined);
      assert.equal(read.first_name, 'Form');
      assert.equal(read.email_address?.permission_to_send, 'explicit');
      // The deletion stripped list a (as the dialect does); the sign-up form added b.
      assert.deepEqual(read.list_memberships, [b]);
      assert.equal(read.email_address?.opt_out_date, undefined, 'the revived contact drops the deletion opt-out');
      assert.equal(read.phone_numbers?.[0]?.phone_number, '555');
      await assert.rejects(
        t.contacts.signUp(account, { email_address: 'x@example.com', list_memberships: [] }),
        rejectsWith(400, /list_memberships/),
      );
    });

    it('counts contacts by permission, deleted ones excluded', async () => {
      const own = await t.addAccount();
      await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'e1@example.com', permission_to_send: 'explicit' },
      });
      await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'e2@example.com' },
      });
      await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'e3@example.com', permission_to_send: 'pending_confirmation' },
      });
      const gone = await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'e4@example.com', permission_to_send: 'unsubscribed' },
      });
      assert.deepEqual(await t.contacts.countContacts(own), {
        total: 4,
        explicit: 1,
        implicit: 1,
        pending: 1,
        unsubscribed: 1,
      });
      await t.contacts.deleteContact(own, gone.contact_id);
      assert.deepEqual(await t.contacts.countContacts(own), {
        total: 3,
        explicit: 1,
        implicit: 1,
        pending: 1,
        unsubscribed: 0,
      });
    });

    it('logs every change with one seq per entry, in order, and bumps change_seq', async () => {
      const own = await t.addAccount();
      const list = await t.addList(own);
      const c = await t.contacts.createContact(own, {
        create_source: 'Contact',
        first_name: 'Log',
        list_memberships: [list],
      });
      await t.contacts.replaceContact(own, c.contact_id, {
        update_source: 'Account',
        first_name: 'Log',
        list_memberships: [],
      });
      await t.contacts.deleteContact(own, c.contact_id);
      const log = await t.db
        .selectFrom('contact_changes')
        .select(['seq', 'kind', 'list_id'])
        .where('account_id', '=', own)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        log.map((r) => [Number(r.seq), r.kind, r.list_id]),
        [
          [1, 'created', null],
          [2, 'list_added', list],
          [3, 'updated', null],
          [4, 'list_removed', list],
          [5, 'deleted', null],
        ],
      );
      const row = await t.db
        .selectFrom('contacts')
        .select(['change_seq', 'created_seq'])
        .where('contact_id', '=', c.contact_id)
        .executeTakeFirstOrThrow();
      assert.deepEqual([Number(row.change_seq), Number(row.created_seq)], [5, 1]);
      const acct = await t.db
        .selectFrom('accounts')
        .select('change_seq')
        .where('id', '=', own)
        .executeTakeFirstOrThrow();
      assert.equal(Number(acct.change_seq), 5);
    });
  });
}
