// A fresh migrated database with the contacts service on a manual clock, for service-level tests of the
// contacts domain (no HTTP): accounts, lists, tags and custom fields are inserted directly.
import { createDatabase, type Db, migrateToLatest } from '../../src/db/database.ts';
import { createContactsService } from '../../src/modules/contacts/contacts.service.ts';
import { nextListSequence } from '../../src/modules/lists/lists.repository.ts';
import { createManualClock } from '../../src/shared/clock.ts';
import { newId } from '../../src/shared/crypto.ts';
import { createSignedTokenCodec } from '../../src/shared/signed-token.ts';
import pg from 'pg';
import { createTestDatabase, type TestDialect } from './databases.ts';

/**
 * pg's Pool.end() resolves before its connections finish closing; dropping the database WITH (FORCE) at that
 * moment kills them and their late error escapes the test. Wait (briefly) until the server has let them go.
 */
async function waitForDisconnect(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (Number(rows[0]?.n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.end();
  }
}

export type ContactsTestDb = Awaited<ReturnType<typeof openContactsTestDb>>;

export async function openContactsTestDb(dialect: TestDialect) {
  const database = await createTestDatabase(dialect);
  const handle = createDatabase(database.url);
  await migrateToLatest(handle.db);
  const db: Db = handle.db;
  const clock = createManualClock();
  const tokens = createSignedTokenCodec([Buffer.alloc(32, 7)]);
  const contacts = createContactsService({ db, clock, tokens });
  const now = () => clock.now().toISOString();

  async function addAccount(): Promise<string> {
    const id = newId();
    await db
      .insertInto('accounts')
      .values({
        id,
        organization_name: 'Test',
        contact_email: `${id}@example.com`,
        first_name: null,
        last_name: null,
        time_zone_id: 'UTC',
        country_code: null,
        state_code: null,
        change_seq: 0,
        list_seq: 0,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    return id;
  }

  async function addList(accountId: string, name = `List ${newId()}`): Promise<string> {
    const list_id = newId();
    const sequence_id = await nextListSequence(db, accountId);
    await db
      .insertInto('contact_lists')
      .values({
        sequence_id,
        list_id,
        account_id: accountId,
        name,
        description: null,
        favorite: 0,
        created_at: now(),
        updated_at: now(),
        deleted_at: null,
      })
      .execute();
    return list_id;
  }

  async function addTag(accountId: string, name = `Tag ${newId()}`): Promise<string> {
    const tag_id = newId();
    await db
      .insertInto('contact_tags')
      .values({ tag_id, account_id: accountId, name, tag_source: null, created_at: now(), updated_at: now() })
      .execute();
    return tag_id;
  }

  async function addCustomField(
    accountId: string,
    name = `cf_${Math.random().toString(36).slice(2)}`,
  ): Promise<string> {
    const custom_field_id = newId();
    await db
      .insertInto('contact_custom_fields')
      .values({
        custom_field_id,
        account_id: accountId,
        label: name,
        name,
        type: 'string',
        choices: null,
        created_at: now(),
        updated_at: now(),
      })
      .execute();
    return custom_field_id;
  }

  return {
    db,
    dialect,
    clock,
    tokens,
    contacts,
    addAccount,
    addList,
    addTag,
    addCustomField,
    async close() {
      await handle.destroy();
      if (dialect === 'postgres') await waitForDisconnect(database.url);
      await database.drop();
    },
  };
}
