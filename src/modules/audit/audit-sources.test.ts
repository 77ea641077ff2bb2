// The audit log hears from every place that acts: a reused refresh token at the real token endpoint, list
// deletions and exports with the app or the customer that asked, and failed sign-ins on the tried account's
// own page (and on no other account's).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createManualClock } from '../../shared/clock.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { DEVELOPER_PASSWORD, createVerifiedDeveloper } from '../../../test/helpers/developers.ts';
import { basicAuth, clientFor, codeFlow, createCustomer, postForm, REDIRECT_URI, type TestApp } from '../../../test/helpers/oauth.ts';
import { signedInOperator } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { v2Client } from '../../../test/helpers/v2.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

const CUSTOMER_PASSWORD = 'correct horse battery staple';

/** The entries of an audit page (after the search form, which echoes the query). */
const entriesOf = (page: { body: string }) => page.body.split('</form>').slice(1).join('</form>');

for (const dialect of TEST_DIALECTS) {
  describe(`audit log sources (${dialect})`, () => {
    let server: TestServer;
    const clock = createManualClock(new Date());
    before(async () => {
      server = await startTestServer(dialect, {}, { clock });
    });
    after(() => server.close());

    async function signedInCustomer(email: string) {
      const created = await server.services.accounts.signUp({ email, password: CUSTOMER_PASSWORD });
      await server.services.db.updateTable('users').set({ verified_at: new Date().toISOString() }).where('email', '=', email).execute();
      const browser = new WebClient(server.url);
      assert.equal((await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email, password: CUSTOMER_PASSWORD })).status, 303);
      return { browser, accountId: created.account_id };
    }

    it('records a reused refresh token at the token endpoint, for the operators, the app\'s developer and the customer only', async () => {
      // signed in before the clock moves past the grace window (the operator's TOTP codes follow real time)
      const { browser: operator } = await signedInOperator(server);
      const developer = await createVerifiedDeveloper(server);
      const { app, client_secret } = await server.services.apps.createApp({ name: 'Reuse app', kind: 'web', redirectUris: [REDIRECT_URI], ownerDeveloperId: developer.id });
      const web: TestApp = { clientId: app.client_id, clientSecret: client_secret, redirectUri: REDIRECT_URI };
      const config = await clientFor(server, web);
      const customer = await createCustomer(server);
      const { tokens } = await codeFlow(server, config, web, customer, { scope: 'account_read offline_access', prompt: 'consent' });
      const rt1 = tokens.refresh_token!;
      await oidc.refreshTokenGrant(config, rt1);
      const reused = () => server.services.audit.search({ action: 'refresh_token.reused' });

      assert.equal((await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: rt1 }, basicAuth(web))).status, 200, 'a retry inside the grace window');
      assert.deepEqual((await reused()).entries, [], 'a retry inside the grace window is no reuse');

      clock.advance(61_000);
      const reuse = await postForm(server, '/token', { grant_type: 'refresh_token', refresh_token: rt1 }, basicAuth(web));
      assert.equal(reuse.status, 400);
      assert.equal(reuse.json.error, 'invalid_grant');
      const [entry, ...more] = (await reused()).entries;
      assert.equal(more.length, 0);
      assert.equal(entry?.actor_type, 'app');
      assert.equal(entry?.client_id, web.clientId);
      assert.match(entry?.object ?? '', /^grant [\w-]{10,}$/);
      assert.match(entry?.ip ?? '', /127\.0\.0\.1/);
      assert.ok(entry?.user_agent, 'the user agent is kept');
      const grant = entry!.object.slice('grant '.length);
      assert.equal(entry?.account_id, customer.accountId, 'the customer whose grant it was sees it on their account page');

      assert.match(entriesOf(await operator.get('/admin/audit?action=refresh_token.reused')), new RegExp(grant));
      const owner = new WebClient(server.url);
      assert.equal((await owner.submit(await owner.get('/developer/sign-in'), '/developer/sign-in', { email: developer.email, password: DEVELOPER_PASSWORD })).status, 303);
      assert.match(entriesOf(await owner.get('/developer/audit?action=refresh_token.reused')), new RegExp(grant));
      const stranger = new WebClient(server.url);
      const other = await createVerifiedDeveloper(server);
      assert.equal((await stranger.submit(await stranger.get('/developer/sign-in'), '/developer/sign-in', { email: other.email, password: DEVELOPER_PASSWORD })).status, 303);
      assert.doesNotMatch(entriesOf(await stranger.get('/developer/audit?action=refresh_token.reused')), new RegExp(grant));
    });

    it('records list and tag deletions (v3 and v2) as bulk deletes by the app; a refused one records nothing', async () => {
      const job = await createAccountWithToken(server);
      const json = { ...job.headers, 'content-type': 'application/json' };
      const list = (await (await fetch(`${server.url}/v3/contact_lists`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Gone soon' }) })).json()) as { list_id: string };
      assert.equal((await fetch(`${server.url}/v3/contact_lists/${list.list_id}`, { method: 'DELETE', headers: job.headers })).status, 202);
      assert.equal((await fetch(`${server.url}/v3/contact_lists/${list.list_id}`, { method: 'DELETE', headers: job.headers })).status, 404);
      const v2 = v2Client(server.url, job);
      const old = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Old list' })).body.id;
      assert.equal((await v2('DELETE', `/v2/lists/${old}`)).status, 204);
      const tag = (await (await fetch(`${server.url}/v3/contact_tags`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Old tag' }) })).json()) as { tag_id: string };
      assert.equal((await fetch(`${server.url}/v3/contact_tags/${tag.tag_id}`, { method: 'DELETE', headers: job.headers })).status, 202);
      const entries = (await server.services.audit.search({ action: 'bulk.deleted' }, { accountId: job.accountId })).entries;
      assert.deepEqual(entries.map((e) => [e.actor_type, e.actor, e.client_id]), Array(3).fill(['app', job.clientId, job.clientId]));
      // one manual clock: entries of the same instant come in id order, so they are matched by content
      const details = entries.map((e) => e.detail).join('\n');
      assert.match(details, new RegExp(`"tag_delete".*${tag.tag_id}`));
      assert.match(details, new RegExp(`"list_delete".*${list.list_id}`));
    });

    it('records exports with the app for /v2 and the signed-in customer for the account pages', async () => {
      const job = await createAccountWithToken(server);
      const v2 = v2Client(server.url, job);
      const list = (await v2<{ id: string }>('POST', '/v2/lists', { name: 'Export me' })).body.id;
      const exported = await v2('POST', '/v2/activities/exportcontacts', { file_type: 'CSV', sort_by: 'EMAIL_ADDRESS', lists: [list], column_names: ['Email Address'] });
      assert.equal(exported.status, 201);
      const appEntries = (await server.services.audit.search({ action: 'data.exported' }, { accountId: job.accountId })).entries;
      assert.deepEqual(appEntries.map((e) => [e.actor_type, e.actor]), [['app', job.clientId]]);

      const email = `exporter-${Date.now()}@example.com`;
      const { browser, accountId } = await signedInCustomer(email);
      const own = await server.services.lists.createList(accountId, { name: 'My list' });
      assert.equal((await browser.submit(await browser.get(`/account/lists/${own.list_id}`), '/exports')).status, 303);
      const customerEntries = (await server.services.audit.search({ action: 'data.exported' }, { accountId })).entries;
      assert.deepEqual(customerEntries.map((e) => [e.actor_type, e.actor]), [['customer', email]]);
      assert.match(entriesOf(await browser.get('/account/audit?action=data.exported')), new RegExp(`customer: ${email}`));
    });

    it('shows failed sign-ins on the tried account\'s own page, and on no other account\'s', async () => {
      const stamp = Date.now();
      const one = await signedInCustomer(`tried-${stamp}@example.com`);
      const two = await signedInCustomer(`bystander-${stamp}@example.com`);
      const guesser = new WebClient(server.url);
      const tries = [`tried-${stamp}@example.com`, `nobody-${stamp}@example.com`];
      for (const email of tries) {
        const res = await guesser.submit(await guesser.get('/account/sign-in'), '/account/sign-in', { email, password: 'wrong password here' });
        assert.notEqual(res.status, 303);
      }
      const pageOne = entriesOf(await one.browser.get('/account/audit?action=sign_in.failed'));
      assert.match(pageOne, new RegExp(`tried-${stamp}`));
      assert.doesNotMatch(pageOne, new RegExp(`nobody-${stamp}`), 'an unknown address belongs to no account');
      assert.match(entriesOf(await two.browser.get('/account/audit?action=sign_in.failed')), /No entries/);
      const unknown = (await server.services.audit.search({ action: 'sign_in.failed', q: `nobody-${stamp}` })).entries;
      assert.deepEqual(unknown.map((e) => e.account_id), [null]);
    });
  });
}
