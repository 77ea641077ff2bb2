// A CSV import survives `kill -9`: the real `listgate serve` process is killed with SIGKILL at five random
// points while it imports a large file, restarted each time, and the job then completes with exactly the
// file's distinct contacts: no duplicate, no row counted twice, a sound database. The file has 100,000
// rows (twenty steps of 5,000 rows, so that five kills land before the end); CRASH_TEST_ROWS sets another
// size.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/database.ts';
import { startServer } from '../src/main.ts';
import { TEST_DIALECTS, createTestDatabase, type TestDatabase } from './helpers/databases.ts';
import type { TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/listgate.js');
const ROWS = Number(process.env.CRASH_TEST_ROWS ?? 100_000);
const DISTINCT = Math.floor(ROWS * 0.97); // rows past this repeat earlier addresses
const BAD_EVERY = 1_000; // one bad address per this many rows
const KILLS = 5;
const PUBLIC_URL = 'http://listgate.crash.test';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function csvFile(): { text: string; bad: number; distinct: number } {
  const lines = ['email,first_name,last_name'];
  const emails = new Set<string>();
  let bad = 0;
  for (let i = 1; i <= ROWS; i++) {
    if (i % BAD_EVERY === 0) {
      lines.push(`not-an-address-${i},Bad,Row`);
      bad++;
    } else {
      emails.add(`person${i % DISTINCT}@example.com`);
      lines.push(`person${i % DISTINCT}@example.com,First ${i % DISTINCT},Last`);
    }
  }
  return { text: `${lines.join('\n')}\n`, bad, distinct: emails.size };
}

for (const dialect of TEST_DIALECTS) {
  describe(`import crash recovery (${dialect})`, () => {
    let database: TestDatabase;
    let env: Record<string, string>;
    let token: TestToken;
    let listId: string;
    let child: ChildProcess | null = null;
    let base = '';

    before(async () => {
      database = await createTestDatabase(dialect);
      env = {
        NODE_ENV: 'test',
        DATA_DIR: database.dataDir,
        DATABASE_URL: database.url,
        PUBLIC_URL,
        SECRET_KEYS: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'silent',
        // A killed runner's job is taken over one second after its last step.
        JOB_STALE_SECONDS: '1',
      };
      // The account, its token and its list are made in-process on the same database, then it stops.
      const setup = await startServer(loadConfig({ ...env, HOST: '127.0.0.1', PORT: '0' }));
      token = await createAccountWithToken({ url: setup.url, services: setup.services } as TestServer);
      const res = await fetch(`${setup.url}/v3/contact_lists`, {
        method: 'POST',
        headers: { ...token.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Crash list' }),
      });
      listId = ((await res.json()) as { list_id: string }).list_id;
      await setup.close();
    });
    after(async () => {
      child?.kill('SIGKILL');
      await database.drop();
    });

    async function spawnServe(): Promise<ChildProcess> {
      const port = await freePort();
      const started = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
        env: { PATH: process.env.PATH, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child = started;
      base = `http://127.0.0.1:${port}`;
      return started;
    }

    async function startServe(): Promise<void> {
      await waitReady(await spawnServe());
    }

    async function waitReady(server: ChildProcess): Promise<void> {
      // Start-up compiles the sources (tsx): on a busy machine that alone can take 20 s.
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        if (server.exitCode !== null) throw new Error(`listgate serve exited with ${server.exitCode}`);
        const ready = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
        if (ready) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('listgate serve did not become ready in 120 s');
    }

    async function killServe(): Promise<void> {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child!.kill('SIGKILL');
      await exited;
      child = null;
    }

    const activity = async (id: string) =>
      (await (await fetch(`${base}/v3/activities/${id}`, { headers: token.headers })).json()) as {
        state: string;
        status: { items_completed_count: number; items_total_count: number; error_count: number };
      };

    it('completes with exactly the distinct rows after five SIGKILLs', async () => {
      const { text, bad, distinct } = csvFile();
      await startServe();
      const form = new FormData();
      form.append('file', new Blob([text]), 'big.csv');
      form.append('list_ids', listId);
      const created = await fetch(`${base}/v3/activities/contacts_file_import`, { method: 'POST', headers: token.headers, body: form });
      assert.equal(created.status, 201);
      const id = ((await created.json()) as { activity_id: string }).activity_id;

      // Progress is read from the database itself: the job resumes while a restarted server is still starting
      // up (compiling its sources can take many seconds), long before it answers HTTP.
      const watcher = createDatabase(database.url);
      const progress = async () =>
        watcher.db.selectFrom('activities').select(['state', 'items_completed_count']).where('activity_id', '=', id).executeTakeFirstOrThrow();
      let seen = 0;
      try {
        for (let kill = 0; kill < KILLS; kill++) {
          // Wait until the job makes progress in this process, then kill it at a random moment.
          const deadline = Date.now() + 180_000;
          for (;;) {
            const now = await progress();
            assert.notEqual(now.state, 'completed', `the import finished before kill ${kill + 1}; make the file larger`);
            if (Number(now.items_completed_count) > seen) break;
            assert.ok(Date.now() < deadline, `no progress after restart ${kill}`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
          await killServe();
          seen = Number((await progress()).items_completed_count);
          await spawnServe();
        }
      } finally {
        await watcher.destroy();
      }
      await waitReady(child!);
      let report = await activity(id);
      for (let i = 0; i < 1200 && report.state !== 'completed'; i++) {
        assert.notEqual(report.state, 'failed');
        await new Promise((resolve) => setTimeout(resolve, 100));
        report = await activity(id);
      }
      await killServe();
      assert.equal(report.state, 'completed');
      assert.equal(report.status.items_total_count, ROWS);
      assert.equal(report.status.items_completed_count, ROWS, 'no row counted twice');
      assert.equal(report.status.error_count, bad);

      const handle = createDatabase(database.url);
      try {
        const { db } = handle;
        const count = async (table: 'contacts' | 'list_memberships' | 'activity_row_errors') =>
          Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', token.accountId).executeTakeFirstOrThrow()).n);
        assert.equal(await count('contacts'), distinct, 'exactly the distinct addresses');
        assert.equal(await count('list_memberships'), distinct);
        assert.equal(await count('activity_row_errors'), bad);
        const created = await db
          .selectFrom('contact_changes')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('account_id', '=', token.accountId)
          .where('kind', '=', 'created')
          .executeTakeFirstOrThrow();
        assert.equal(Number(created.n), distinct, 'one created change per contact');
        if (dialect === 'sqlite') {
          const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
          assert.deepEqual(check.rows.map((r) => r.integrity_check), ['ok']);
        }
      } finally {
        await handle.destroy();
      }
    });
  });
}
