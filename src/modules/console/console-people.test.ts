// The console's developers, customer accounts and jobs: search with wildcards escaped, suspension that ends
// sessions and refuses sign-in until resumed, a retried failed job; bad input writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { DEVELOPER_PASSWORD, signedInDeveloper } from '../../../test/helpers/developers.ts';
import { signedInOperator } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`console: developers, accounts, jobs (${dialect})`, () => {
    let server: TestServer;
    let operator: WebClient;
    before(async () => {
      server = await startTestServer(dialect);
      operator = (await signedInOperator(server)).browser;
    });
    after(() => server.close());

    it('suspends a developer with a confirmed reason: signed out, refused at sign-in, back once resumed', async () => {
      const { developer, browser } = await signedInDeveloper(server, `under_score-${Date.now()}@example.com`);
      await signedInDeveloper(server, `underxscore-${Date.now()}@example.com`);
      const found = await operator.get('/admin/developers?q=under_score');
      assert.match(found.body, /under_score-/);
      assert.doesNotMatch(found.body, /underxscore-/, '_ is not a wildcard');
      const page = await operator.get(`/admin/developers/${developer.id}`);
      assert.equal((await operator.submit(page, '/suspend', { reason: 'x' })).status, 400);
      const row = () => server.services.db.selectFrom('developers').select(['suspended_at']).where('id', '=', developer.id).executeTakeFirstOrThrow();
      assert.equal((await row()).suspended_at, null);
      assert.equal((await operator.submit(page, '/suspend', { reason: 'Abuse report 42', confirm: 'yes' })).status, 303);
      assert.equal((await browser.get('/developer/apps')).status, 303, 'the session ended');
      const again = new WebClient(server.url);
      const refused = await again.submit(await again.get('/developer/sign-in'), '/developer/sign-in', { email: developer.email, password: DEVELOPER_PASSWORD });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /suspended by the operators of this installation: Abuse report 42/);
      const suspended = await operator.get(`/admin/developers/${developer.id}`);
      assert.equal((await operator.submit(suspended, '/resume', { reason: 'Resolved', confirm: 'yes' })).status, 303);
      assert.equal((await again.submit(await again.get('/developer/sign-in'), '/developer/sign-in', { email: developer.email, password: DEVELOPER_PASSWORD })).status, 303);
      const actions = (await server.services.audit.search({ q: developer.id })).entries.map((e) => e.action);
      assert.deepEqual(actions.filter((a) => a.startsWith('developer.')), ['developer.resumed', 'developer.suspended']);
    });

    it('suspends a customer account: its users cannot sign in', async () => {
      const email = `shop-${Date.now()}@example.com`;
      const created = await server.services.accounts.signUp({ email, password: 'correct horse battery staple', organizationName: 'Corner Shop' });
      await server.services.db.updateTable('users').set({ verified_at: new Date().toISOString() }).where('email', '=', email).execute();
      assert.match((await operator.get('/admin/accounts?q=corner')).body, /Corner Shop/);
      const page = await operator.get(`/admin/accounts/${created.account_id}`);
      assert.equal((await operator.submit(page, '/suspend', { reason: 'Unpaid invoices', confirm: 'yes' })).status, 303);
      const customer = new WebClient(server.url);
      const refused = await customer.submit(await customer.get('/account/sign-in'), '/account/sign-in', { email, password: 'correct horse battery staple' });
      assert.equal(refused.status, 403);
      assert.match(refused.body, /Unpaid invoices/);
    });

    it('shows the account\'s rate-limit budget from the configuration', async () => {
      const created = await server.services.accounts.signUp({ email: `budget-${Date.now()}@example.com`, password: 'correct horse battery staple' });
      const { perSecond, perDay } = server.services.config.accountRateLimit;
      const page = await operator.get(`/admin/accounts/${created.account_id}`);
      const budget = /<p id="budget">([^<]*)<\/p>/.exec(page.body)?.[1] ?? '';
      assert.match(budget, new RegExp(`^${perSecond.toLocaleString('en-US')} calls per second and ${perDay.toLocaleString('en-US')} calls per day`));
    });

    it('retries a failed job once confirmed', async () => {
      const owner = await server.services.accounts.signUp({ email: `jobs-${Date.now()}@example.com`, password: 'correct horse battery staple' });
      const id = await server.services.activities.enqueue(server.services.db, { accountId: owner.account_id, kind: 'no_such_job', payload: {}, itemsTotal: 1 });
      await server.services.db.updateTable('activities').set({ state: 'failed' }).where('activity_id', '=', id).execute();
      const page = await operator.get('/admin/jobs');
      assert.match(page.body, new RegExp(id));
      assert.equal((await operator.submit(page, `/admin/jobs/${id}/retry`, { reason: '' })).status, 400);
      const state = async () => (await server.services.db.selectFrom('activities').select('state').where('activity_id', '=', id).executeTakeFirstOrThrow()).state;
      assert.equal(await state(), 'failed');
      assert.equal((await operator.submit(page, `/admin/jobs/${id}/retry`, { reason: 'Disk freed', confirm: 'yes' })).status, 303);
      assert.notEqual(await state(), 'failed');
    });
  });
}
