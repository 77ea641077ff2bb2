// Database faults against the real `listgate serve` process and a private PostgreSQL cluster that the test
// stops and restarts (the shared instance is never touched): a database unreachable at start-up, a database
// down for a while, and an immediate-mode restart under load.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freePort, type PrivatePostgres, startPrivatePostgres } from './helpers/private-postgres.ts';
import { type Seeded, type ServeProcess, seedDatabase, startServe, tokenHeaders } from './helpers/serve-process.ts';

const PG_REQUIRED = process.env.CI === 'true' || Boolean(process.env.TEST_DATABASE_URL);

describe('database faults', () => {
  it('exits 1 within seconds, naming the database, when PostgreSQL cannot be reached at start-up', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-faults-'));
    try {
      const port = await freePort();
      const started = Date.now();
      const serve = startServe({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/listgate`, DATA_DIR: dataDir });
      await assert.rejects(serve, (error: Error) => {
        assert.match(error.message, /serve exited early with 1/);
        assert.match(error.message, new RegExp(`cannot start: the PostgreSQL database at 127\\.0\\.0\\.1:${port}/listgate cannot be reached \\(connect ECONNREFUSED`));
        return true;
      });
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('PostgreSQL stopped and restarted under a running node', { skip: !PG_REQUIRED && 'set TEST_DATABASE_URL (or CI=true) to run it' }, () => {
    let postgres: PrivatePostgres;
    let seeded: Seeded;
    let serve: ServeProcess;
    let headers: Record<string, string>;
    let dataDir: string;
    let next = 0;

    before(async () => {
      postgres = await startPrivatePostgres();
      dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-faults-'));
      seeded = await seedDatabase(postgres.url, dataDir);
      serve = await startServe(seeded.env);
      headers = await tokenHeaders(serve.url, seeded);
    });
    after(async () => {
      serve?.child.kill('SIGKILL');
      postgres?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const createContact = async () => {
      const i = next++;
      const res = await fetch(`${serve.url}/v3/contacts`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email_address: { address: `fault${i}@example.com`, permission_to_send: 'implicit' }, create_source: 'Account' }),
      });
      const body = (await res.json()) as { contact_id?: string } | { error_key: string; error_message: string }[];
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
    };

    it('answers 503 with Retry-After while the database is down, OAuth temporarily_unavailable, and recovers', async () => {
      assert.equal((await createContact()).status, 201);
      await postgres.stop();
      try {
        const down = await createContact();
        assert.equal(down.status, 503);
        assert.equal(down.retryAfter, '5');
        assert.deepEqual(down.body, [{ error_key: 'service_unavailable', error_message: 'The database is not answering; retry after the time in Retry-After' }]);

        const token = await fetch(`${serve.url}/oauth2/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${seeded.clientId}:${seeded.clientSecret}`).toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        });
        assert.equal(token.status, 503);
        assert.equal(token.headers.get('retry-after'), '5');
        assert.equal(((await token.json()) as { error: string }).error, 'temporarily_unavailable');

        assert.deepEqual(await (await fetch(`${serve.url}/health`)).json(), { status: 'ok' });
        const ready = await fetch(`${serve.url}/ready`);
        assert.equal(ready.status, 503);
        assert.deepEqual(await ready.json(), { status: 'database_unreachable' });
      } finally {
        await postgres.start();
      }
      assert.equal((await fetch(`${serve.url}/ready`)).status, 200);
      assert.equal((await createContact()).status, 201);
      assert.equal(serve.child.exitCode, null, 'the node is still running');
      // The outage is logged once, and its end once, however many requests failed.
      assert.equal(serve.output().match(/the database cannot be reached/g)?.length, 1, serve.output());
      assert.equal(serve.output().match(/the database answers again/g)?.length, 1, serve.output());
    });

    it('stays up through an immediate-mode restart under load: 503 only during the outage, every acknowledged write kept', async () => {
      const results: { status: number; start: number; end: number; id?: string }[] = [];
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const start = Date.now();
          const res = await createContact();
          results.push({ status: res.status, start, end: Date.now(), id: (res.body as { contact_id?: string }).contact_id });
        }
      };
      const workers = Array.from({ length: 20 }, worker);
      await new Promise((r) => setTimeout(r, 1500));
      const outageStart = Date.now();
      await postgres.restartImmediate();
      const outageEnd = Date.now();
      await new Promise((r) => setTimeout(r, 2500));
      stop = true;
      await Promise.all(workers);

      assert.equal(serve.child.exitCode, null, `the node died: ${serve.output().slice(-2000)}`);
      const ok = results.filter((r) => r.status === 201);
      const unavailable = results.filter((r) => r.status === 503);
      assert.deepEqual([...new Set(results.map((r) => r.status))].sort(), [201, 503]);
      // 503 only for requests that overlapped the outage (the pool reconnects on the next request).
      for (const r of unavailable) assert.ok(r.end >= outageStart && r.start <= outageEnd + 1000, JSON.stringify({ r, outageStart, outageEnd }));
      assert.ok(results.some((r) => r.status === 201 && r.start > outageEnd), 'writes resume after the restart');

      const acknowledged = ok.map((r) => r.id!);
      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ contact_id: string }>('SELECT contact_id FROM contacts WHERE contact_id = ANY($1)', [acknowledged]);
        assert.equal(rows.length, acknowledged.length, 'every acknowledged write is in the database');
      } finally {
        await client.end();
      }
    });
  });
});
