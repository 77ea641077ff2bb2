// The portal's webhook pages: an app's subscriptions on every customer account that granted it, the
// delivery log, resend and replay through the same service as the API, and nothing of another developer's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { clientFor, codeFlow, createCustomer, REDIRECT_URI } from '../../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { eventually, FAST_WEBHOOKS, startWebhookReceiver, type WebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';

const errorOf = (body: string, name: string) => body.match(new RegExp(`id="f-${name}-error"[^>]*>([^<]*)<`))?.[1];

for (const dialect of TEST_DIALECTS) {
  describe(`developer portal webhook pages (${dialect})`, () => {
    let server: TestServer;
    let receiver: WebhookReceiver;
    before(async () => {
      server = await startTestServer(dialect, FAST_WEBHOOKS);
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await receiver.close();
      await server.close();
    });

    /** A developer's web app granted by a new customer, and that customer's API calls as the app. */
    async function grantedApi(clientId: string, clientSecret: string) {
      const customer = await createCustomer(server);
      const app = { clientId, clientSecret, redirectUri: REDIRECT_URI };
      const { tokens } = await codeFlow(server, await clientFor(server, app), app, customer);
      return { customer, api: apiClient(server.url, { headers: { authorization: `Bearer ${tokens.access_token}`, 'x-api-key': clientId } }) };
    }

    async function subscribe(api: ReturnType<typeof apiClient>) {
      const res = await api<{ webhook_id: string; secret: string }>('POST', '/v3/webhooks', { url: receiver.url, events: ['contact.created'] });
      assert.equal(res.status, 201, res.text);
      receiver.secrets.push(res.body.secret);
      return res.body.webhook_id;
    }

    it('lists the subscriptions on every granting account, shows the log, resends and replays; another developer sees none', async () => {
      const { developer, browser } = await signedInDeveloper(server);
      const { app, client_secret } = await server.services.apps.createApp({ name: 'CRM sync', kind: 'web', redirectUris: [REDIRECT_URI], ownerDeveloperId: developer.id });
      const first = await grantedApi(app.client_id, client_secret!);
      const second = await grantedApi(app.client_id, client_secret!);
      const hookA = await subscribe(first.api);
      const hookB = await subscribe(second.api);
      const created = await first.api<{ contact_id: string }>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'ada@example.com' } });
      assert.equal(created.status, 201);
      await receiver.waitFor(() => receiver.events().some((e) => e.data.contact.contact_id === created.body.contact_id));

      const settings = await browser.get(`/developer/apps/${app.client_id}`);
      assert.match(settings.body, new RegExp(`href="/developer/apps/${app.client_id}/webhooks"`));
      const list = await browser.get(`/developer/apps/${app.client_id}/webhooks`);
      assert.equal(list.status, 200);
      assert.match(list.headers.get('content-security-policy') ?? '', /default-src/);
      for (const [hook, account] of [[hookA, first.customer.accountId], [hookB, second.customer.accountId]])
        assert.match(list.body, new RegExp(`webhooks/${hook}">${receiver.url}</a>[\\s\\S]*?<code>${account}</code>`));

      const path = `/developer/apps/${app.client_id}/webhooks/${hookA}`;
      let page!: Awaited<ReturnType<typeof browser.get>>;
      await eventually(async () => {
        page = await browser.get(path);
        assert.match(page.body, /badge active">delivered<\/span> 204/);
      });
      const event = receiver.events().find((e) => e.data.contact.contact_id === created.body.contact_id)!;
      assert.ok(page.body.includes(`<code>${event.id}</code>`));
      assert.match(page.body, /\d+ ms/);

      const countOf = (id: string) => receiver.events().filter((e) => e.id === id).length;
      const resent = await browser.submitThenGet(page, '/resend', { event_id: event.id });
      assert.equal(resent.url, `${server.url}${path}?done=resent`);
      assert.match(resent.body, /The event is queued/);
      await receiver.waitFor(() => countOf(event.id) === 2);

      const replayed = await browser.submitThenGet(await browser.get(path), '/replay', { since: new Date(Date.parse(event.timestamp) - 1000).toISOString() });
      assert.match(replayed.body, /Replay started/);
      await receiver.waitFor(() => countOf(event.id) === 3);

      // Bad input: the page again with the message next to the field, and nothing queued.
      const badResend = await browser.submit(await browser.get(path), '/resend', { event_id: 'evt_1_nope' });
      assert.equal(badResend.status, 400);
      assert.match(errorOf(badResend.body, 'event_id') ?? '', /names no event of this account/);
      const badSince = await browser.submit(await browser.get(path), '/replay', { since: 'yesterday' });
      assert.equal(badSince.status, 400);
      assert.match(errorOf(badSince.body, 'since') ?? '', /date-time/);
      const future = await browser.submit(await browser.get(path), '/replay', { since: '2999-01-01T00:00:00Z' });
      assert.match(errorOf(future.body, 'since') ?? '', /future/);

      // Without the CSRF token the form is refused.
      const noCsrf = await browser.submit(await browser.get(path), '/resend', { event_id: event.id, _csrf: 'forged' });
      assert.equal(noCsrf.status, 403);

      // A second developer: the first one's app, subscriptions and forms are all a 404.
      const other = await signedInDeveloper(server);
      const { app: otherApp } = await server.services.apps.createApp({ name: 'Other', kind: 'web', redirectUris: [REDIRECT_URI], ownerDeveloperId: other.developer.id });
      assert.equal((await other.browser.get(`/developer/apps/${app.client_id}/webhooks`)).status, 404);
      assert.equal((await other.browser.get(path)).status, 404);
      assert.equal((await other.browser.get(`/developer/apps/${otherApp.client_id}/webhooks/${hookA}`)).status, 404, 'not through their own app either');
      const ownList = await other.browser.get(`/developer/apps/${otherApp.client_id}/webhooks`);
      assert.equal(ownList.status, 200);
      assert.ok(!ownList.body.includes(hookA) && !ownList.body.includes(hookB));
      assert.match(ownList.body, /No subscriptions yet/);
      const before = countOf(event.id);
      const csrf = (await other.browser.get(`/developer/apps/${otherApp.client_id}`)).body.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const cross = await other.browser.request('POST', `${path}/resend`, new URLSearchParams({ _csrf: csrf, event_id: event.id }));
      assert.equal(cross.status, 404);
      const crossReplay = await other.browser.request('POST', `/developer/apps/${otherApp.client_id}/webhooks/${hookA}/replay`, new URLSearchParams({ _csrf: csrf, since: event.timestamp }));
      assert.equal(crossReplay.status, 404);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(countOf(event.id), before, 'nothing was resent for the other developer');
      assert.equal(receiver.rejected.length, 0);
    });
  });
}
