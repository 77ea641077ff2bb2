import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import apiAuth from './api-auth.plugin.ts';
import type { BearerAuth } from './bearer-auth.ts';
import { API_SCOPES, describeScopes, SCOPE_REGISTRY } from './scopes.ts';

type Operation = { tags?: string[]; security?: Record<string, string[]>[] };

describe('the scopes registry', () => {
  let server: TestServer;
  let doc: { paths: Record<string, Record<string, Operation>>; tags: { name: string }[]; components: { securitySchemes: { oauth2: { flows: { authorizationCode: { scopes: Record<string, string> } } } } } };
  before(async () => {
    server = await startTestServer('sqlite');
    doc = await (await fetch(`${server.url}/openapi.json`)).json();
  });
  after(() => server.close());

  it('gives every /v3 operation exactly one declared API scope, with and without the API key', () => {
    const operations = Object.entries(doc.paths).filter(([path]) => path.startsWith('/v3/')).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => ({ name: `${m.toUpperCase()} ${path}`, op })));
    assert.ok(operations.length >= 20, `${operations.length} operations`);
    for (const { name, op } of operations) {
      const scopes = new Set(op.security?.flatMap((s) => s.oauth2 ?? []));
      assert.equal(scopes.size, 1, `${name}: ${[...scopes]}`);
      const [scope] = scopes;
      assert.ok((API_SCOPES as readonly string[]).includes(scope!), `${name}: ${scope} is declared`);
      assert.deepEqual(op.security, [{ oauth2: [scope] }, { oauth2: [scope], api_key: [] }], name);
    }
  });

  it('shows the scope each account route declares', async () => {
    assert.equal(doc.paths['/v3/account/summary']!.put!.security![0]!.oauth2![0], 'account_update');
    assert.equal(doc.paths['/v3/account/summary']!.get!.security![0]!.oauth2![0], 'account_read');
  });

  it('tags every operation with a tag the document declares', () => {
    const declared = new Set(doc.tags.map((t) => t.name));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops)) for (const tag of op.tags ?? []) assert.ok(declared.has(tag), `${path}: ${tag}`);
    }
  });

  it('documents every API and OAuth scope of the registry in the OAuth flows, in its own words', () => {
    const documented = doc.components.securitySchemes.oauth2.flows.authorizationCode.scopes;
    for (const s of SCOPE_REGISTRY.filter((x) => x.kind !== 'openid')) assert.equal(documented[s.name], s.allows);
  });

  it('words the consent page from the registry, once per scope, ignoring unknown names', () => {
    assert.deepEqual(describeScopes(['contact_data', 'nope', 'contact_data', 'email']), [SCOPE_REGISTRY[0].consent, 'See your email address']);
  });

  it('refuses to start when an API route declares no scope', async () => {
    const app = Fastify();
    const bearer = { authenticateRequest: async () => {}, checkScope: () => {} } as unknown as BearerAuth;
    const start = async () => {
      await app.register(async (v3) => {
        await v3.register(apiAuth, { bearer });
        v3.get('/unguarded', async () => 'open');
      });
      await app.ready();
    };
    await assert.rejects(start, /GET \/unguarded: API routes declare their scope/);
    await app.close();
  });
});
