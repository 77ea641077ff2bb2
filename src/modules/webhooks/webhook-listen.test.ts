// GET /v3/webhooks/listen, the long poll behind `listgate listen`: starts at the log's head, returns the next
// events in the webhook payload shape, waits while there are none, filters by type, refuses bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';

type Batch = { events: { id: string; type: string; seq: number; account_id: string; data: { contact: { contact_id: string; email_address?: { address: string } } } }[]; cursor: string };

for (const dialect of TEST_DIALECTS) {
  describe(`webhook listen long poll (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    it('returns the events after the cursor, waits while there are none, and filters by type', async () => {
      const owner = await createAccountWithToken(server);
      const api = apiClient(server.url, owner);
      const start = await api<Batch>('GET', '/v3/webhooks/listen');
      assert.equal(start.status, 200, start.text);
      assert.deepEqual(start.body.events, []);

      const started = Date.now();
      const waiting = api<Batch>('GET', `/v3/webhooks/listen?cursor=${start.body.cursor}&wait=5`);
      await new Promise((r) => setTimeout(r, 300));
      const created = await api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'poll@example.com' } });
      const woken = await waiting;
      assert.ok(Date.now() - started < 4000, 'answered when the change came, not at the end of the wait');
      assert.equal(woken.body.events.length, 1);
      const [event] = woken.body.events;
      assert.equal(event!.type, 'contact.created');
      assert.equal(event!.id, `evt_${event!.seq}_${owner.accountId}`);
      assert.equal(event!.data.contact.contact_id, created.body.contact_id);
      assert.equal(event!.data.contact.email_address?.address, 'poll@example.com');
      assert.equal(woken.body.cursor, String(event!.seq));

      const quiet = Date.now();
      const empty = await api<Batch>('GET', `/v3/webhooks/listen?cursor=${woken.body.cursor}&wait=1`);
      assert.deepEqual(empty.body, { events: [], cursor: woken.body.cursor });
      assert.ok(Date.now() - quiet >= 900, 'waited about a second');

      assert.equal((await api('DELETE', `/v3/contacts/${created.body.contact_id}`)).status, 204);
      const all = await api<Batch>('GET', `/v3/webhooks/listen?cursor=${start.body.cursor}&events=contact.deleted`);
      assert.deepEqual(all.body.events.map((e) => e.type), ['contact.deleted']);
      assert.ok(Number(all.body.cursor) > Number(woken.body.cursor));
    });

    it('refuses an unknown event type, a bad cursor, a long wait, and a token without contact_data', async () => {
      const owner = await createAccountWithToken(server);
      const api = apiClient(server.url, owner);
      const unknown = await api('GET', '/v3/webhooks/listen?events=contact.created,contact.nope');
      assert.equal(unknown.status, 400);
      assert.deepEqual(unknown.body, [{ error_key: 'contacts.api.validation.error', error_message: 'events names unknown event types: contact.nope' }]);
      for (const query of ['cursor=abc', 'cursor=-1', 'wait=31']) assert.equal((await api('GET', `/v3/webhooks/listen?${query}`)).status, 400, query);
      const reader = await createAccountWithToken(server, { scope: 'account_read' });
      assert.equal((await apiClient(server.url, reader)('GET', '/v3/webhooks/listen')).status, 403);
    });

    it('ends a waiting poll when the server shuts down', async () => {
      const own = await startTestServer(dialect);
      const owner = await createAccountWithToken(own);
      const api = apiClient(own.url, owner);
      const { cursor } = (await api<Batch>('GET', '/v3/webhooks/listen')).body;
      const waiting = api<Batch>('GET', `/v3/webhooks/listen?cursor=${cursor}&wait=30`).catch(() => null);
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      await own.close();
      // Far sooner than the poll's 30 s: the poll ends at once; only the client's idle keep-alive connection
      // may be given the drain's 5 s idle grace (src/http/connection-drain.ts) before it is closed.
      assert.ok(Date.now() - started < 12_000, `closed in ${Date.now() - started} ms`);
      const answer = await waiting;
      if (answer) assert.deepEqual(answer.body.events, []);
    });
  });
}
