// Delivery safety: the SSRF guard again before each delivery (a name that now resolves to a forbidden
// address), and the developer's email when a subscription is disabled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiClient } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { createVerifiedDeveloper } from '../../../test/helpers/developers.ts';
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
  it('emails the developer who owns the app when a subscription is disabled', async () => {
    const smtp = await startTestSmtp();
    const server = await startTestServer('sqlite', { ...FAST_WEBHOOKS, SMTP_URL: smtp.url });
    const receiver = await startWebhookReceiver();
    try {
      const developer = await createVerifiedDeveloper(server);
      const { app } = await server.services.apps.createApp({ name: 'Sync to CRM', ownerDeveloperId: developer.id });
      const owner = await createAccountWithToken(server);
      // The developer's app subscribed on the customer's account (as a user-granted token would).
      const hook = await server.services.webhooks.createWebhook({ accountId: owner.accountId, clientId: app.client_id }, { url: receiver.url, events: ALL });
      receiver.secrets.push(hook.secret);
      receiver.respond = () => 410;
      await apiClient(server.url, owner)('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'gone@example.com' } });
      const mail = await smtp.waitFor(developer.email, /410 Gone/);
      assert.match(mail.subject, /Webhook disabled for Sync to CRM/);
      assert.match(mail.text, new RegExp(`PATCH /v3/webhooks/${hook.webhook_id}`));
    } finally {
      await receiver.close();
      await server.close();
      await smtp.close();
    }
  });
});
