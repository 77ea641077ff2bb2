// Delivery end to end: a real server writes contacts through the API, a real receiver on 127.0.0.1 verifies
// every request with the standardwebhooks library. Short retry intervals come from the configuration.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { CONTACT_EVENTS } from './webhook-events.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { eventually, FAST_WEBHOOKS, type ReceivedEvent, startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

const ALL = [...CONTACT_EVENTS];
type Hook = { webhook_id: string; secret: string; status: string; disabled_reason?: string; failed_attempts: number; backlog: number };
type Attempt = { outcome: string; status_code?: number; error?: string; event_count: number; latency_ms: number; response_excerpt?: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Per contact, the event types in arrival order. */
function byContact(events: ReceivedEvent[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of events) map.set(e.data.contact.contact_id, [...(map.get(e.data.contact.contact_id) ?? []), e.type]);
  return map;
}

for (const dialect of TEST_DIALECTS) {
  describe(`webhook delivery (${dialect})`, () => {
    let server: TestServer;
    const receivers: WebhookReceiver[] = [];

    before(async () => {
      server = await startTestServer(dialect, FAST_WEBHOOKS);
    });
    after(async () => {
      for (const r of receivers) await r.close();
      await server.close();
    });

    /** A fresh account (so only this test's changes flow), a receiver and a subscription to it. */
    async function setUpOn(body: Record<string, unknown> = {}, on: TestServer = server) {
      const owner = await createAccountWithToken(on);
      const api = apiClient(on.url, owner);
      const receiver = await startWebhookReceiver();
      receivers.push(receiver);
      const res = await api<Hook>('POST', '/v3/webhooks', { url: receiver.url, events: ALL, ...body });
      assert.equal(res.status, 201, errorMessages(res.body));
      receiver.secrets.push(res.body.secret);
      return { api, receiver, hook: res.body, owner };
    }

    const setUp = (body: Record<string, unknown> = {}) => setUpOn(body);

    const newContact = async (api: ApiCall, email: string, extra: Record<string, unknown> = {}) => {
      const res = await api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: email, permission_to_send: 'explicit' }, ...extra });
      assert.equal(res.status, 201, res.text);
      return res.body.contact_id;
    };
    const put = async (api: ApiCall, id: string, email: string, extra: Record<string, unknown>) => {
      const res = await api('PUT', `/v3/contacts/${id}`, { update_source: 'Account', email_address: { address: email }, ...extra });
      assert.equal(res.status, 200, res.text);
    };
    const logOf = async (accountId: string) =>
      (await server.services.db.selectFrom('contact_changes').select(['seq', 'contact_id', 'kind']).where('account_id', '=', accountId).orderBy('seq').execute()).map((r) => ({ ...r, seq: Number(r.seq) }));

    it('delivers create, update, list membership, unsubscribe and delete once each, in order per contact, signed', async () => {
      const { api, receiver, owner } = await setUp();
      const list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'News' })).body.list_id;
      const a = await newContact(api, 'ada@example.com');
      const b = await newContact(api, 'bob@example.com', { list_memberships: [list] });
      await put(api, a, 'ada@example.com', { first_name: 'Ada' });
      await put(api, a, 'ada@example.com', { list_memberships: [list] });
      await put(api, b, 'bob@example.com', { list_memberships: [] });
      await put(api, a, 'ada@example.com', { email_address: { address: 'ada@example.com', permission_to_send: 'unsubscribed' } });
      assert.equal((await api('DELETE', `/v3/contacts/${b}`)).status, 204);
      const log = await logOf(owner.accountId);
      await receiver.waitFor(() => receiver.events().length >= log.length);
      await sleep(200); // nothing more arrives
      const events = receiver.events();
      assert.deepEqual(events.map((e) => e.seq), log.map((r) => r.seq), 'every change once, in log order');
      assert.equal(new Set(events.map((e) => e.id)).size, events.length);
      assert.deepEqual(new Set(events.map((e) => e.type)), new Set(ALL));
      const types = byContact(events);
      // A replace that changes lists records an update and the membership changes.
      assert.deepEqual(types.get(a), ['contact.created', 'contact.updated', 'contact.updated', 'contact.list_membership.added', 'contact.unsubscribed']);
      assert.deepEqual(types.get(b), ['contact.created', 'contact.list_membership.added', 'contact.updated', 'contact.list_membership.removed', 'contact.deleted']);
      const last = events[events.length - 1]!;
      assert.deepEqual(last.data.contact, { contact_id: b, status: 'deleted', deleted_at: last.data.contact.deleted_at });
      assert.equal(events.find((e) => e.type === 'contact.list_membership.added')!.data.list_id, list);
      assert.equal(last.account_id, owner.accountId);
      assert.deepEqual(receiver.rejected, []);
      const first = receiver.requests[0]!.headers;
      assert.match(String(first['webhook-id']), /^msg_/);
      assert.match(String(first['webhook-signature']), /^v1,[A-Za-z0-9+/=]+$/);
    });

    it('sends the backlog to a receiver that failed for a while, batched and in order, and logs the attempts', async () => {
      const { api, receiver, hook } = await setUp();
      let failures = 0;
      receiver.respond = () => (failures++ < 4 ? { status: 500, body: 'down for maintenance' } : 204);
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await newContact(api, `backlog${i}@example.com`));
      await receiver.waitFor(() => receiver.events().length >= 6);
      assert.deepEqual(receiver.events().map((e) => e.data.contact.contact_id), ids);
      assert.ok(receiver.requests.some((r) => r.events.length > 1), 'a receiver that is behind gets batches');
      // The last delivery's attempt is logged just after the receiver answers.
      await eventually(async () => {
        const log = await api<{ attempts: Attempt[] }>('GET', `/v3/webhooks/${hook.webhook_id}/attempts`);
        const failed = log.body.attempts.filter((a) => a.outcome === 'failed');
        assert.equal(failed.length, 4);
        assert.equal(failed[0]!.status_code, 500);
        assert.equal(failed[0]!.response_excerpt, 'down for maintenance');
        assert.ok(log.body.attempts.some((a) => a.outcome === 'delivered' && a.status_code === 204));
      });
      await eventually(async () => {
        const after = await api<Hook>('GET', `/v3/webhooks/${hook.webhook_id}`);
        assert.deepEqual([after.body.failed_attempts, after.body.backlog], [0, 0]);
      });
    });

    it('waits as long as Retry-After says', async () => {
      const { api, receiver, hook } = await setUp();
      let refusedAt = 0;
      receiver.respond = () => {
        if (refusedAt) return 204;
        refusedAt = Date.now();
        return { status: 503, headers: { 'retry-after': '1' } };
      };
      await newContact(api, 'later@example.com');
      await receiver.waitFor(() => receiver.events().length === 1);
      assert.ok(receiver.requests[0]!.at - refusedAt >= 900, `retried after ${receiver.requests[0]!.at - refusedAt} ms`);
      await eventually(async () => assert.equal((await api<Hook>('GET', `/v3/webhooks/${hook.webhook_id}`)).body.failed_attempts, 0));
    });

    it('ends the subscription on 410, disables it after the last retry, and resumes from the cursor when re-enabled', async () => {
      const gone = await setUp();
      gone.receiver.respond = () => 410;
      await newContact(gone.api, 'gone@example.com');
      await waitForStatus(gone.api, gone.hook.webhook_id, 'receiver_gone');

      const { api, receiver, hook } = await setUp();
      receiver.respond = () => 500;
      const first = await newContact(api, 'first@example.com');
      const disabled = await waitForStatus(api, hook.webhook_id, 'failing');
      assert.equal(disabled.status, 'disabled');
      const attempts = (await api<{ attempts: Attempt[] }>('GET', `/v3/webhooks/${hook.webhook_id}/attempts`)).body.attempts;
      assert.equal(attempts.length, 6, 'the first attempt and one per retry in the schedule');
      const second = await newContact(api, 'second@example.com');
      await sleep(200);
      assert.equal(receiver.events().length, 0);
      receiver.respond = () => 200;
      assert.equal((await api<Hook>('PATCH', `/v3/webhooks/${hook.webhook_id}`, { status: 'active' })).body.status, 'active');
      await receiver.waitFor(() => receiver.events().length >= 2);
      assert.deepEqual(receiver.events().map((e) => e.data.contact.contact_id), [first, second]);
    });

    async function waitForStatus(api: ApiCall, id: string, reason: string): Promise<Hook> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const hook = (await api<Hook>('GET', `/v3/webhooks/${id}`)).body;
        if (hook.disabled_reason === reason) return hook;
        if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(hook)}`);
        await sleep(30);
      }
    }

    it('keeps other receivers flowing while one hangs, redirects or answers a huge body', async (t) => {
      // A longer timeout than the suite's, so that "delivered while the other still hangs" holds on a busy machine.
      const slow = await startTestServer(dialect, { ...FAST_WEBHOOKS, WEBHOOK_TIMEOUT_MS: '3000' });
      t.after(() => slow.close());
      const setUp = (body: Record<string, unknown> = {}) => setUpOn(body, slow);
      const hanging = await setUp();
      hanging.receiver.respond = () => 'hang';
      const redirect = await setUp();
      redirect.receiver.respond = () => ({ status: 302, headers: { location: hanging.receiver.url } });
      const huge = await setUp();
      huge.receiver.respond = () => ({ status: 200, body: Buffer.alloc(20 * 1024 * 1024, 'x') });
      const fine = await setUp();
      for (const s of [hanging, redirect, huge]) await newContact(s.api, 'slow@example.com');
      const log = async (s: { api: ApiCall; hook: Hook }) => (await s.api<{ attempts: Attempt[] }>('GET', `/v3/webhooks/${s.hook.webhook_id}/attempts`)).body.attempts;
      await newContact(fine.api, 'fine@example.com');
      await fine.receiver.waitFor(() => fine.receiver.events().length === 1);
      assert.deepEqual(await log(hanging), [], 'delivered while the hanging request was still waiting for its timeout');
      await huge.receiver.waitFor(() => huge.receiver.events().length === 1);
      await eventually(async () => assert.equal((await log(hanging)).length, 1));
      const redirected = await log(redirect);
      assert.equal(redirected[0]!.outcome, 'failed');
      assert.match(redirected[0]!.error!, /redirect \(302\) not followed/);
      assert.equal(hanging.receiver.events().length, 0);
      assert.match((await log(hanging))[0]!.error!, /timed out after 3000 ms/);
      const big = (await log(huge))[0]!;
      assert.equal(big.outcome, 'delivered');
      assert.ok(big.response_excerpt!.length <= 512);
    });

    it('signs with both secrets during a rotation overlap', async () => {
      const { api, receiver, hook } = await setUp();
      const rotated = await api<Hook>('POST', `/v3/webhooks/${hook.webhook_id}/rotate_secret`);
      receiver.secrets.splice(0, 1, rotated.body.secret);
      await newContact(api, 'new-secret@example.com');
      await receiver.waitFor(() => receiver.events().length === 1);
      receiver.secrets.splice(0, 1, hook.secret);
      await newContact(api, 'old-secret@example.com');
      await receiver.waitFor(() => receiver.events().length === 2);
      assert.equal(String(receiver.requests[1]!.headers['webhook-signature']).split(' ').length, 2);
      assert.deepEqual(receiver.rejected, []);
    });

    it('resends one event and replays every change since a time', async () => {
      const { api, receiver, hook } = await setUp();
      const a = await newContact(api, 'one@example.com');
      await sleep(20);
      const since = new Date().toISOString();
      await sleep(20);
      const b = await newContact(api, 'two@example.com');
      await receiver.waitFor(() => receiver.events().length === 2);
      const firstId = receiver.events()[0]!.id;
      assert.equal((await api('POST', `/v3/webhooks/${hook.webhook_id}/resend`, { event_id: firstId })).status, 202);
      await receiver.waitFor(() => receiver.events().length === 3);
      assert.equal(receiver.events()[2]!.id, firstId);
      const bad = await api('POST', `/v3/webhooks/${hook.webhook_id}/resend`, { event_id: 'evt_1_someone-else' });
      assert.equal(bad.status, 400);
      assert.match(errorMessages(bad.body), /event_id/);
      const replay = await api('POST', `/v3/webhooks/${hook.webhook_id}/replay`, { since });
      assert.equal(replay.status, 202, replay.text);
      await receiver.waitFor(() => receiver.events().length === 4);
      assert.deepEqual(receiver.events().map((e) => e.data.contact.contact_id), [a, b, a, b]);
      const future = await api('POST', `/v3/webhooks/${hook.webhook_id}/replay`, { since: '2999-01-01T00:00:00Z' });
      assert.equal(future.status, 400);
    });

    it('filters by event type and by list', async () => {
      const owner = await createAccountWithToken(server);
      const api = apiClient(server.url, owner);
      const list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'VIP' })).body.list_id;
      const receiver = await startWebhookReceiver();
      receivers.push(receiver);
      const hook = await api<Hook>('POST', '/v3/webhooks', { url: receiver.url, events: ['contact.created', 'contact.list_membership.added'], list_ids: [list] });
      receiver.secrets.push(hook.body.secret);
      const outside = await newContact(api, 'outside@example.com');
      const vip = await newContact(api, 'vip@example.com', { list_memberships: [list] });
      await put(api, vip, 'vip@example.com', { first_name: 'Very' });
      const later = await newContact(api, 'later@example.com');
      await put(api, later, 'later@example.com', { list_memberships: [list] });
      await receiver.waitFor(() => receiver.events().some((e) => e.data.contact.contact_id === later));
      await sleep(200);
      const seen = receiver.events().map((e) => [e.data.contact.contact_id, e.type]);
      // The list filter is applied when delivering: changes of contacts then in the list, and its membership changes.
      assert.deepEqual(seen.slice(0, 2), [[vip, 'contact.created'], [vip, 'contact.list_membership.added']]);
      assert.deepEqual(seen[seen.length - 1], [later, 'contact.list_membership.added']);
      assert.equal(seen.some(([id, type]) => id === outside || type === 'contact.updated'), false);
    });

    it('reports per-subscription figures in /metrics', async () => {
      const { api, receiver, hook } = await setUp();
      await newContact(api, 'metric@example.com');
      await receiver.waitFor(() => receiver.events().length === 1);
      await eventually(async () => {
        const text = await (await fetch(`${server.url}/metrics`)).text();
        assert.match(text, new RegExp(`listgate_webhook_events_delivered_total\\{subscription="${hook.webhook_id}"\\} 1`));
        assert.match(text, new RegExp(`listgate_webhook_backlog\\{subscription="${hook.webhook_id}"\\} 0`));
        assert.match(text, new RegExp(`listgate_webhook_active\\{subscription="${hook.webhook_id}"\\} 1`));
      });
    });
  });
}

