// Crash safety: the real `listgate serve` process is killed with SIGKILL while it delivers, then started
// again on the same database; every change still reaches the receiver at least once, in order per contact.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { createTestDatabase, TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { FAST_WEBHOOKS, startWebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';
import { loadConfig } from '../../config.ts';
import { migrateToLatest } from '../../db/database.ts';
import { createServices } from '../../services.ts';

const bin = path.resolve(import.meta.dirname, '../../../bin/listgate.js');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = stderr.match(/Listgate is running at (http:\/\/\S+)/);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

for (const dialect of TEST_DIALECTS) {
  describe(`webhook delivery across a SIGKILL (${dialect})`, () => {
    it('delivers every change at least once, in order per contact, after the server is killed and restarted', async () => {
      const database = await createTestDatabase(dialect);
      const receiver = await startWebhookReceiver();
      const env = {
        ...FAST_WEBHOOKS,
        WEBHOOK_BATCH_SIZE: '3',
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        DATA_DIR: database.dataDir,
        DATABASE_URL: database.url,
        SECRET_KEYS: randomBytes(32).toString('base64url'),
        RATE_LIMIT_PER_SECOND: '100000',
      };
      // The test's own view of the same database: an account, a private integration, and the change log.
      const services = await createServices(loadConfig(env));
      let child: ChildProcess | null = null;
      try {
        await migrateToLatest(services.db);
        const account = await services.accounts.signUp({ email: 'crash@example.com', password: 'correct horse battery staple' });
        const { app, client_secret } = await services.apps.createApp({ name: 'Crash', kind: 'private', ownerAccountId: account.account_id });
        let server = await serve(env);
        child = server.child;
        const tokenRes = await fetch(`${server.url}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${app.client_id}:${client_secret}`).toString('base64')}` },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
        });
        const token = ((await tokenRes.json()) as { access_token: string }).access_token;
        const api = apiClient(server.url, { headers: { authorization: `Bearer ${token}` } });
        // A slow receiver, so the kill lands while deliveries are in flight.
        receiver.respond = () => ({ status: 204, delayMs: 15 });
        const hook = await api<{ webhook_id: string; secret: string }>('POST', '/v3/webhooks', {
          url: receiver.url,
          events: ['contact.created', 'contact.updated', 'contact.deleted'],
        });
        assert.equal(hook.status, 201, hook.text);
        receiver.secrets.push(hook.body.secret);
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: `c${i}@example.com` } });
          ids.push(res.body.contact_id);
          await api('PUT', `/v3/contacts/${res.body.contact_id}`, { update_source: 'Account', email_address: { address: `c${i}@example.com` }, first_name: `C${i}` });
        }
        await receiver.waitFor(() => receiver.events().length >= 6);
        child.kill('SIGKILL');
        await new Promise((resolve) => child!.once('exit', resolve));
        const beforeRestart = receiver.events().length;
        assert.ok(beforeRestart < 24, `killed during delivery (${beforeRestart} of 24 delivered)`);

        server = await serve(env);
        child = server.child;
        for (const id of ids.slice(0, 5)) assert.equal((await api('DELETE', `/v3/contacts/${id}`)).status, 204);
        const log = await services.db.selectFrom('contact_changes').select(['seq']).where('account_id', '=', account.account_id).orderBy('seq').execute();
        const expected = log.map((r) => Number(r.seq));
        await receiver.waitFor(() => new Set(receiver.events().map((e) => e.seq)).size >= expected.length, 15_000);
        const events = receiver.events();
        assert.deepEqual([...new Set(events.map((e) => e.seq))].sort((a, b) => a - b), expected, 'every change at least once');
        // In order per contact: each contact's events (first arrivals) follow the log order.
        const firstSeen = new Map<string, number[]>();
        const seen = new Set<number>();
        for (const e of events) {
          if (seen.has(e.seq)) continue;
          seen.add(e.seq);
          firstSeen.set(e.data.contact.contact_id, [...(firstSeen.get(e.data.contact.contact_id) ?? []), e.seq]);
        }
        for (const seqs of firstSeen.values()) assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
        assert.deepEqual(receiver.rejected, []);
      } finally {
        child?.kill('SIGKILL');
        await receiver.close();
        await services.close();
        await database.drop();
      }
    });
  });
}
