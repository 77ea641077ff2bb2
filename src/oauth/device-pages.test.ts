// The device verification pages without the session they expect (opened directly, cookie lost or expired):
// a 400 page in words, never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

describe('device verification pages without a session', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const cases: [string, string, RequestInit][] = [
    ['POST', '/oauth2/device', { method: 'POST', headers: form, body: 'user_code=BCDF-GHJK' }],
    ['POST', '/oauth2/device', { method: 'POST', headers: form, body: 'xsrf=abc&user_code=BCDF-GHJK&confirm=yes' }],
    ['GET', '/oauth2/device/auth', {}],
    ['GET', '/oauth2/device/xyz', {}],
    ['POST', '/oauth2/device', { method: 'POST', headers: { ...form, cookie: '_session=unknown; _session.sig=bad' }, body: 'user_code=BCDF-GHJK' }],
  ];
  for (const [method, path, init] of cases) {
    it(`answers ${method} ${path} (${String(init.body ?? 'no body')}) with a 400 page`, async () => {
      const res = await fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
      const body = await res.text();
      assert.equal(res.status, 400, body.slice(0, 200));
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(body, /<h1>/);
      assert.doesNotMatch(body, /persist|TypeError|at /);
    });
  }
});
