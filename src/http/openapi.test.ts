import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserUnavailable, launchBrowser, watchPage } from '../../test/helpers/browser.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, unknown>;
};
type Document = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, unknown>> };
};

describe('OpenAPI document and API reference', () => {
  let server: TestServer;
  let doc: Document;

  before(async () => {
    server = await startTestServer('sqlite');
    const res = await fetch(`${server.url}/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    doc = (await res.json()) as Document;
  });
  after(() => server.close());

  it('is OpenAPI 3.1 with OAuth 2.0 (code + PKCE, device, client credentials) and the API key header', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.servers, [{ url: server.url }]);
    const { oauth2, api_key } = doc.components.securitySchemes;
    const base = `${server.url}/oauth2`;
    assert.deepEqual((oauth2!.flows as Record<string, Record<string, unknown>>).authorizationCode!.authorizationUrl, `${base}/auth`);
    assert.equal((oauth2!.flows as Record<string, Record<string, unknown>>).authorizationCode!.tokenUrl, `${base}/token`);
    assert.equal((oauth2!.flows as Record<string, Record<string, unknown>>).clientCredentials!.tokenUrl, `${base}/token`);
    assert.match(String(oauth2!.description), /PKCE/);
    const device = oauth2!['x-deviceAuthorization'] as Record<string, unknown>;
    assert.equal(device.deviceAuthorizationUrl, `${base}/device/auth`);
    assert.ok(Object.keys(device.scopes as object).includes('contact_data'));
    assert.deepEqual(api_key, { type: 'apiKey', in: 'header', name: 'x-api-key', description: "The app's API key (client_id)" });
  });

  it('documents every /v3 route with a tag, a scope and the error responses, and no page routes', () => {
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v3/contact_lists',
      '/v3/contact_lists/{list_id}',
      '/v3/contact_tags',
      '/v3/contact_tags/{tag_id}',
      '/v3/contact_custom_fields',
      '/v3/contact_custom_fields/{custom_field_id}',
      '/v3/activities',
      '/v3/activities/{activity_id}',
    ]) {
      assert.ok(paths.includes(path), path);
    }
    for (const hidden of ['/', '/docs', '/openapi.json', '/health', '/ready', '/static/{name}', '/account/sign-in']) {
      assert.equal(paths.includes(hidden), false, hidden);
    }
    assert.equal(paths.some((p) => p.startsWith('/account') || p.startsWith('/developer')), false);
    const operationIds = new Set<string>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v3/')) continue;
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        assert.ok(op.tags?.length, `${where} has a tag`);
        assert.ok(op.security?.some((s) => s.oauth2?.length), `${where} names its scope`);
        for (const status of ['400', '401', '403', '429']) assert.ok(op.responses[status], `${where} documents ${status}`);
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${where} documents its success`);
        for (const param of path.match(/\{(\w+)\}/g) ?? []) {
          assert.ok(op.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param), `${where} declares ${param}`);
        }
        if (op.operationId) {
          assert.equal(operationIds.has(op.operationId), false, `${op.operationId} is unique`);
          operationIds.add(op.operationId);
        }
      }
    }
    assert.deepEqual(doc.paths['/v3/contact_lists']!.get!.tags, ['Contact Lists']);
    assert.equal(doc.paths['/v3/contact_lists/{list_id}']!.delete!.operationId, 'deleteList');
    assert.ok(doc.paths['/v3/contact_lists/{list_id}']!.delete!.responses['202']);
  });

  it('resolves every $ref of the document', () => {
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      let node: unknown = doc;
      for (const part of ref!.split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      assert.ok(node, `#/${ref} resolves`);
    }
  });

  it('serves the reference page and Swagger UI from this server only', async () => {
    const page = await fetch(`${server.url}/docs`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from another host');
    for (const asset of ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/oauth2-redirect.html', '/static/docs-init.js']) {
      const res = await fetch(`${server.url}${asset}`);
      assert.equal(res.status, 200, asset);
    }
    assert.equal((await fetch(`${server.url}/docs/package.json`)).status, 404);
    assert.equal((await fetch(`${server.url}/docs/..%2fpackage.json`)).status, 404);
  });

  it('renders every operation in Chromium without a CSP violation or a request to another host', async (t) => {
    if (browserUnavailable()) return t.skip('Chromium is not installed');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const watch = watchPage(page);
      const foreign: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreign.push(request.url());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/docs`);
      // Swagger UI renders a few hundred operations; on a busy 2-core machine that has taken up to 30 s.
      await page.waitForSelector('.opblock-tag-section', { timeout: 90_000 });
      const operations = await page.locator('.opblock').count();
      const documented = Object.entries(doc.paths).reduce((n, [, methods]) => n + Object.keys(methods).length, 0);
      assert.equal(operations, documented);
      assert.ok(await page.getByText('Contact Lists', { exact: true }).first().isVisible());
      assert.ok(await page.locator('.btn.authorize').isVisible(), 'the Authorize button offers the OAuth flows');
      assert.deepEqual(watch.state.cspViolations, []);
      assert.deepEqual(foreign, []);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
