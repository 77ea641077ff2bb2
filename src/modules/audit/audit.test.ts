// The audit log's views are scoped by the session: a developer sees only their own apps' entries, a customer
// only their own account's, an operator everything (with CSV); no query parameter widens a scope.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { signedInOperator } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken } from '../../../test/helpers/tokens.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

const CUSTOMER_PASSWORD = 'correct horse battery staple';

/** The entries of an audit page (after the search form, which echoes the query). */
const entriesOf = (page: { body: string }) => page.body.split('</form>').slice(1).join('</form>');

async function signedInCustomer(server: TestServer, email: string) {
  await server.services.accounts.signUp({ email, password: CUSTOMER_PASSWORD });
  await server.services.db.updateTable('users').set({ verified_at: new Date().toISOString() }).where('email', '=', email).execute();
  const browser = new WebClient(server.url);
  const res = await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email, password: CUSTOMER_PASSWORD });
  assert.equal(res.status, 303);
  return browser;
}

for (const dialect of TEST_DIALECTS) {
  describe(`audit log views (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    it('shows a developer only the entries of their own apps', async () => {
      const a = await signedInDeveloper(server);
      const b = await signedInDeveloper(server);
      const appA = await a.browser.submit(await a.browser.get('/developer/apps/register'), '/developer/apps/register', { name: 'Alpha app', terms: 'yes' });
      const appB = await b.browser.submit(await b.browser.get('/developer/apps/register'), '/developer/apps/register', { name: 'Beta app', terms: 'yes' });
      assert.equal(appA.status, 303);
      assert.equal(appB.status, 303);
      const [keyA, keyB] = await Promise.all(
        [a.developer.id, b.developer.id].map(async (id) => (await server.services.apps.listApps({ ownerDeveloperId: id }))[0]!.client_id),
      );
      const pageA = entriesOf(await a.browser.get(`/developer/audit?q=${keyB}`));
      assert.match(entriesOf(await a.browser.get('/developer/audit')), new RegExp(keyA!));
      assert.doesNotMatch(entriesOf(await a.browser.get('/developer/audit')), new RegExp(keyB!));
      assert.match(pageA, /No entries/, 'searching for another developer\'s key finds nothing');
      assert.doesNotMatch(entriesOf(await b.browser.get('/developer/audit')), new RegExp(keyA!));
    });

    it('shows a customer only their own account\'s entries', async () => {
      const one = await signedInCustomer(server, `one-${Date.now()}@example.com`);
      const two = await signedInCustomer(server, `two-${Date.now()}@example.com`);
      const pageOne = entriesOf(await one.get('/account/audit'));
      assert.match(pageOne, /sign_in\.succeeded/);
      assert.match(pageOne, /customer: one-/);
      assert.doesNotMatch(pageOne, /two-/);
      assert.match(entriesOf(await two.get('/account/audit?q=one-')), /No entries/);
      assert.equal((await new WebClient(server.url).get('/account/audit')).status, 303, 'signed out: to the sign-in page');
    });

    it('records exports and bulk deletions asked through the API, with the app as the actor', async () => {
      const job = await createAccountWithToken(server);
      const res = await fetch(`${server.url}/v3/activities/contact_exports`, { method: 'POST', headers: { ...job.headers, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 201);
      const del = await fetch(`${server.url}/v3/activities/contact_delete`, { method: 'POST', headers: { ...job.headers, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(del.status, 400, 'a refused request records nothing');
      const entries = (await server.services.audit.search({}, { accountId: job.accountId })).entries;
      assert.deepEqual(entries.map((e) => [e.action, e.actor_type, e.actor]), [['data.exported', 'app', job.clientId]]);
    });

    it('shows an operator every entry, and exports them as CSV with formulas neutralised', async () => {
      await server.services.audit.record({ action: 'sign_in.failed', actor: { type: 'developer', id: null, name: '=HYPERLINK("x")' } });
      const { browser } = await signedInOperator(server);
      const all = (await browser.get('/admin/audit')).body;
      assert.match(all, /one-/);
      assert.match(all, /Alpha app|app\.created/);
      const csv = await browser.get('/admin/audit.csv?action=sign_in.failed');
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      assert.match(csv.body, /'=HYPERLINK/);
      assert.doesNotMatch(csv.body, /sign_in\.succeeded/);
      assert.equal((await new WebClient(server.url).get('/admin/audit.csv')).status, 303, 'no CSV without an operator session');
    });
  });
}
