// The usage section of the portal's application page: the calls a customer's token made, as a chart, a
// table and a CSV; another developer sees none of it. In Chromium: the chart renders under the page's CSP.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accessibilityIssues, browserUnavailable, IMAGES_DIR, launchBrowser, WIDE, watchPage } from '../../../test/helpers/browser.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { DEVELOPER_PASSWORD, signedInDeveloper } from '../../../test/helpers/developers.ts';
import { clientFor, codeFlow, createCustomer, REDIRECT_URI } from '../../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

/** A web app of `developerId` that a customer allowed, and four calls with its token: three 200s and a 404. */
async function appWithCalls(server: TestServer, developerId: string): Promise<string> {
  const { app, client_secret } = await server.services.apps.createApp({ name: 'Usage shop', kind: 'web', redirectUris: [REDIRECT_URI], ownerDeveloperId: developerId });
  const testApp = { clientId: app.client_id, clientSecret: client_secret, redirectUri: REDIRECT_URI };
  const { tokens } = await codeFlow(server, await clientFor(server, testApp), testApp, await createCustomer(server));
  const headers = { authorization: `Bearer ${tokens.access_token}`, 'x-api-key': app.client_id };
  for (const path of ['/v3/account/summary', '/v3/account/summary', '/v3/account/summary', '/v3/contacts/00000000-0000-4000-8000-000000000000']) {
    await fetch(`${server.url}${path}`, { headers });
  }
  await server.services.usageCollector.flush();
  return app.client_id;
}

const today = () => new Date().toISOString().slice(0, 10);

for (const dialect of TEST_DIALECTS) {
  describe(`application usage in the portal (${dialect})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    it('shows the app\'s calls per day as a chart, figures and a table, and exports them as CSV', async () => {
      const { developer, browser } = await signedInDeveloper(server);
      const clientId = await appWithCalls(server, developer.id);
      const page = await browser.get(`/developer/apps/${clientId}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<svg class="usage-chart" id="calls-per-day" role="img"/);
      assert.match(page.body, /<title id="calls-per-day-title">Calls per day, last 30 days<\/title>/);
      assert.equal([...page.body.matchAll(/<rect class="bar"/g)].length, 30);
      assert.match(page.body, /data-value="4"><title>[A-Z][a-z]{2} \d+: 4 calls<\/title><\/rect>[\s\S]*<\/svg>/);
      assert.match(page.body, new RegExp(`<th scope="row">${today()}</th><td>4</td><td>3</td><td>1</td><td>0</td><td>0</td>`));
      assert.doesNotMatch(page.body, /<script(?![^>]*src=)/, 'no inline script');

      const csv = await browser.get(`/developer/apps/${clientId}/usage.csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      assert.equal(lines[0], 'client_id,period_start,granularity,calls,status_2xx,status_4xx,status_5xx,status_429,p95_ms,tokens_issued,active_grants');
      assert.equal(lines.length, 31);
      assert.match(lines.at(-1)!, new RegExp(`^${clientId},${today()}T00:00:00.000Z,day,4,3,1,0,0,\\d+,1,`));
      assert.equal((await browser.get(`/developer/apps/${clientId}/usage.csv?granularity=week`)).status, 400);
    });

    it('shows a developer nothing of another developer\'s app: 404 for its page and its CSV', async () => {
      const owner = await signedInDeveloper(server);
      const clientId = await appWithCalls(server, owner.developer.id);
      const stranger = await signedInDeveloper(server);
      assert.equal((await stranger.browser.get(`/developer/apps/${clientId}`)).status, 404);
      const csv = await stranger.browser.get(`/developer/apps/${clientId}/usage.csv`);
      assert.equal(csv.status, 404);
      assert.doesNotMatch(csv.body, new RegExp(clientId));
      // The service itself counts nothing for a developer who does not own the app.
      const series = await server.services.usage.forDeveloperApp(stranger.developer.id, clientId);
      assert.equal(series.totals.calls, 0);
      assert.equal((await server.services.usage.forDeveloperApp(owner.developer.id, clientId)).totals.calls, 4);
    });
  });
}

describe('application usage chart in Chromium', { skip: browserUnavailable() ?? false }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('renders the calls per day on the app page under the page CSP, accessible by name', async () => {
    const { developer } = await signedInDeveloper(server);
    const clientId = await appWithCalls(server, developer.id);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: WIDE });
      const watch = watchPage(page);
      await page.goto(`${server.url}/developer/sign-in`);
      await page.getByLabel('Email address').fill(developer.email);
      await page.getByLabel('Password').fill(DEVELOPER_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'My Applications' }).waitFor();
      await page.goto(`${server.url}/developer/apps/${clientId}`);
      const chart = page.getByRole('img', { name: 'Calls per day, last 30 days' });
      await chart.waitFor();
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 300 && box.height > 80, `chart box ${JSON.stringify(box)}`);
      const last = page.locator('#calls-per-day rect.bar').last();
      assert.equal(await last.getAttribute('data-value'), '4');
      const bar = await last.boundingBox();
      assert.ok(bar && bar.height > 50, `the day's bar is drawn: ${JSON.stringify(bar)}`);
      // The styles come from app.css (no inline style): the bar is filled with the accent colour.
      assert.equal(await last.evaluate((el) => getComputedStyle(el).fill), 'rgb(31, 91, 216)');
      // docs/usage.md shows this section (UPDATE_SCREENSHOTS=1 writes it to docs/images/).
      mkdirSync(IMAGES_DIR, { recursive: true });
      await page.locator('#usage').screenshot({ path: path.join(IMAGES_DIR, 'developer-app-usage.png'), animations: 'disabled' });
      await page.getByText('Calls per day as a table').click();
      await page.getByRole('row', { name: new RegExp(`^${today()} 4 3 1`) }).waitFor();
      assert.deepEqual(watch.state.cspViolations, []);
      assert.deepEqual(await accessibilityIssues(page), []);
    } finally {
      await browser.close();
    }
  });
});
