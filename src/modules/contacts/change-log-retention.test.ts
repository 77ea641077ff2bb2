import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { AppError } from '../../errors.ts';
import { compactOldChanges } from './change-log-retention.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`change-log retention (${dialect})`, () => {
    let t: ContactsTestDb;
    before(async () => {
      t = await openContactsTestDb(dialect);
    });
    after(() => t.close());

    it('compacts superseded changes older than the retention period only, then refuses older tokens with 410', async () => {
      const own = await t.addAccount();
      const a = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'A' });
      const b = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'B' });
      const early = await t.contacts.readFeed(own, {});
      await t.contacts.replaceContact(own, a.contact_id, { update_source: 'Account', first_name: 'A2' });
      const run = () => compactOldChanges({ db: t.db, clock: t.clock, retentionDays: 30, compact: t.contacts.compact });

      // Nothing is old enough yet: the early token keeps working.
      assert.equal((await run()).deleted, 0);
      await t.contacts.readFeed(own, { sync_token: early.next_sync_token });

      t.clock.advance(31 * 86_400_000);
      await t.contacts.replaceContact(own, b.contact_id, { update_source: 'Account', first_name: 'B2' });
      const result = await run();
      // A's creation is superseded by its old update; B's creation by its update made today.
      assert.equal(result.deleted, 2);
      await assert.rejects(
        t.contacts.readFeed(own, { sync_token: early.next_sync_token }),
        (e: unknown) => e instanceof AppError && e.status === 410,
      );
      const full = await t.contacts.readFeed(own, {});
      assert.deepEqual(new Set(full.changes.map((c) => c.contact.contact_id)), new Set([a.contact_id, b.contact_id]));
    });
  });
}
