import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator } from 'kysely/migration';
import { createDatabase, migrateToLatest } from '../database.ts';
import { createTestDatabase, TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { migrations } from './index.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

for (const dialect of TEST_DIALECTS) {
  describe(`migration 0004-legacy-ids (${dialect})`, () => {
    it('numbers existing lists per account in creation order and starts each counter after them', async () => {
      const database = await createTestDatabase(dialect);
      const { db, destroy } = createDatabase(database.url);
      try {
        const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
        const before = await migrator.migrateTo('0003-oauth-partial-indexes');
        assert.equal(before.error, undefined);
        const account = (id: string) => ({
          id,
          organization_name: id,
          contact_email: `${id}@example.com`,
          first_name: null,
          last_name: null,
          time_zone_id: 'UTC',
          country_code: null,
          state_code: null,
          change_seq: 0,
          created_at: at(0),
          updated_at: at(0),
        });
        // biome-ignore lint/suspicious/noExplicitAny: the table has no list_seq column before 0004
        const old = db as any;
        await old.insertInto('accounts').values([account('a'), account('b'), account('c')]).execute();
        const list = (list_id: string, account_id: string, s: number, deleted = false) => ({
          list_id,
          account_id,
          name: list_id,
          description: null,
          favorite: 0,
          created_at: at(s),
          updated_at: at(s),
          deleted_at: deleted ? at(s + 1) : null,
        });
        await old
          .insertInto('contact_lists')
          .values([list('a-3', 'a', 9), list('a-1', 'a', 1), list('a-2b', 'a', 5), list('a-2a', 'a', 5, true), list('b-1', 'b', 2)])
          .execute();
        await migrateToLatest(db);
        const rows = await db.selectFrom('contact_lists').select(['list_id', 'sequence_id']).orderBy('list_id').execute();
        assert.deepEqual(
          rows.map((r) => [r.list_id, Number(r.sequence_id)]),
          [['a-1', 1], ['a-2a', 2], ['a-2b', 3], ['a-3', 4], ['b-1', 1]],
        );
        const counters = await db.selectFrom('accounts').select(['id', 'list_seq']).orderBy('id').execute();
        assert.deepEqual(counters.map((r) => [r.id, Number(r.list_seq)]), [['a', 4], ['b', 1], ['c', 0]]);
        await assert.rejects(
          db.updateTable('contact_lists').set({ sequence_id: 1 }).where('list_id', '=', 'a-2a').execute(),
          'two lists of one account cannot share a number',
        );
      } finally {
        await destroy();
        await database.drop();
      }
    });
  });
}
