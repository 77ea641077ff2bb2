// The seed article's journey in a real browser, in the order of docs/getting-started.md, from no account
// at all: the customer account, then the developer account and
// emailed verification, Register Application, the API key, the API Tester, Get Access Token, "I already
// have an account", Allow, the token, Try it, token info, and the customer revoking the app.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  accessibilityIssues,
  browserUnavailable,
  IMAGES_DIR,
  launchBrowser,
  NARROW,
  screenshot,
  WIDE,
  watchPage,
} from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const run = promisify(execFile);
const skip = browserUnavailable();
const DEVELOPER = { email: 'dev@integrations.example', password: 'a developer passphrase' };
const CUSTOMER = { email: 'owner@bookshop.example', password: 'bookshop passphrase 7' };
const PAGE_BUDGET = 200 * 1024;
// The tester's own script and the API document it renders are "the explorer bundle".
const BUNDLE = /\/static\/explorer\.js|\/openapi\.json/;

describe('the seed journey in a browser', { skip: skip ?? false }, () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;
  let apiKey = '';
  let token = '';
  const report: string[] = [];

  before(async () => {
    smtp = await startTestSmtp();
    server = await startTestServer('sqlite', { SMTP_URL: smtp.url });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 });
    page = await context.newPage();
    watch = watchPage(page);
  });

  after(async () => {
    if (report.length) process.stdout.write(`# page weights and checks\n${report.map((l) => `#   ${l}`).join('\n')}\n`);
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  /** Accessibility (no serious or critical axe issue), weight and CSP checks for the page as it is now. */
  async function checkPage(target: Page, label: string, watcher = watch): Promise<void> {
    await target.waitForLoadState('networkidle');
    const issues = await accessibilityIssues(target);
    assert.deepEqual(issues, [], `${label}: ${JSON.stringify(issues, null, 2)}`);
    assert.deepEqual(watcher.state.cspViolations, [], `${label}: CSP violations`);
    const weight = watcher.state.files
      .filter((f) => !BUNDLE.test(f))
      .reduce((sum, f) => sum + Math.max(0, Number(f.split(' ').at(-1))), 0);
    report.push(`${label}: ${(weight / 1024).toFixed(1)} KB without the explorer bundle, ${(watcher.state.bytes / 1024).toFixed(1)} KB in all`);
    assert.ok(weight < PAGE_BUDGET, `${label} weighs ${weight} bytes`);
  }

  async function narrowShot(target: Page, name: string, fullPage = true): Promise<void> {
    await target.setViewportSize(NARROW);
    await screenshot(target, `${name}-narrow`, { fullPage });
    await target.setViewportSize(WIDE);
  }

  it('0. starts from no account at all: creates the customer account that owns the contacts', async () => {
    // The guide's order, which this journey follows: the customer account first, with its screenshot.
    const guide = readFileSync(new URL('../../docs/getting-started.md', import.meta.url), 'utf8');
    assert.deepEqual(guide.match(/^## \d\. .+$/gm)?.slice(0, 2), ['## 1. Create your customer account', '## 2. Create a developer account']);
    assert.ok(guide.indexOf('images/00-customer-sign-up.png') < guide.indexOf('images/01-developer-sign-up.png'));
    // The customer may be another person than the developer: their own browser.
    const own = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 });
    const tab = await own.newPage();
    const tabWatch = watchPage(tab);
    await tab.goto(`${server.url}/account/sign-up`);
    await tab.getByLabel('Organization name').fill('Corner Bookshop');
    await tab.getByLabel('Email address').fill(CUSTOMER.email);
    await tab.getByLabel('Password').fill(CUSTOMER.password);
    await checkPage(tab, 'customer sign-up', tabWatch);
    await screenshot(tab, '00-customer-sign-up');
    await tab.getByRole('button', { name: 'Create account' }).click();
    await tab.getByRole('heading', { name: 'Check your email' }).waitFor();
    // The customer confirms the address with the emailed link, then signs in (the guide's step 1).
    const mail = await smtp.waitFor(CUSTOMER.email, /account\/verify/);
    await tab.goto(linkIn(mail, `${server.url}/account/verify?token=`));
    await tab.getByText('Your email address is verified').waitFor();
    await own.close();
    const user = await server.services.accounts.findUserByEmail(CUSTOMER.email);
    assert.ok(user, 'the sign-up created the customer account');
    // A list to see in "Try it" (the guide does not cover making lists).
    await server.services.lists.createList(user.account_id, { name: 'Monthly newsletter', description: 'Readers who asked for news' });
  });

  it('1. creates a developer account and receives the verification email over SMTP', async () => {
    watch.reset();
    await page.goto(`${server.url}/developer/sign-up`);
    await page.getByLabel('Email address').fill(DEVELOPER.email);
    await page.getByLabel('Password').fill(DEVELOPER.password);
    await checkPage(page, 'developer sign-up');
    await screenshot(page, '01-developer-sign-up');
    watch.reset();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await checkPage(page, 'check your email');
    await screenshot(page, '02-check-your-email');

    const mail = await smtp.waitFor(DEVELOPER.email, /developer\/verify/);
    watch.reset();
    await page.goto(linkIn(mail, `${server.url}/developer/verify?token=`));
    await page.getByText('Your email address is verified').waitFor();
    await checkPage(page, 'developer sign-in after verification');
    await screenshot(page, '03-email-verified-sign-in');
  });

  it('2. signs in to the developer account', async () => {
    await page.getByLabel('Email address').fill(DEVELOPER.email);
    await page.getByLabel('Password').fill(DEVELOPER.password);
    watch.reset();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My Applications' }).waitFor();
    await checkPage(page, 'My Applications (empty)');
  });

  it('3. registers an application with its name and the terms box, and sees the API key at once', async () => {
    watch.reset();
    await page.getByRole('link', { name: 'Register a new application' }).click();
    await page.getByLabel('Application Name').fill('Bookshop newsletter sync');
    await page.getByLabel('I agree to the terms of service').check();
    await checkPage(page, 'Register Application');
    await screenshot(page, '04-register-application');
    await narrowShot(page, '04-register-application');
    watch.reset();
    await page.getByRole('button', { name: 'Register Application' }).click();
    await page.getByRole('heading', { name: 'Your API key' }).waitFor();
    apiKey = (await page.locator('#api-key').textContent())?.trim() ?? '';
    assert.match(apiKey, /^[A-Za-z0-9_-]{20,}$/);
    await checkPage(page, 'API key shown');
    await screenshot(page, '05-api-key');
    // A reload shows the key again and registers nothing (post/redirect/get).
    await page.reload();
    assert.equal((await page.locator('#api-key').textContent())?.trim(), apiKey);
    const mine = await server.services.apps.listApps({ ownerDeveloperId: (await server.services.apps.getApp(apiKey))!.owner_developer_id! });
    assert.equal(mine.length, 1);
  });

  it('4. opens the API Tester with the key pre-filled', async () => {
    watch.reset();
    await page.getByRole('link', { name: 'Open the API Tester' }).click();
    await page.locator('details.op').first().waitFor();
    assert.equal(await page.getByLabel('App / Key').inputValue(), apiKey);
    await checkPage(page, 'API Tester');
    await screenshot(page, '06-api-tester', { fullPage: false });
    await narrowShot(page, '06-api-tester', false);
  });

  it('5. Get Access Token → I already have an account → customer sign-in → Allow → the token appears', async () => {
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Get Access Token' }).click()]);
    const popupWatch = watchPage(popup);
    const link = popup.getByRole('link', { name: 'I already have an account' });
    await link.waitFor();
    await popup.reload();
    await checkPage(popup, 'authorization: choose account', popupWatch);
    await screenshot(popup, '07-i-already-have-an-account');
    popupWatch.reset();
    await link.click();
    await popup.getByLabel('Email address').fill(CUSTOMER.email);
    await popup.getByLabel('Password').fill(CUSTOMER.password);
    await checkPage(popup, 'customer sign-in', popupWatch);
    await screenshot(popup, '08-customer-sign-in');
    popupWatch.reset();
    await popup.getByRole('button', { name: 'Sign in' }).click();
    const allow = popup.getByRole('button', { name: 'Allow' });
    await allow.waitFor();
    await checkPage(popup, 'consent', popupWatch);
    await screenshot(popup, '09-allow');
    await Promise.all([popup.waitForEvent('close'), allow.click()]);

    const tokenInput = page.getByRole('textbox', { name: 'Access Token' });
    await page.waitForFunction(() => (document.getElementById('access-token') as HTMLInputElement).value.length > 0);
    token = await tokenInput.inputValue();
    assert.match(token, /^[A-Za-z0-9_-]{30,}$/);
    await page.getByText(/Access token received/).waitFor();
    await page.locator('#auth-title').scrollIntoViewIfNeeded();
    await screenshot(page, '10-access-token', { fullPage: false });
  });

  const contactListsOp = () =>
    page
      .locator('details.op')
      .filter({ has: page.locator('.method.get') })
      .filter({ has: page.locator('.op-path', { hasText: /^\/v3\/contact_lists$/ }) });

  /** The "Try it" form of GET /v3/contact_lists; returns the HTTP status it shows. */
  async function tryContactLists(): Promise<string> {
    const op = contactListsOp();
    if (!(await op.evaluate((d) => (d as HTMLDetailsElement).open))) await op.locator('summary').click();
    const line = op.locator('.status-line');
    await line.evaluate((el) => el.removeAttribute('data-status'));
    await op.getByRole('button', { name: 'Try it' }).click();
    await op.locator('.status-line[data-status]').waitFor();
    await op.scrollIntoViewIfNeeded();
    return (await line.getAttribute('data-status')) ?? '';
  }

  it('6. Try it on GET /v3/contact_lists sends the key and the token and gets 200', async () => {
    assert.equal(await tryContactLists(), '200');
    assert.match((await contactListsOp().locator('.response').textContent()) ?? '', /Monthly newsletter/);
    await contactListsOp().screenshot({ path: `${IMAGES_DIR}/11-try-it.png` });
  });

  it('7. token info reports the app key and about 315359999 seconds', async () => {
    const res = await fetch(`${server.url}/oauth2/tokeninfo.htm`, { method: 'POST', body: new URLSearchParams({ access_token: token }) });
    assert.equal(res.status, 200);
    const info = (await res.json()) as { client_id: string; user_name: string; expires_in: number };
    assert.equal(info.client_id, apiKey);
    assert.equal(info.user_name, CUSTOMER.email);
    assert.ok(info.expires_in <= 315359999 && info.expires_in > 315359999 - 120, String(info.expires_in));

    await page.getByRole('button', { name: 'Token info' }).click();
    const shown = page.locator('#token-info-result');
    await shown.waitFor();
    assert.match((await shown.textContent()) ?? '', new RegExp(`"client_id": "${apiKey}"`));
    await page.locator('#auth-title').scrollIntoViewIfNeeded();
    await screenshot(page, '12-token-info', { fullPage: false });
  });

  it('7b. an old integration calls /v2/lists with curl, the key in the URL and the token in the header', async () => {
    const { stdout } = await run('curl', [
      '-sS', '-w', '\n%{http_code}',
      '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/json', '-H', 'Accept: application/json',
      `${server.url}/v2/lists?api_key=${apiKey}`,
    ]);
    const [body, code] = stdout.split('\n');
    assert.equal(code, '200', stdout);
    const lists = JSON.parse(body!) as { id: string; name: string; status: string }[];
    assert.deepEqual(lists.map((l) => [l.id, l.name, l.status]), [['1', 'Monthly newsletter', 'ACTIVE']]);

    // The API Tester lists the v2 calls under their own tag and sends the key in the query string for them.
    const op = page.locator('details.op').filter({ has: page.locator('.method.get') }).filter({ has: page.locator('.op-path', { hasText: /^\/v2\/lists$/ }) });
    await op.locator('summary').click();
    await op.getByRole('button', { name: 'Try it' }).click();
    const line = op.locator('.status-line[data-status]');
    await line.waitFor();
    assert.equal(await line.getAttribute('data-status'), '200');
    assert.match((await line.textContent()) ?? '', new RegExp(`GET /v2/lists\\?api_key=${apiKey}`));
  });

  it('8. the customer revokes the app under Connected apps, and the same call returns 401', async () => {
    const customer = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 });
    const tab = await customer.newPage();
    const tabWatch = watchPage(tab);
    await tab.goto(`${server.url}/account/sign-in?return_to=%2Faccount%2Fapps`);
    await tab.getByLabel('Email address').fill(CUSTOMER.email);
    await tab.getByLabel('Password').fill(CUSTOMER.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Connected apps' }).waitFor();
    tabWatch.reset();
    await tab.reload();
    assert.ok(await tab.getByText('Bookshop newsletter sync').isVisible());
    await checkPage(tab, 'Connected apps', tabWatch);
    await screenshot(tab, '13-connected-apps');
    await narrowShot(tab, '13-connected-apps');
    await tab.getByRole('button', { name: 'Revoke Bookshop newsletter sync' }).click();
    await tab.getByText('Access revoked').waitFor();
    await screenshot(tab, '14-revoked');
    await customer.close();

    assert.equal(await tryContactLists(), '401');
    await contactListsOp().screenshot({ path: `${IMAGES_DIR}/15-try-it-after-revoke.png` });
  });

  it('9. a signed-out API Tester offers Sign in, after which the developer key appears', async () => {
    const fresh = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 });
    const tab = await fresh.newPage();
    const tabWatch = watchPage(tab);
    await tab.goto(`${server.url}/explorer`);
    await tab.locator('details.op').first().waitFor();
    await checkPage(tab, 'API Tester (signed out)', tabWatch);
    await screenshot(tab, '16-api-tester-signed-out', { fullPage: false });
    await tab.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
    await tab.getByLabel('Email address').fill(DEVELOPER.email);
    await tab.getByLabel('Password').fill(DEVELOPER.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL(`${server.url}/explorer`);
    assert.equal(await tab.getByLabel('App / Key').inputValue(), apiKey);

    tabWatch.reset();
    await tab.goto(`${server.url}/developer/apps`);
    assert.ok(await tab.getByText(apiKey).isVisible(), 'the API key stays visible after sign-in');
    await checkPage(tab, 'My Applications', tabWatch);
    await screenshot(tab, '17-my-applications');
    tabWatch.reset();
    await tab.getByRole('link', { name: 'Bookshop newsletter sync' }).click();
    await tab.getByRole('heading', { name: 'Settings' }).waitFor();
    await checkPage(tab, 'application settings', tabWatch);
    await screenshot(tab, '18-application-settings');
    await fresh.close();
  });

  it('10. every other page of the portal and the customer side passes the same checks', async () => {
    const fresh = await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 });
    const tab = await fresh.newPage();
    const tabWatch = watchPage(tab);
    const visit = async (path: string, label: string) => {
      tabWatch.reset();
      await tab.goto(`${server.url}${path}`);
      await checkPage(tab, label, tabWatch);
    };
    await visit('/developer', 'developer portal (signed out)');
    await visit('/developer/forgot-password', 'forgot password');
    await visit('/developer/verify/resend', 'resend verification');
    await visit('/developer/reset-password?token=unknown', 'reset link expired');
    await visit('/developer/terms', 'terms of service');
    await visit('/explorer/authorize?client_id=unknown', 'API Tester callback error');
    await visit('/account/sign-in?return_to=%2Faccount%2Fintegrations', 'customer sign-in');
    await tab.getByLabel('Email address').fill(CUSTOMER.email);
    await tab.getByLabel('Password').fill(CUSTOMER.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Private integrations' }).waitFor();
    await checkPage(tab, 'Private integrations', tabWatch);
    tabWatch.reset();
    await tab.getByLabel('Name').fill('Nightly list sync');
    await tab.getByRole('button', { name: 'Create integration' }).click();
    await tab.getByText('Your private integration is ready').waitFor();
    await checkPage(tab, 'private integration created', tabWatch);
    await screenshot(tab, '19-private-integration');
    await tab.reload();
    await tab.getByText('The client secret was shown once').waitFor();
    await visit('/account/integrations', 'Private integrations (one)');
    assert.equal(await tab.getByRole('button', { name: /^Delete/ }).count(), 1, 'the reload created no second integration');
    // The list pages: upload a CSV file into a list, watch the job finish, and the pages around it.
    const owner = await server.services.accounts.findUserByEmail(CUSTOMER.email);
    const list = await server.services.lists.createList(owner!.account_id, { name: 'Book club' });
    await visit('/account/lists', 'Lists');
    await visit(`/account/lists/${list.list_id}`, 'a list (empty)');
    tabWatch.reset();
    const csv = 'email,first_name\nreader@bookshop.example,Rea\nnot-an-email,Bad\n';
    await tab.getByLabel('CSV file').setInputFiles({ name: 'readers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await tab.getByRole('button', { name: 'Upload into Book club' }).click();
    await tab.getByText('State: completed').waitFor();
    await checkPage(tab, 'import activity', tabWatch);
    await visit(`/account/lists/${list.list_id}`, 'a list (one contact)');
    await visit('/account/activities', 'Activities');
    await fresh.close();
  });
});
