// The console's usage page: the calls a test makes show in the overall chart, in the table of the busiest
// apps and on the app's own usage page; the CSV holds the same numbers; bad parameters answer 400 and an
// unknown app 404; only a signed-in operator gets in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { signedInOperator } from '../../../test/helpers/operators.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { createAccountWithToken, type TestToken } from '../../../test/helpers/tokens.ts';
import { WebClient } from '../../../test/helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`console: usage (${dialect})`, () => {
    let server: TestServer;
    let operator: WebClient;
    let busy: TestToken;
    let quiet: TestToken;
    before(async () => {
      server = await startTestServer(dialect);
      operator = (await signedInOperator(server)).browser;
      busy = await createAccountWithToken(server);
      quiet = await createAccountWithToken(server);
      for (let i = 0; i < 5; i++) assert.equal((await fetch(`${server.url}/v3/account/summary`, { headers: busy.headers })).status, 200);
      assert.equal((await fetch(`${server.url}/v3/contacts/not-a-uuid`, { headers: busy.headers })).status, 400);
      assert.equal((await fetch(`${server.url}/v3/account/summary`, { headers: quiet.headers })).status, 200);
      await server.services.usageCollector.flush();
    });
    after(() => server.close());

    it('shows every app summed, and the busiest apps first with their calls and errors', async () => {
      const page = await operator.get('/admin/usage');
      assert.equal(page.status, 200);
      assert.match(page.body, /Calls per day, last 30 days/);
      assert.match(page.body, /Calls<strong>7<\/strong>/, 'six calls of one app and one of the other');
      const rows = [...page.body.matchAll(/<tr><th scope="row"><a href="\/admin\/usage\?app=([^"]+)">[^<]*<\/a>.*?<td>(\d+)<\/td><td>(\d+)<\/td>/g)].map((m) => [decodeURIComponent(m[1]!), Number(m[2]), Number(m[3])]);
      assert.deepEqual(rows, [
        [busy.clientId, 6, 1],
        [quiet.clientId, 1, 0],
      ]);
    });

    it('shows one app, linked from its console page, and its CSV', async () => {
      const appPage = await operator.get(`/admin/apps/${busy.clientId}`);
      assert.match(appPage.body, new RegExp(`href="/admin/usage\\?app=${busy.clientId}"`));
      const page = await operator.get(`/admin/usage?app=${busy.clientId}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /Calls<strong>6<\/strong>/);
      assert.match(page.body, /Errors \(4xx \/ 5xx\)<strong>1 \/ 0<\/strong>/);
      const csv = await operator.get(`/admin/usage.csv?app=${busy.clientId}`);
      assert.equal(csv.status, 200);
      const lines = csv.body.trim().split('\n');
      assert.equal(lines.length, 31, 'a header and 30 days');
      assert.equal(lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[3]), 0), 6);
      const all = await operator.get('/admin/usage.csv?granularity=hour');
      assert.equal(all.body.trim().split('\n').length, 25, 'a header and 24 hours');
    });

    it('answers bad parameters with 400, an unknown app with 404, and strangers with the sign-in page', async () => {
      assert.equal((await operator.get('/admin/usage.csv?granularity=week')).status, 400);
      assert.equal((await operator.get('/admin/usage.csv?start=yesterday')).status, 400);
      const unknown = `${busy.clientId.slice(0, -4)}${busy.clientId.endsWith('0000') ? '1111' : '0000'}`;
      const missing = await operator.get(`/admin/usage?app=${unknown}`);
      assert.equal(missing.status, 404, missing.body.slice(0, 3000));
      assert.equal((await operator.get(`/admin/usage.csv?app=${unknown}`)).status, 404);
      const stranger = new WebClient(server.url);
      const refused = await stranger.get('/admin/usage');
      assert.notEqual(refused.status, 200);
      assert.doesNotMatch(refused.body, /Calls per day/);
    });
  });
}
