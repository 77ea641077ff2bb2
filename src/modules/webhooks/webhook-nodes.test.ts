// Several nodes deliver from one database: each subscription is held by one node at a time (row claims,
// FOR UPDATE SKIP LOCKED on PostgreSQL), so the receiver gets every change once and in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { FAST_WEBHOOKS, startWebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';
import { loadConfig } from '../../config.ts';
import { createServices } from '../../services.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`webhook delivery by several nodes (${dialect})`, () => {
    it('delivers each change once, in order, while three nodes claim subscriptions', async () => {
      const server = await startTestServer(dialect, FAST_WEBHOOKS);
      // Two more deliverers on the same database and keys, as `listgate worker` processes would be.
      const extra = await Promise.all([1, 2].map(() => createServices(loadConfig({ ...FAST_WEBHOOKS, NODE_ENV: 'test', DATA_DIR: server.config.dataDir, DATABASE_URL: server.config.databaseUrl }))));
      const loops = extra.map((services) => services.webhookDeliverer.start());
      const receivers = await Promise.all([1, 2, 3].map(() => startWebhookReceiver()));
      try {
        const owner = await createAccountWithToken(server);
        const api = apiClient(server.url, owner);
        for (const receiver of receivers) {
          const hook = await api<{ secret: string }>('POST', '/v3/webhooks', { url: receiver.url, events: ['contact.created', 'contact.updated'] });
          receiver.secrets.push(hook.body.secret);
        }
        for (let i = 0; i < 15; i++) {
          const res = await api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: `n${i}@example.com` } });
          await api('PUT', `/v3/contacts/${res.body.contact_id}`, { update_source: 'Account', email_address: { address: `n${i}@example.com` }, first_name: 'N' });
        }
        for (const receiver of receivers) {
          await receiver.waitFor(() => receiver.events().length >= 30);
          await new Promise((r) => setTimeout(r, 150));
          const seqs = receiver.events().map((e) => e.seq);
          assert.equal(seqs.length, 30, 'no duplicates');
          assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in order');
          assert.deepEqual(receiver.rejected, []);
        }
      } finally {
        await Promise.all(loops.map((loop) => loop.stop()));
        for (const services of extra) await services.close();
        for (const receiver of receivers) await receiver.close();
        await server.close();
      }
    });
  });
}
