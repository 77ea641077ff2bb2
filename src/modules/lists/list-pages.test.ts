import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { parseForms, WebClient, type WebResponse } from '../../../test/helpers/web-client.ts';
import { renderPage } from '../../web/layout.ts';
import { activityPage } from './list-pages.views.ts';

const PASSWORD = 'customer passphrase 42';
const CSV = 'email,first_name\nann@shop.example,Ann\na_b@shop.example,Underscore\naxb@shop.example,Letter\nnot-an-email,Bad\n';

describe('activity progress page', () => {
  const activity = (state: 'processing' | 'completed') => ({
    activity_id: '00000000-0000-4000-8000-000000000001',
    kind: 'contact_exports',
    state,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    percent_done: 40,
    activity_errors: [],
    status: { items_total_count: 10, items_completed_count: 4, error_count: 0 },
    _links: { self: { href: '/v3/activities/x' } },
  });
  it('reloads itself with a meta refresh (no script) while the job runs, and stops when it ends', () => {
    const running = renderPage(activityPage(activity('processing')));
    assert.match(running, /<meta http-equiv="refresh" content="2">/);
    assert.match(running, /<progress max="100" value="40"/);
    assert.match(running, /<h1>Activity: Export<\/h1>/);
    assert.doesNotMatch(running, /<script/);
    assert.doesNotMatch(renderPage(activityPage(activity('completed'))), /http-equiv="refresh"/);
  });
});

for (const dialect of TEST_DIALECTS) {
  describe(`list pages (${dialect})`, () => {
    let server: TestServer;
    let count = 0;
    before(async () => {
      server = await startTestServer(dialect);
    });
    after(() => server.close());

    async function customerWithList() {
      const email = `lists${++count}@books.example`;
      const account = await server.services.accounts.signUp({ email, password: PASSWORD });
      const browser = new WebClient(server.url);
      await browser.submit(await browser.get('/account/sign-in'), '/account/sign-in', { email, password: PASSWORD });
      const list = await server.services.lists.createList(account.account_id, { name: `Readers ${count}` });
      return { browser, accountId: account.account_id, listId: list.list_id };
    }

    /** Posts the page's upload form as a browser would: multipart, the CSRF field first, then the file. */
    async function upload(browser: WebClient, page: WebResponse, csv: string | Uint8Array<ArrayBuffer> | null, withCsrf = true) {
      const form = parseForms(page.body).find((f) => f.action.endsWith('/imports'))!;
      const body = new FormData();
      if (withCsrf) body.append('_csrf', form.fields._csrf!);
      if (csv !== null) body.append('file', new Blob([csv], { type: 'text/csv' }), 'contacts.csv');
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(new URL(form.action, server.url), { method: 'POST', headers: { cookie, accept: 'text/html' }, body, redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    }

    async function finished(browser: WebClient, path: string): Promise<WebResponse> {
      for (let i = 0; i < 200; i++) {
        const page = await browser.get(path);
        if (!page.body.includes('http-equiv="refresh"')) return page;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`${path} kept refreshing`);
    }

    const importFiles = async () => readdir(join(server.services.config.dataDir, 'imports')).catch(() => [] as string[]);

    it('sends a signed-out visitor to sign in', async () => {
      const res = await new WebClient(server.url).get('/account/lists');
      assert.equal(res.status, 303);
      assert.equal(res.location, `${server.url}/account/sign-in?return_to=${encodeURIComponent('/account/lists')}`);
    });

    it('uploads a CSV into a list, shows its progress and bad rows, then lists and searches the contacts', async () => {
      const { browser, listId } = await customerWithList();
      const page = await browser.get(`/account/lists/${listId}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /This list has no contacts yet/);
      const posted = await upload(browser, page, CSV);
      assert.equal(posted.status, 303);
      const progressPath = new URL(posted.location!, server.url).pathname;
      assert.match(progressPath, /^\/account\/activities\/[0-9a-f-]{36}$/);

      const done = await finished(browser, progressPath);
      assert.match(done.body, /State: <strong>completed<\/strong>/);
      assert.match(done.body, /4 of 4 processed, 1 error/);
      const errorsHref = done.body.match(/href="([^"]+errors\.csv)"/)![1]!;
      const errors = await browser.get(errorsHref);
      assert.equal(errors.status, 200);
      assert.match(errors.headers.get('content-type')!, /text\/csv/);
      assert.match(errors.body, /^row,email,reason\r?\n5,not-an-email,/m);

      const lists = await browser.get('/account/lists');
      assert.match(lists.body, new RegExp(`href="/account/lists/${listId}">Readers \\d+</a></td><td>3</td>`));
      const all = await browser.get(`/account/lists/${listId}`);
      assert.match(all.body, /3 members/);
      assert.equal((all.body.match(/@shop\.example<\/td>/g) ?? []).length, 3);

      // `_` is a LIKE wildcard: typed by the customer it only matches itself.
      const prefix = await browser.get(`/account/lists/${listId}?email=a_&match=prefix`);
      assert.match(prefix.body, /a_b@shop\.example/);
      assert.doesNotMatch(prefix.body, /axb@shop\.example|ann@shop/);
      const percent = await browser.get(`/account/lists/${listId}?email=%25&match=prefix`);
      assert.match(percent.body, /No contact of this list matches/);
      const exact = await browser.get(`/account/lists/${listId}?email=ANN%40shop.example&match=exact`);
      assert.match(exact.body, /ann@shop\.example/);
      assert.doesNotMatch(exact.body, /a_b@shop/);

      const invalid = await browser.get(`/account/lists/${listId}?email=ann&match=exact`);
      assert.equal(invalid.status, 400);
      assert.match(invalid.body, /email must be a valid email address/);

      const activities = await browser.get('/account/activities');
      assert.match(activities.body, new RegExp(`href="${progressPath}"`));
      assert.match(activities.body, /<td>completed<\/td>/);
      assert.match(activities.body, /<th scope="col">Kind<\/th>/);
      assert.match(activities.body, /<td>CSV import<\/td>/, 'the job kind is shown');
    });

    it('pages a list of contacts with a next link', async () => {
      const { browser, listId } = await customerWithList();
      const rows = Array.from({ length: 55 }, (_, i) => `p${String(i).padStart(2, '0')}@page.example`).join('\n');
      const posted = await upload(browser, await browser.get(`/account/lists/${listId}`), `email\n${rows}\n`);
      await finished(browser, new URL(posted.location!, server.url).pathname);
      const first = await browser.get(`/account/lists/${listId}`);
      assert.equal((first.body.match(/@page\.example<\/td>/g) ?? []).length, 50);
      const next = first.body.match(/href="([^"]+)" rel="next"/)![1]!.replaceAll('&amp;', '&');
      const second = await browser.get(next);
      assert.equal((second.body.match(/@page\.example<\/td>/g) ?? []).length, 5);
      assert.doesNotMatch(second.body, /rel="next"/);
    });

    it('downloads a list as CSV through an export activity; the file is the account’s only', async () => {
      const { browser, listId } = await customerWithList();
      const posted = await upload(browser, await browser.get(`/account/lists/${listId}`), 'email,first_name\nzed@dl.example,=SUM(A1)\n');
      await finished(browser, new URL(posted.location!, server.url).pathname);
      const requested = await browser.submit(await browser.get(`/account/lists/${listId}`), '/exports');
      assert.equal(requested.status, 303);
      const done = await finished(browser, new URL(requested.location!, server.url).pathname);
      const href = done.body.match(/href="([^"]+\/download)"/)![1]!;
      const file = await browser.get(href);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-disposition')!, /attachment/);
      assert.match(file.body, /^email,first_name,last_name,job_title,company_name\r?\n/);
      assert.match(file.body, /zed@dl\.example,'=SUM\(A1\)/);

      const stranger = await customerWithList();
      assert.equal((await stranger.browser.get(href)).status, 404);
      assert.equal((await stranger.browser.get(href.replace('/download', ''))).status, 404);
    });

    it('answers 404 for another account’s list, on every page and form', async () => {
      const owner = await customerWithList();
      const { browser, listId } = await customerWithList();
      const before = await importFiles();
      assert.equal((await browser.get(`/account/lists/${owner.listId}`)).status, 404);
      assert.equal((await browser.get('/account/lists/not-a-uuid')).status, 404);
      const other = await customerWithList();
      const gone = await server.services.lists.createList(other.accountId, { name: 'Old list' });
      await server.services.lists.deleteList(other.accountId, gone.list_id);
      assert.equal((await other.browser.get(`/account/lists/${gone.list_id}`)).status, 404);
      const mine = await browser.get(`/account/lists/${listId}`);
      const forged = { ...mine, body: mine.body.replaceAll(listId, owner.listId) };
      assert.equal((await upload(browser, forged, CSV)).status, 404);
      assert.equal((await browser.submit(forged, '/exports')).status, 404);
      assert.deepEqual(await importFiles(), before);
      const listed = await server.services.activities.listActivities(owner.accountId, {});
      assert.equal(listed.activities.length, 0);
    });

    it('refuses a form without its CSRF token (403) and an empty or non-CSV file (400 page), writing nothing', async () => {
      const { browser, accountId, listId } = await customerWithList();
      const page = await browser.get(`/account/lists/${listId}`);
      const before = await importFiles();
      const noCsrf = await upload(browser, page, CSV, false);
      assert.equal(noCsrf.status, 403);
      assert.match(noCsrf.body, /did not come from this site/);
      const exportNoCsrf = await browser.request('POST', `/account/lists/${listId}/exports`, new URLSearchParams());
      assert.equal(exportNoCsrf.status, 403);

      const empty = await upload(browser, page, '');
      assert.equal(empty.status, 400);
      assert.match(empty.body, /The file was not imported: the file is empty/);
      const binary = await upload(browser, page, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]));
      assert.equal(binary.status, 400);
      const noEmail = await upload(browser, page, 'name\nAnn\n');
      assert.equal(noEmail.status, 400);
      assert.match(noEmail.body, /class="notice error"/);
      const noFile = await upload(browser, page, null);
      assert.equal(noFile.status, 400);
      assert.match(noFile.body, /file is required/);

      assert.deepEqual(await importFiles(), before);
      assert.equal((await server.services.activities.listActivities(accountId, {})).activities.length, 0);
    });
  });
}
