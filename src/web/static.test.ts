import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

describe('GET /static/:name', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('serves a stylesheet with its type, an hour of caching, and an ETag that revalidates to 304', async () => {
    const first = await fetch(`${server.url}/static/app.css`);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /^text\/css/);
    assert.match(first.headers.get('cache-control') ?? '', /public, max-age=3600/);
    const etag = first.headers.get('etag');
    assert.ok(etag, 'an ETag');
    assert.ok((await first.text()).length > 100);
    const again = await fetch(`${server.url}/static/app.css`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    assert.equal(again.status, 304);
    assert.match(again.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('answers 404 for unknown files and for paths that leave the folder', async () => {
    for (const name of ['nope.css', '..%2f..%2fpackage.json', '%2e%2e/app.ts', '.hidden']) {
      assert.equal((await fetch(`${server.url}/static/${name}`)).status, 404, name);
    }
  });
});
