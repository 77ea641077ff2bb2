import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createManualClock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { rowCounts } from '../../test/helpers/db-dump.ts';
import { type Customer, clientFor, createCustomer, introspect, postForm, registerApp, type TestApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { WebClient } from '../../test/helpers/web-client.ts';
import { DEVICE_CODE_GRANT } from './device-polling.ts';
import { WRONG_CODE_LIMITS, WRONG_CODE_WINDOW_MS } from './provider-internals/device-flow.ts';

/** Wrong-code counters slide over one window: two leave nothing of an earlier test's counts. */
const TWO_WINDOWS_MS = 2 * WRONG_CODE_WINDOW_MS;

for (const dialect of TEST_DIALECTS) {
  describe(`device authorization grant, RFC 8628 (${dialect})`, () => {
    let server: TestServer;
    const clock = createManualClock(new Date());
    let customer: Customer;
    let device: TestApp;
    let config: oidc.Configuration;

    before(async () => {
      server = await startTestServer(dialect, {}, { clock });
      customer = await createCustomer(server);
      device = await registerApp(server, { kind: 'device' });
      config = await clientFor(server, device);
    });
    after(() => server.close());

    const start = () => oidc.initiateDeviceAuthorization(config, { scope: 'account_read offline_access' });
    const poll = (deviceCode: string, clientId = device.clientId) =>
      postForm(server, '/token', { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: clientId });

    it('is approved through /device and polled to tokens by openid-client', async () => {
      const started = await start();
      assert.equal(started.interval, 5);
      assert.equal(started.expires_in, 600);
      assert.equal(started.verification_uri, `${server.url}/device`);
      assert.equal(started.verification_uri_complete, `${server.url}/device?user_code=${encodeURIComponent(started.user_code)}`);
      assert.match(started.user_code, /^[B-DF-HJ-NP-TV-Z]{4}-[B-DF-HJ-NP-TV-Z]{4}$/);

      const walk = await walkPages(server, started.verification_uri_complete!, customer);
      const confirm = walk.pages.find((p) => p.body.includes('Is this your device?'));
      assert.ok(confirm, 'the device confirmation page was shown');
      assert.match(confirm.body, /Test device app<\/strong> is asking to connect/);
      assert.ok(confirm.body.includes(started.user_code));
      assert.match(walk.pages.at(-1)!.body, /Device connected/);

      // approved before the first poll, so the client need not wait out the interval here
      const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...started, interval: 0 });
      assert.ok(tokens.refresh_token);
      const summary = await fetch(`${server.url}/v3/account/summary`, {
        headers: { authorization: `Bearer ${tokens.access_token}`, 'x-api-key': device.clientId },
      });
      assert.equal(summary.status, 200);

      clock.advance(10_000);
      const reuse = await poll(started.device_code);
      assert.equal(reuse.json.error, 'invalid_grant');
      assert.deepEqual(await introspect(server, device, tokens.access_token), { active: false }, 'reuse revokes the grant');
    });

    it('accepts the code typed on the /device form in lower case without the dash', async () => {
      const started = await start();
      const form = await new WebClient(server.url).follow('/device');
      assert.match(form.body, /Enter the code shown on your device/);
      const walk = await walkPages(server, `${server.url}/device`, customer, { userCode: started.user_code.replace('-', ' ').toLowerCase() });
      assert.match(walk.pages.at(-1)!.body, /Device connected/);
      const res = await poll(started.device_code);
      assert.equal(res.status, 200);
      assert.equal(res.json.token_type, 'Bearer');
    });

    it('answers slow_down to a device that polls faster than its interval, adding 5 s each time', async () => {
      const started = await start();
      assert.equal((await poll(started.device_code)).json.error, 'authorization_pending');
      const fast = await poll(started.device_code);
      assert.equal(fast.status, 400);
      assert.equal(fast.json.error, 'slow_down');
      assert.equal(fast.json.interval, 10);
      clock.advance(6_000);
      const stillFast = await poll(started.device_code);
      assert.equal(stillFast.json.error, 'slow_down', 'the interval is now 10 s');
      assert.equal(stillFast.json.interval, 15);
      clock.advance(15_000);
      assert.equal((await poll(started.device_code)).json.error, 'authorization_pending');
    });

    it('gives one token for 20 parallel polls of an approved device code, and no 5xx', async () => {
      const started = await start();
      await walkPages(server, started.verification_uri_complete!, customer);
      const results = await Promise.all(Array.from({ length: 20 }, () => poll(started.device_code)));
      assert.equal(results.filter((r) => r.status === 200).length, 1, `statuses: ${results.map((r) => r.status)}`);
      assert.ok(results.every((r) => r.status === 200 || ['slow_down', 'invalid_grant'].includes(String(r.json.error))));
    });

    it('answers expired_token once the device code has expired, writing nothing', async () => {
      const started = await start();
      clock.advance(601_000);
      const before = await rowCounts(server.services.db);
      const res = await poll(started.device_code);
      assert.equal(res.status, 400);
      assert.equal(res.json.error, 'expired_token');
      assert.deepEqual(await rowCounts(server.services.db), before);
      const page = await walkPages(server, started.verification_uri_complete!, customer);
      assert.match(page.pages.at(-1)!.body, /not valid or has expired/);
    });

    it('tells the device access_denied when the person cancels', async () => {
      const started = await start();
      const browser = new WebClient(server.url);
      const entry = await browser.follow(started.verification_uri_complete!);
      const confirm = await browser.submit(entry, '/oauth2/device');
      assert.match(confirm.body, /Is this your device\?/);
      const cancelled = await browser.submit(confirm, '/oauth2/device', {}, { name: 'abort', value: 'yes' });
      assert.match(cancelled.body, /cancelled/);
      assert.equal((await poll(started.device_code)).json.error, 'access_denied');
    });

    it('refuses a device code polled by another client', async () => {
      const started = await start();
      const other = await registerApp(server, { kind: 'device' });
      clock.advance(20_000);
      assert.equal((await poll(started.device_code, other.clientId)).json.error, 'invalid_grant');
    });

    it('sweeps stored artifacts a day after they expire, and keeps the rest', async () => {
      const started = await start();
      const stored = () =>
        server.services.db.selectFrom('oauth_payloads').select('id').where('model', '=', 'DeviceCode').where('id', '=', sha256(started.device_code)).execute();
      assert.equal((await stored()).length, 1);
      clock.advance(86_400_000 + 601_000);
      await start(); // a write, more than ten minutes after the last sweep, runs the next one
      for (let i = 0; i < 100 && (await stored()).length; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal((await stored()).length, 0);
      assert.equal((await poll(started.device_code)).json.error, 'invalid_grant');
      const grants = await server.services.db.selectFrom('oauth_payloads').select('id').where('model', '=', 'Grant').execute();
      assert.ok(grants.length > 0, 'ten-year grants stay');
    });

    const tryCode = async (browser: WebClient, userCode: string) => {
      const form = await browser.follow('/device');
      return browser.submit(form, '/oauth2/device', { user_code: userCode });
    };
    const wrongCode = (i: number) => `BCDF-${'GHJKLMNPQRSTVWXZ'[i % 16]}${'GHJKLMNPQRSTVWXZ'[Math.floor(i / 16) % 16]}BC`;

    it('refuses every code in a session after 5 wrong ones in it, even a right one, with Retry-After', async () => {
      clock.advance(TWO_WINDOWS_MS);
      const started = await start();
      const browser = new WebClient(server.url);
      for (let i = 0; i < WRONG_CODE_LIMITS.session; i++) {
        const wrong = await tryCode(browser, wrongCode(i));
        assert.equal(wrong.status, 200);
        assert.match(wrong.body, /not valid or has expired/);
      }
      const right = await tryCode(browser, started.user_code);
      assert.equal(right.status, 429);
      assert.match(right.body, /Too many attempts/);
      const retryAfter = Number(right.headers.get('retry-after'));
      assert.ok(retryAfter > 0);
      assert.match(right.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);

      // A sliding window: from Retry-After on, wrong codes are allowed again at the rate the window allows,
      // not as a fresh budget at the next window's start (a fixed window would take 5 more here).
      clock.advance(retryAfter * 1000);
      assert.equal((await tryCode(browser, wrongCode(7))).status, 200, 'one more try from Retry-After on');
      const next = await start();
      assert.equal((await tryCode(browser, next.user_code)).status, 429, 'not a fresh budget of 5');

      clock.advance(TWO_WINDOWS_MS);
      const again = await start();
      assert.match((await tryCode(browser, again.user_code)).body, /Is this your device\?/, 'the limit lifts once the window has passed');
    });

    it('accepts a right code from another session behind the same IP after one session used up its wrong codes', async () => {
      clock.advance(TWO_WINDOWS_MS);
      const started = await start();
      const attacker = new WebClient(server.url);
      for (let i = 0; i < WRONG_CODE_LIMITS.session + 2; i++) await tryCode(attacker, wrongCode(i));
      assert.equal((await tryCode(attacker, wrongCode(1))).status, 429);
      const walk = await walkPages(server, started.verification_uri_complete!, customer);
      assert.match(walk.pages.at(-1)!.body, /Device connected/);
    });

    it('refuses every code from an IP once its larger budget of wrong codes is spent across sessions', async () => {
      clock.advance(TWO_WINDOWS_MS);
      const started = await start();
      for (let i = 0; i < WRONG_CODE_LIMITS.ip; i++) {
        const res = await tryCode(new WebClient(server.url), wrongCode(i));
        assert.equal(res.status, 200, `wrong code ${i} in a fresh session`);
      }
      const right = await tryCode(new WebClient(server.url), started.user_code);
      assert.equal(right.status, 429);
      assert.ok(Number(right.headers.get('retry-after')) > 0);
    });
  });
}
