// The operator console in a real browser on two nodes sharing PostgreSQL + Redis: the first operator made by
// the real `listgate operators create` process, the emailed link, the authenticator set-up (codes computed
// with otpauth), then an app suspended in the console and its token refused on both nodes, resumed and
// accepted again; the audit log shows every step.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { accessibilityIssues, browserUnavailable, launchBrowser, screenshot, WIDE } from '../helpers/browser.ts';
import { type Cluster, redisUrl, startCluster } from '../helpers/cluster.ts';
import { TEST_DIALECTS } from '../helpers/databases.ts';
import { linkIn, startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { clientCredentialsToken } from '../helpers/tokens.ts';

const run = promisify(execFile);
const skip = browserUnavailable() ?? (!redisUrl || !TEST_DIALECTS.includes('postgres') ? 'needs TEST_DATABASE_URL and TEST_REDIS_URL' : null);
const OPERATOR = { email: 'ops@listgate.example', password: 'an operator passphrase' };

describe('the operator console in a browser, on two nodes', { skip: skip ?? false }, () => {
  let cluster: Cluster;
  let smtp: TestSmtp;
  let browser: Browser;
  let page: Page;
  let nodeA = '';
  let nodeB = '';
  let clientId = '';
  let token = '';

  before(async () => {
    smtp = await startTestSmtp();
    // a long token cache: only the announcement over Redis can make node B refuse the token quickly
    cluster = await startCluster(2, { SMTP_URL: smtp.url, TOKEN_CACHE_SECONDS: '60' });
    nodeA = cluster.nodes[0]!.url;
    nodeB = cluster.nodes[1]!.url;
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 })).newPage();
  });
  after(async () => {
    await browser?.close();
    await cluster?.close();
    await smtp?.close();
  });

  const summary = (node: string) => fetch(`${node}/v3/account/summary`, { headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId } });
  /** The status both nodes answer, waiting up to 5 s for them to agree on `want`. */
  async function bothAnswer(want: number): Promise<number[]> {
    let statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      statuses = [(await summary(nodeA)).status, (await summary(nodeB)).status];
      if (statuses.every((s) => s === want)) break;
      await sleep(100);
    }
    return statuses;
  }
  const code = (secret: string) => new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate();

  it('creates the first operator with the CLI, verifies the email, and requires the authenticator set-up', async () => {
    const config = cluster.nodes[0]!.services.config;
    const cli = await run(process.execPath, [path.resolve('bin/listgate.js'), 'operators', 'create', '--email', OPERATOR.email, '--password', OPERATOR.password], {
      env: { PATH: process.env.PATH, DATABASE_URL: config.databaseUrl, DATA_DIR: config.dataDir, SECRET_KEYS: config.secretKeys.join(','), SMTP_URL: smtp.url, PUBLIC_URL: cluster.publicUrl, LOG_LEVEL: 'silent' },
    });
    assert.match(cli.stdout, /Created operator ops@listgate\.example/);
    const mail = await smtp.waitFor(OPERATOR.email, /\/admin\/verify/);
    await page.goto(linkIn(mail, `${cluster.publicUrl}/admin/verify`).replace(cluster.publicUrl, nodeA));
    await page.getByText('Your email address is verified').waitFor();
    await page.getByLabel('Email address').fill(OPERATOR.email);
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/enrol$/);
    await page.goto(`${nodeA}/admin/apps`);
    await page.waitForURL(/\/admin\/enrol$/);
    assert.deepEqual(await accessibilityIssues(page), []);
    await screenshot(page, 'console-enrol');
    const secret = (await page.locator('#totp-secret').textContent())!.trim();
    await page.getByLabel('The 6-digit code the app shows now').fill(code(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/admin\/recovery-codes$/);
    assert.equal(await page.locator('#recovery-codes li').count(), 10);
    await page.getByRole('link', { name: 'Continue to the console' }).click();
    await page.waitForURL(/\/admin$/);
  });

  it('suspends an app in the console: its token is refused on both nodes, then accepted again once resumed', async () => {
    const services = cluster.nodes[0]!.services;
    const account = await services.accounts.signUp({ email: 'owner@nightly.example', password: 'correct horse battery' });
    const created = await services.apps.createApp({ name: 'Nightly sync', kind: 'private', ownerAccountId: account.account_id });
    clientId = created.app.client_id;
    token = await clientCredentialsToken({ url: nodeA }, clientId, created.client_secret!);
    assert.deepEqual(await bothAnswer(200), [200, 200]);

    await page.goto(`${nodeA}/admin/apps`);
    await page.getByLabel('Name or API key').fill('nightly');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Nightly sync' }).click();
    await page.getByRole('button', { name: 'Suspend the app' }).click();
    await page.getByText('Tick the box to confirm').waitFor();
    assert.deepEqual(await bothAnswer(200), [200, 200], 'an unconfirmed form suspends nothing');
    await page.locator('#suspend-reason').fill('Calls every second all night');
    await page.locator('#suspend-confirm').check();
    await page.getByRole('button', { name: 'Suspend the app' }).click();
    await page.getByText('The app is suspended').waitFor();
    assert.deepEqual(await accessibilityIssues(page), []);
    await screenshot(page, 'console-app-suspended');
    assert.deepEqual(await bothAnswer(401), [401, 401]);
    const refused = await summary(nodeB);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token".*suspended: Calls every second all night/);

    await page.locator('#resume-reason').fill('The job now runs once a night');
    await page.locator('#resume-confirm').check();
    await page.getByRole('button', { name: 'Resume the app' }).click();
    await page.getByText('The app is resumed').waitFor();
    assert.deepEqual(await bothAnswer(200), [200, 200]);
  });

  it('shows each step in the audit log and exports it as CSV', async () => {
    await page.goto(`${nodeB}/admin/audit`);
    // node B has no session of its own: the session is in the shared database, the cookie names it
    await page.waitForURL(/\/admin\/audit$/);
    const log = (await page.locator('#audit-log').textContent()) ?? '';
    for (const action of ['sign_in.succeeded', 'operator.totp_enrolled', 'app.suspended', 'app.resumed']) assert.match(log, new RegExp(action.replace('.', '\\.')));
    assert.match(log, /Calls every second all night/);
    assert.deepEqual(await accessibilityIssues(page), []);
    await screenshot(page, 'console-audit');
    const csv = await page.evaluate(async () => (await fetch('/admin/audit.csv?action=app.suspended')).text());
    assert.match(csv, /^at,action,actor_type,actor/);
    assert.match(csv, /app\.suspended,operator,ops@listgate\.example/);
  });
});
