import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

describe('security headers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('gives pages, and the pages the provider serves, the page policy', async () => {
    for (const path of ['/', '/account/sign-in', '/oauth2/device', '/oauth2/.well-known/openid-configuration']) {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('content-security-policy'), "default-src 'self';img-src 'self' data:;style-src 'self';script-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none'", path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', path);
      assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain http');
    }
  });

  it('gives /v3 answers the short JSON header set, 404s included', async () => {
    for (const path of ['/v3/contacts', '/v3/nothing-here']) {
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    }
    const res = await fetch(`${server.url}/v3/contacts`);
    assert.equal(res.headers.get('x-frame-options'), null);
    assert.equal(res.headers.get('referrer-policy'), null);
  });
});
