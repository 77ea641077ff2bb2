// The console's app pages: search (wildcards escaped), suspend and resume (tokens refused with the reason,
// the portal explains it), per-app rate limits applied at once, secret rotation; bad input writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInDeveloper } from '../../../test/helpers/developers.ts';
import { signedInOperator } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { clientCredentialsToken, createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import type { WebClient } from '../../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`console: apps (${dialect})`, () => {
    let server: TestServer;
    let operator: WebClient;
    let job: TestToken;
    before(async () => {
      server = await startTestServer(dialect);
      operator = (await signedInOperator(server)).browser;
      job = await createAccountWithToken(server);
    });
    after(() => server.close());

    const call = (headers = job.headers) => fetch(`${server.url}/v3/account/summary`, { headers });
    const appRow = () => server.services.db.selectFrom('apps').selectAll().where('client_id', '=', job.clientId).executeTakeFirstOrThrow();

    it('finds apps by name or API key, with LIKE wildcards matching only themselves', async () => {
      await server.services.apps.createApp({ name: 'Nightly 100% sync_job', kind: 'private', ownerAccountId: job.accountId });
      const byName = await operator.get('/admin/apps?q=100%25%20sync_');
      assert.match(byName.body, /Nightly 100% sync_job/);
      assert.doesNotMatch(byName.body, /Test integration/);
      const wildcard = await operator.get('/admin/apps?q=%25');
      assert.match(wildcard.body, /Nightly 100%/);
      assert.doesNotMatch(wildcard.body, /Test integration/, '% is not a wildcard');
      const byKey = await operator.get(`/admin/apps?q=${job.clientId.slice(3, 15)}`);
      assert.match(byKey.body, new RegExp(job.clientId));
    });

    it('suspends with a confirmed reason: the token is refused with the reason, then works again once resumed', async () => {
      assert.equal((await call()).status, 200);
      const page = await operator.get(`/admin/apps/${job.clientId}`);
      const missing = await operator.submit(page, '/suspend', { reason: '' });
      assert.equal(missing.status, 400);
      assert.match(missing.body, /Give a reason/);
      assert.match(missing.body, /Tick the box to confirm/);
      const unconfirmed = await operator.submit(page, '/suspend', { reason: 'Hammering the API at night' });
      assert.equal(unconfirmed.status, 400);
      assert.equal((await appRow()).suspended_at, null, 'nothing is written on bad input');
      assert.equal((await call()).status, 200);

      const done = await operator.submit(page, '/suspend', { reason: 'Hammering the API at night', confirm: 'yes' });
      assert.equal(done.status, 303);
      const refused = await call();
      assert.equal(refused.status, 401);
      const challenge = refused.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /error="invalid_token"/);
      assert.match(challenge, /suspended: Hammering the API at night/);
      const info = await fetch(`${server.url}/oauth2/tokeninfo.htm`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: job.accessToken }) });
      assert.equal(info.status, 404);
      // the token endpoint's client cache may still issue a token for two seconds; that token is refused too
      const fresh = await clientCredentialsToken(server, job.clientId, job.clientSecret).catch(() => null);
      if (fresh) assert.equal((await call({ authorization: `Bearer ${fresh}`, 'x-api-key': job.clientId })).status, 401);

      const suspended = await operator.get(`/admin/apps/${job.clientId}`);
      assert.match(suspended.body, /Suspended since/);
      const resumed = await operator.submit(suspended, '/resume', { reason: 'Fixed their cron job', confirm: 'yes' });
      assert.equal(resumed.status, 303);
      assert.equal((await call()).status, 200);
      const actions = (await server.services.audit.search({ q: job.clientId })).entries.map((e) => e.action);
      assert.deepEqual(actions.filter((a) => a.startsWith('app.')).slice(0, 2), ['app.resumed', 'app.suspended']);
    });

    it('shows the developer a suspended app and its reason in the portal', async () => {
      const { developer, browser } = await signedInDeveloper(server);
      const { app } = await server.services.apps.createApp({ name: 'Portal app', kind: 'web', ownerDeveloperId: developer.id, redirectUris: ['https://example.com/cb'] });
      const page = await operator.get(`/admin/apps/${app.client_id}`);
      assert.equal((await operator.submit(page, '/suspend', { reason: 'Terms of service breach', confirm: 'yes' })).status, 303);
      assert.match((await browser.get('/developer/apps')).body, /Suspended/);
      const settings = await browser.get(`/developer/apps/${app.client_id}`);
      assert.match(settings.body, /suspended by the operators[\s\S]*Terms of service breach/);
      const entries = await server.services.audit.search({}, { developerId: developer.id });
      assert.ok(entries.entries.some((e) => e.action === 'app.suspended' && e.client_id === app.client_id));
    });

    it('sets the app\'s own daily quota, applied at once; bad values write nothing', async () => {
      const page = await operator.get(`/admin/apps/${job.clientId}`);
      const bad = await operator.submit(page, '/limits', { rate_per_second: 'ten', rate_per_day: '-1' });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /Calls per second must be a whole number/);
      assert.match(bad.body, /Calls per day must be a whole number/);
      assert.equal((await appRow()).rate_per_day, null);
      const ok = await operator.submit(page, '/limits', { rate_per_second: '', rate_per_day: '2' });
      assert.equal(ok.status, 303);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call()).status);
      assert.equal(statuses.at(-1), 429, `the third call of the day is refused (${statuses.join(',')})`);
      await operator.submit(await operator.get(`/admin/apps/${job.clientId}`), '/limits', { rate_per_second: '', rate_per_day: '' });
      assert.equal((await appRow()).rate_per_day, null);
      assert.ok((await server.services.audit.search({ action: 'app.rate_limits_changed' })).entries.length >= 2);
    });

    it('rotates the secret once confirmed, showing the new one once', async () => {
      const page = await operator.get(`/admin/apps/${job.clientId}`);
      assert.equal((await operator.submit(page, '/rotate-secret', { reason: 'Leaked in a log' })).status, 400);
      await clientCredentialsToken(server, job.clientId, job.clientSecret);
      const done = await operator.submit(page, '/rotate-secret', { reason: 'Leaked in a log', confirm: 'yes' });
      assert.equal(done.status, 303);
      const shown = await operator.get(done.location!);
      const secret = shown.body.match(/<code class="secret" id="new-secret">([^<]+)<\/code>/)?.[1];
      assert.ok(secret);
      assert.doesNotMatch((await operator.get(done.location!)).body, /new-secret/, 'shown once');
      await assert.rejects(clientCredentialsToken(server, job.clientId, job.clientSecret));
      assert.ok(await clientCredentialsToken(server, job.clientId, secret));
    });
  });
}
