// docs/api.md and .env.example say what the server does: every /v3 operation of the OpenAPI document is
// in the docs, a mismatched API key answers what api.md says, and .env.example names only real settings.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { apiClient } from './helpers/api.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken } from './helpers/tokens.ts';

const apiMd = readFileSync('docs/api.md', 'utf8');
const envExample = readFileSync('.env.example', 'utf8');

describe('docs agree with the server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('the docs list every /v3 operation of the OpenAPI document', async () => {
    // api.md, or the guide of the feature (webhooks.md); the guides are the user's reference.
    const docs = readdirSync('docs')
      .filter((f) => f.endsWith('.md') && f !== 'benchmarks.md')
      .map((f) => readFileSync(`docs/${f}`, 'utf8'))
      .join('\n');
    const lines = docs.split('\n');
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const missing: string[] = [];
    for (const [route, item] of Object.entries(spec.paths)) {
      if (!route.startsWith('/v3/')) continue;
      for (const method of Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
        const verb = method.toUpperCase();
        const short = `${verb} ${route.slice('/v3'.length)}`;
        const long = `${verb} ${route}`;
        // A row may pair two calls: "`POST /activities/add_list_memberships`, `remove_list_memberships`".
        const parent = short.slice(0, short.lastIndexOf('/') + 1);
        const paired = lines.some((l) => l.includes(`\`${parent}`) && l.includes(`\`${route.split('/').at(-1)}\``));
        if (!docs.includes(`\`${short}\``) && !docs.includes(long) && !paired) missing.push(long);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('a key that does not match the token answers 401 unauthorized (one object), as api.md says', async () => {
    const owner = await createAccountWithToken(server);
    const res = await apiClient(server.url, owner)('GET', '/v3/contact_lists', undefined, { headers: { 'x-api-key': 'someone-elses-key' } });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error_key: 'unauthorized', error_message: 'The API key does not match the access token' });
    assert.match(apiMd, /\| 401 \| `unauthorized` \|[^\n]*the API key does not match it \(one object, not an array\)/);
    assert.doesNotMatch(apiMd, /\| 401 \/ 403 \|/);
  });

  it('.env.example names only settings the server reads, and no feature that does not exist', async () => {
    const config = readFileSync('src/config.ts', 'utf8');
    const names = [...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    assert.ok(names.length > 10);
    assert.deepEqual(names.filter((name) => !config.includes(name)), []);
    // Imports are mentioned only once the API has them.
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    if (/import/i.test(envExample)) assert.ok(Object.keys(spec.paths).some((p) => p.includes('import')), '.env.example mentions imports the API lacks');
  });
});
