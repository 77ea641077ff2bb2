// The ordered pages of a bulk source (the legacy v2 export's sort_by): walked one contact per page, they
// give every contact once, in address order (no address first) or newest first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { type SourceOrder, sourceContactsPageInOrder } from './bulk-source.repository.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`sourceContactsPageInOrder (${dialect})`, () => {
    let t: ContactsTestDb;
    let accountId: string;
    let list: string;

    before(async () => {
      t = await openContactsTestDb(dialect);
      accountId = await t.addAccount();
      list = await t.addList(accountId);
      const other = await t.addList(accountId);
      for (const email of ['carol@example.com', 'alice@example.com', null, 'bob@example.com', 'dave@example.com', null]) {
        await t.contacts.createContact(accountId, {
          ...(email ? { email_address: { address: email } } : { first_name: 'No address' }),
          create_source: 'Account',
          list_memberships: [email === 'dave@example.com' ? other : list],
        });
      }
    });
    after(() => t.close());

    async function walk(order: SourceOrder): Promise<(string | null)[]> {
      const seen: (string | null)[] = [];
      let after = '';
      for (let i = 0; i < 20; i++) {
        const page = await sourceContactsPageInOrder(t.db, accountId, { list_ids: [list] }, order, after, 1, ['email_address']);
        if (!page.last) return seen;
        seen.push(...page.rows.map((r) => r.email_address));
        after = page.last;
      }
      throw new Error('the walk does not end');
    }

    it('walks by address, the contacts without one first, each contact once', async () => {
      assert.deepEqual(await walk('email'), [null, null, 'alice@example.com', 'bob@example.com', 'carol@example.com']);
    });

    it('walks newest first', async () => {
      assert.deepEqual(await walk('created_desc'), [null, 'bob@example.com', null, 'alice@example.com', 'carol@example.com']);
    });
  });
}
