import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

type Operation = {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
};

describe('/openapi.json documents the legacy v2 operations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('lists every /v2 call under the "Legacy v2" tag, with contact_data and the api_key query scheme', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      tags: { name: string }[];
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { in?: string; name?: string }> };
    };
    assert.ok(doc.tags.some((t) => t.name === 'Legacy v2'));
    assert.deepEqual(doc.components.securitySchemes.api_key_query, {
      type: 'apiKey', in: 'query', name: 'api_key', description: "The app's API key, as v2 clients send it",
    });
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v2/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ call: `${method.toUpperCase()} ${path}`, op })));
    assert.deepEqual(ops.map((o) => o.call).sort(), [
      'DELETE /v2/contacts/{id}', 'DELETE /v2/contacts/{id}/lists', 'DELETE /v2/contacts/{id}/lists/{listId}', 'DELETE /v2/lists/{id}',
      'GET /v2/activities', 'GET /v2/activities/{id}',
      'GET /v2/contacts', 'GET /v2/contacts/{id}', 'GET /v2/lists', 'GET /v2/lists/{id}', 'GET /v2/lists/{id}/contacts',
      'POST /v2/activities/addcontacts', 'POST /v2/activities/clearlists', 'POST /v2/activities/exportcontacts',
      'POST /v2/activities/removefromlists', 'POST /v2/contacts', 'POST /v2/lists', 'PUT /v2/contacts/{id}', 'PUT /v2/lists/{id}',
    ]);
    for (const { call, op } of ops) {
      assert.deepEqual(op.tags, ['Legacy v2'], call);
      assert.deepEqual(op.security, [{ oauth2: ['contact_data'], api_key_query: [] }], call);
      // The key is described by the api_key_query scheme (the document lists no separate parameter for it).
      assert.ok(!op.parameters?.some((p) => p.name === 'api_key'), call);
    }
    // addcontacts and removefromlists also take the file form.
    const forms = ops.filter((o) => o.op.requestBody && 'multipart/form-data' in o.op.requestBody.content).map((o) => o.call).sort();
    assert.deepEqual(forms, ['POST /v2/activities/addcontacts', 'POST /v2/activities/removefromlists']);
  });
});
