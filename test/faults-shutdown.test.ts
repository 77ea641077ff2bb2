// SIGTERM to the real `listgate serve` process under 50 keep-alive clients: /ready turns 503 at once, the
// server stops accepting, requests in flight finish with `Connection: close`, no connection is reset, every
// acknowledged write is in the database, and the process exits 0.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, TEST_DIALECTS } from './helpers/databases.ts';
import { seedDatabase, startServe, tokenHeaders } from './helpers/serve-process.ts';

/** `reused`: the request went out on a connection the server had already answered on. */
type Outcome = { status: number; connection?: string; body: string } | { error: string; reused: boolean };

function call(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: text }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, reused: true }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, reused: req.reusedSocket }));
    req.end(body);
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`graceful shutdown (${dialect})`, () => {
    it('answers requests in flight with Connection: close, turns /ready 503, keeps every acknowledged write, and exits 0', async () => {
      const database = await createTestDatabase(dialect);
      const seeded = await seedDatabase(database.url, database.dataDir);
      const serve = await startServe(seeded.env);
      const headers = await tokenHeaders(serve.url, seeded);
      // One connection per client, as a proxy's pool keeps them: no new connection is opened mid-test (one
      // still in the kernel's accept queue when the listener closes would be reset before the server saw it).
      const agent = new Agent({ keepAlive: true, maxSockets: 50 });
      const readyAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const acknowledged: string[] = [];
      const failures: string[] = [];
      const statuses = new Set<number>();
      let closes = 0;
      let next = 0;
      let signalled = false;
      // Every client and the poller have been answered once: all 51 connections are open and in use.
      const answered: Promise<void>[] = [];
      const firstAnswer = () => {
        let resolve = () => {};
        answered.push(new Promise<void>((r) => (resolve = r)));
        return resolve;
      };

      const client = async () => {
        const started = firstAnswer();
        for (;;) {
          const body = JSON.stringify({ email_address: { address: `drain${next++}@example.com`, permission_to_send: 'implicit' }, create_source: 'Account' });
          const out = await call(agent, `${serve.url}/v3/contacts`, 'POST', headers, body);
          if ('error' in out) {
            // Before the signal, a new connection that failed (a loaded machine) is tried again. After it, a
            // new connection refused (or reset by the kernel as the listener closes, before the server read
            // anything) is a load balancer's cue to go elsewhere. A failure on a connection the server had
            // answered on would be a request lost by the shutdown.
            if (!out.reused && !signalled) continue;
            if (out.reused) failures.push(out.error);
            else if (!['ECONNREFUSED', 'ECONNRESET'].includes(out.error)) failures.push(out.error);
            return;
          }
          started();
          statuses.add(out.status);
          if (out.status === 201) acknowledged.push((JSON.parse(out.body) as { contact_id: string }).contact_id);
          if (out.connection === 'close') {
            closes++;
            return;
          }
        }
      };
      const readyOutcomes: Outcome[] = [];
      const poller = async () => {
        const started = firstAnswer();
        for (;;) {
          const out = await call(readyAgent, `${serve.url}/ready`, 'GET', {});
          readyOutcomes.push(out);
          if ('status' in out) started();
          // Before the signal, a failed poll (a loaded machine) is tried again.
          if ('error' in out && signalled) return;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const clients = [...Array.from({ length: 50 }, client), poller()];
      await Promise.all([...answered, new Promise((r) => setTimeout(r, 1500))]);
      const before = acknowledged.length;
      signalled = true;
      serve.child.kill('SIGTERM');
      const code = await serve.exited;
      await Promise.all(clients);
      agent.destroy();
      readyAgent.destroy();

      assert.equal(code, 0, serve.output().slice(-2000));
      process.stderr.write(`shutdown (${dialect}): ${acknowledged.length} writes acknowledged, ${closes} Connection: close answers, ${failures.length} reset(s)\n`);
      assert.deepEqual(failures, [], 'no request on a connection the server had answered on is reset');
      // A 10-connection pool under 50 clients on a heavily loaded machine may wait past its 5 s bound and
      // answer the documented 503 (nothing written, Retry-After); the drain itself never closes the database
      // under a request.
      assert.deepEqual([...statuses].filter((s) => s !== 201 && s !== 503), [], JSON.stringify([...statuses]));
      assert.doesNotMatch(serve.stdout(), /Cannot use a pool after calling end|not queryable/);
      assert.ok(before > 0 && acknowledged.length > before, `writes before ${before}, in all ${acknowledged.length}`);
      assert.equal(closes, 50, 'every client is told Connection: close on its own connection');
      // /ready turns 503 as soon as the signal is handled (a /ready answered between the kill and its
      // handling still says 200), and the poller's connection is closed by a Connection: close answer.
      const answers = readyOutcomes.filter((o) => 'status' in o);
      assert.ok(answers.some((o) => o.connection === 'close' || o.status === 503), JSON.stringify(readyOutcomes));
      for (const o of answers) if (o.status === 503) assert.equal(o.body, '{"status":"shutting_down"}');

      const stored = new Set<string>();
      if (dialect === 'sqlite') {
        const db = new DatabaseSync(path.join(database.dataDir, 'listgate.db'));
        for (const row of db.prepare('SELECT contact_id FROM contacts').all()) stored.add(String(row.contact_id));
        db.close();
      } else {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        for (const row of (await client.query<{ contact_id: string }>('SELECT contact_id FROM contacts')).rows) stored.add(row.contact_id);
        await client.end();
      }
      assert.deepEqual(acknowledged.filter((id) => !stored.has(id)), [], 'every acknowledged write is stored');
      await database.drop();
    });
  });
}
