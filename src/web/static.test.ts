import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { ASSET_NAMES, createAssetManifest, STATIC_DIR } from './assets.ts';

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

describe('fingerprinted assets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('links pages to content-hashed URLs that answer 200, immutable for a year, with an ETag', async () => {
    const page = await (await fetch(`${server.url}/docs`)).text();
    const urls = [...page.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(urls.map((u) => u.replace(/\.[0-9a-f]{12}\./, '.*.')), ['/static/app.*.css', '/static/favicon.*.svg', '/static/docs-init.*.js']);
    const css = urls[0]!;
    const hash = createHash('sha256').update(readFileSync(path.join(STATIC_DIR, 'app.css'))).digest('hex').slice(0, 12);
    assert.equal(css, `/static/app.${hash}.css`, 'the hash is of the file content');
    for (const url of urls) {
      const res = await fetch(`${server.url}${url}`);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', url);
      assert.ok(res.headers.get('etag'), url);
      await res.arrayBuffer();
    }
    const first = await fetch(`${server.url}${css}`);
    assert.match(first.headers.get('content-type') ?? '', /^text\/css/);
    assert.equal(await first.text(), readFileSync(path.join(STATIC_DIR, 'app.css'), 'utf8'));
    // fetch adds `Cache-Control: no-cache` to a conditional request unless the request names its own
    const again = await fetch(`${server.url}${css}`, { headers: { 'if-none-match': first.headers.get('etag')!, 'cache-control': 'max-age=0' } });
    assert.equal(again.status, 304);
    assert.equal((await fetch(`${server.url}/static/app.000000000000.css`)).status, 404, 'a stale or made-up hash is not found');
  });

  it('names every file of the static folder', () => {
    assert.deepEqual(readdirSync(STATIC_DIR).sort(), [...ASSET_NAMES].sort());
  });

  it('gives a changed file a new name and an unchanged one the same', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'listgate-assets-'));
    try {
      writeFileSync(path.join(dir, 'site.css'), 'body { color: black }');
      const before = createAssetManifest(dir, ['site.css']).fingerprinted.get('site.css')!;
      assert.match(before, /^site\.[0-9a-f]{12}\.css$/);
      assert.equal(createAssetManifest(dir, ['site.css']).fingerprinted.get('site.css'), before);
      writeFileSync(path.join(dir, 'site.css'), 'body { color: navy }');
      const after = createAssetManifest(dir, ['site.css']).fingerprinted.get('site.css')!;
      assert.match(after, /^site\.[0-9a-f]{12}\.css$/);
      assert.notEqual(after, before);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
