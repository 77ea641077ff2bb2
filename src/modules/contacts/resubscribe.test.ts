import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, type ApiError, createOwnerAndOther } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

type Contact = { contact_id: string; email_address: { permission_to_send: string }; list_memberships?: string[] };

for (const dialect of TEST_DIALECTS) {
  describe(`PUT /v3/contacts/resubscribe/{contact_id} (${dialect})`, () => {
    let server: TestServer;
    let smtp: TestSmtp;
    let api: ApiCall;
    let other: ApiCall;
    let list: string;
    before(async () => {
      smtp = await startTestSmtp();
      server = await startTestServer(dialect, { SMTP_URL: smtp.url });
      ({ api, other } = await createOwnerAndOther(server));
      list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Back again' })).body.list_id;
    });
    after(async () => {
      await server.close();
      await smtp.close();
    });

    const unsubscribed = async (address: string) => {
      const created = await api<Contact>('POST', '/v3/contacts', {
        create_source: 'Contact',
        email_address: { address, permission_to_send: 'unsubscribed' },
      });
      assert.equal(created.status, 201, created.text);
      return created.body.contact_id;
    };
    const read = async (id: string) => (await api<Contact>('GET', `/v3/contacts/${id}?include=list_memberships`)).body;

    it('mails a confirmation link; the contact is subscribed only once the link is confirmed', async () => {
      const id = await unsubscribed('comeback@example.com');
      const res = await api('PUT', `/v3/contacts/resubscribe/${id}`, { list_ids: [list] });
      assert.equal(res.status, 204, res.text);
      const mail = await smtp.waitFor('comeback@example.com');
      assert.equal((await read(id)).email_address.permission_to_send, 'unsubscribed', 'the request alone changes nothing');

      const web = new WebClient(server.url);
      const page = await web.get(linkIn(mail, `${server.url}/contacts/resubscribe?token=`));
      assert.equal(page.status, 200);
      assert.equal((await read(id)).email_address.permission_to_send, 'unsubscribed', 'opening the link changes nothing');
      const done = await web.submit(page, '/contacts/resubscribe');
      assert.equal(done.status, 200, done.body);
      assert.match(done.body, /subscribed again/);
      const after = await read(id);
      assert.equal(after.email_address.permission_to_send, 'explicit');
      assert.deepEqual(after.list_memberships, [list]);
    });

    it('refuses a contact that is not unsubscribed, unknown lists and other accounts, and a forged link', async () => {
      const subscribed = await api<Contact>('POST', '/v3/contacts', { create_source: 'Account', email_address: { address: 'here@example.com' } });
      const notNeeded = await api<ApiError>('PUT', `/v3/contacts/resubscribe/${subscribed.body.contact_id}`, { list_ids: [list] });
      assert.equal(notNeeded.status, 400);
      assert.match(notNeeded.body[0]!.error_message, /unsubscribed/);
      const id = await unsubscribed('stays@example.com');
      const ghost = await api('PUT', `/v3/contacts/resubscribe/${id}`, { list_ids: ['6f1c2b1e-0a4e-4c57-9d83-1b3f3c1d2e4f'] });
      assert.equal(ghost.status, 400);
      assert.equal((await api('PUT', `/v3/contacts/resubscribe/${id}`, { list_ids: [] })).status, 400);
      assert.equal((await other('PUT', `/v3/contacts/resubscribe/${id}`, { list_ids: [list] })).status, 404);
      const web = new WebClient(server.url);
      assert.equal((await web.get('/contacts/resubscribe?token=forged.token')).status, 400);
      assert.equal((await read(id)).email_address.permission_to_send, 'unsubscribed');
    });
  });
}
