// Delivery safety: the SSRF guard again before each delivery (a name that now resolves to a forbidden
// address), nothing sent once the app loses its access to the account, and the developer's email then.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { createVerifiedDeveloper } from '../../../test/helpers/developers.ts';
import { clientFor, codeFlow, createCustomer, registerApp } from '../../../test/helpers/oauth.ts';
import { startTestServer } from '../../../test/helpers/server.ts';
import { startTestSmtp } from '../../../test/helpers/smtp.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { eventually, FAST_WEBHOOKS, startWebhookReceiver } from '../../../test/helpers/webhook-receiver.ts';
import { CONTACT_EVENTS } from './webhook-events.ts';

const ALL = [...CONTACT_EVENTS];
type Hook = { webhook_id: string };
type Attempt = { error?: string; status_code?: number };

for (const dialect of TEST_DIALECTS) {
  describe(`webhook delivery SSRF guard (${dialect})`, () => {
    it('checks the name again before each delivery: one now resolving to a private address is refused', async () => {
      let address = '93.184.216.34';
      const server = await startTestServer(dialect, { ...FAST_WEBHOOKS, WEBHOOK_ALLOW_HTTP_LOOPBACK: 'false' }, { resolve: async () => [{ address, family: 4 }] });
      try {
        const owner = await createAccountWithToken(server);
        const api = apiClient(server.url, owner);
        const hook = await api<Hook>('POST', '/v3/webhooks', { url: 'https://rebind.example.com/hook', events: ALL });
        assert.equal(hook.status, 201, hook.text);
        address = '169.254.169.254';
        await api('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'x@example.com' } });
        await eventually(async () => {
          const attempts = (await api<{ attempts: Attempt[] }>('GET', `/v3/webhooks/${hook.body.webhook_id}/attempts`)).body.attempts;
          assert.match(attempts[0]?.error ?? '', /refused: url resolves to a private, loopback, link-local or metadata address \(169\.254\.169\.254\)/);
          assert.equal(attempts[0]!.status_code, undefined);
        });
      } finally {
        await server.close();
      }
    });
  });
}

describe('webhook subscription disabled (sqlite)', () => {
  it('stops delivering and emails the developer when the app is no longer connected to the account', async () => {
    const smtp = await startTestSmtp();
    const server = await startTestServer('sqlite', { ...FAST_WEBHOOKS, SMTP_URL: smtp.url });
    const receiver = await startWebhookReceiver();
    try {
      const developer = await createVerifiedDeveloper(server);
      const { app } = await server.services.apps.createApp({ name: 'Sync to CRM', ownerDeveloperId: developer.id });
      const owner = await createAccountWithToken(server);
      // Subscribed while connected; the account holds no grant for the app now (as after a customer's removal).
      const hook = await server.services.webhooks.createWebhook({ accountId: owner.accountId, clientId: app.client_id }, { url: receiver.url, events: ALL });
      receiver.secrets.push(hook.secret);
      await apiClient(server.url, owner)('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'private@example.com' } });
      const mail = await smtp.waitFor(developer.email, /no longer connected/);
      assert.match(mail.subject, /Webhook disabled for Sync to CRM/);
      assert.match(mail.text, new RegExp(`PATCH /v3/webhooks/${hook.webhook_id}`));
      const row = await server.services.webhooks.getWebhook({ accountId: owner.accountId, clientId: app.client_id }, hook.webhook_id);
      assert.deepEqual([row.status, row.disabled_reason], ['disabled', 'access_revoked']);
      assert.equal(receiver.requests.length + receiver.rejected.length, 0, 'nothing was sent');
    } finally {
      await receiver.close();
      await server.close();
      await smtp.close();
    }
  });

  it('stops delivering when the private integration of the account is disabled', async () => {
    const server = await startTestServer('sqlite', FAST_WEBHOOKS);
    const receiver = await startWebhookReceiver();
    try {
      const owner = await createAccountWithToken(server);
      const api = apiClient(server.url, owner);
      const hook = await api<Hook & { secret: string }>('POST', '/v3/webhooks', { url: receiver.url, events: ALL });
      receiver.secrets.push(hook.body.secret);
      await api('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'one@example.com' } });
      await receiver.waitFor(() => receiver.events().length === 1);
      await server.services.db.updateTable('apps').set({ status: 'disabled' }).where('client_id', '=', owner.clientId).execute();
      // The owner's token is now refused, so the change is written through the service.
      await server.services.contacts.createContact(owner.accountId, { create_source: 'Account', email_address: { address: 'two@example.com' } });
      await eventually(async () => {
        const row = await server.services.db.selectFrom('webhook_subscriptions').selectAll().where('subscription_id', '=', hook.body.webhook_id).executeTakeFirstOrThrow();
        assert.equal(row.disabled_reason, 'access_revoked');
      });
      assert.equal(receiver.events().length, 1);
    } finally {
      await receiver.close();
      await server.close();
    }
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`webhooks of a third-party app (${dialect})`, () => {
    it('deliver while the customer keeps the app connected, and stop when the customer removes it', async () => {
      const server = await startTestServer(dialect, FAST_WEBHOOKS);
      const receiver = await startWebhookReceiver();
      try {
        const customer = await createCustomer(server);
        const app = await registerApp(server, { kind: 'web' });
        const { tokens } = await codeFlow(server, await clientFor(server, app), app, customer);
        const api = apiClient(server.url, { headers: { authorization: `Bearer ${tokens.access_token}` } });
        const hook = await api<Hook & { secret: string }>('POST', '/v3/webhooks', { url: receiver.url, events: ALL });
        assert.equal(hook.status, 201, hook.text);
        receiver.secrets.push(hook.body.secret);
        await api('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'kept@example.com' } });
        await receiver.waitFor(() => receiver.events().length === 1);
        const [grant] = await server.services.grants.listForUser(customer.userId);
        await server.services.grants.revoke(customer.userId, grant!.grant_id);
        await server.services.contacts.createContact(customer.accountId, { create_source: 'Account', email_address: { address: 'after@example.com' } });
        await eventually(async () => {
          const row = await server.services.db.selectFrom('webhook_subscriptions').selectAll().where('subscription_id', '=', hook.body.webhook_id).executeTakeFirstOrThrow();
          assert.equal(row.disabled_reason, 'access_revoked');
        });
        assert.equal(receiver.events().length, 1);
      } finally {
        await receiver.close();
        await server.close();
      }
    });
  });
}
