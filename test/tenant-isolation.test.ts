// A token of account A never sees or changes account B's data, on every /v3 operation of the OpenAPI
// document (new routes are covered as soon as they are documented): B's ids answer exactly like unknown
// ids, listings never contain them, B's cursors and sync tokens are refused, and B's rows stay unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient } from './helpers/api.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';
import { accountSnapshot, sampleBody, type Schema } from './helpers/isolation.ts';

type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } };
type Route = { method: string; path: string; op: Operation };

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

for (const dialect of TEST_DIALECTS) {
  describe(`tenant isolation on every /v3 route (${dialect})`, () => {
    let server: TestServer;
    let a: TestToken;
    let b: TestToken;
    let asA: ApiCall;
    let asB: ApiCall;
    let routes: Route[];
    const ids: Record<string, string> = {};
    let secrets: string[];
    let snapshot: string;

    before(async () => {
      server = await startTestServer(dialect, { WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' });
      [a, b] = [await createAccountWithToken(server), await createAccountWithToken(server)];
      asA = apiClient(server.url, a);
      asB = apiClient(server.url, b);
      // Two of everything in B, so that B's listings have a second page and a cursor.
      for (let i = 0; i < 2; i++) {
        ids.list_id = (await asB<{ list_id: string }>('POST', '/v3/contact_lists', { name: `B list ${i}` })).body.list_id;
        ids.tag_id = (await asB<{ tag_id: string }>('POST', '/v3/contact_tags', { name: `b-tag-${i}` })).body.tag_id;
        ids.custom_field_id = (
          await asB<{ custom_field_id: string }>('POST', '/v3/contact_custom_fields', { label: `B field ${i}`, type: 'string' })
        ).body.custom_field_id;
        const doomed = (await asB<{ list_id: string }>('POST', '/v3/contact_lists', { name: `B doomed ${i}` })).body.list_id;
        ids.activity_id = (await asB<{ activity_id: string }>('DELETE', `/v3/contact_lists/${doomed}`)).body.activity_id;
        const contact = await server.services.contacts.createContact(b.accountId, {
          email_address: { address: `b${i}@b.example` },
          create_source: 'Account',
          list_memberships: [ids.list_id],
          taggings: [ids.tag_id],
          custom_fields: [{ custom_field_id: ids.custom_field_id, value: 'secret' }],
        });
        ids.contact_id = contact.contact_id;
      }
      // An export of B's contacts, finished before the snapshot (its file is B's too).
      ids.file_export_id = (await asB<{ activity_id: string }>('POST', '/v3/activities/contact_exports', {})).body.activity_id;
      while ((await asB<{ state: string }>('GET', `/v3/activities/${ids.file_export_id}`)).body.state !== 'completed') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // A webhook subscription of B, disabled so that no delivery writes to it while the test runs.
      ids.webhook_id = (
        await asB<{ webhook_id: string }>('POST', '/v3/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['contact.created'] })
      ).body.webhook_id;
      assert.equal((await asB('PATCH', `/v3/webhooks/${ids.webhook_id}`, { status: 'disabled' })).status, 200);
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
      routes = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/v3/'))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
      assert.ok(routes.length >= 20, `the document lists the API (${routes.length} operations)`);
      secrets = [...Object.values(ids), b.accountId];
      snapshot = await accountSnapshot(server.services.db, b.accountId);
    });
    after(() => server.close());

    const withIds = (path: string, id: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_, name: string) => id(name));
    const bId = (name: string) => {
      assert.ok(ids[name], `the test knows no id of B for {${name}}: add one to the seed`);
      return ids[name]!;
    };
    const leaks = (text: string) => secrets.filter((secret) => text.includes(secret));
    const body = (route: Route) => {
      const schema = route.op.requestBody?.content['application/json']?.schema;
      return schema ? sampleBody(schema, ids, `${route.method} ${route.path}`) : undefined;
    };

    it("answers B's ids exactly like unknown ids, on every route that takes one", async () => {
      for (const route of routes.filter((r) => r.path.includes('{'))) {
        const where = `${route.method} ${route.path}`;
        const payload = body(route);
        const theirs = await asA(route.method, withIds(route.path, bId), payload);
        const unknown = await asA(route.method, withIds(route.path, () => UNKNOWN), payload);
        assert.equal(theirs.status, 404, `${where} → ${theirs.status} ${theirs.text}`);
        assert.equal(theirs.status, unknown.status, where);
        assert.equal(theirs.text.replaceAll(bId(route.path.match(/\{(\w+)\}/)![1]!), UNKNOWN), unknown.text, where);
      }
      assert.equal(await accountSnapshot(server.services.db, b.accountId), snapshot);
    });

    it("never lists B's data, even when filtering by B's ids", async () => {
      for (const route of routes.filter((r) => r.method === 'GET' && !r.path.includes('{'))) {
        const names = new Set(route.op.parameters?.filter((p) => p.in === 'query').map((p) => p.name));
        const filters = new URLSearchParams();
        if (names.has('lists')) filters.set('lists', ids.list_id!);
        if (names.has('tags')) filters.set('tags', ids.tag_id!);
        if (names.has('email')) filters.set('email', 'b0@b.example');
        if (names.has('status')) filters.set('status', 'all');
        for (const query of ['', `?${filters}`]) {
          const res = await asA('GET', `${route.path}${query}`);
          assert.ok(res.status === 200 || res.status === 400 || res.status === 404, `${route.path}${query} → ${res.status}`);
          assert.deepEqual(leaks(res.text), [], `${route.path}${query} leaks B's ids`);
        }
      }
    });

    it("refuses B's cursors and sync tokens", async () => {
      let checked = 0;
      for (const route of routes.filter((r) => r.method === 'GET' && !r.path.includes('{'))) {
        const names = new Set(route.op.parameters?.map((p) => p.name));
        if (!names.has('limit')) continue;
        const page = await asB<{ _links?: { next?: { href: string } }; next_sync_token?: string }>('GET', `${route.path}?limit=1`);
        assert.equal(page.status, 200, route.path);
        const handles = [page.body._links?.next?.href, page.body.next_sync_token && `${route.path}?sync_token=${page.body.next_sync_token}`];
        for (const href of handles.filter((h): h is string => Boolean(h))) {
          const res = await asA('GET', href);
          assert.ok(res.status === 400 || res.status === 410, `${href} → ${res.status}`);
          assert.deepEqual(leaks(res.text), []);
          checked++;
        }
      }
      assert.ok(checked >= 5, `B's listings gave ${checked} cursors to try`);
    });

    it("writes nothing into B through any route, answering B's ids in bodies like unknown ids", async () => {
      // Each of B's ids stands for a distinct id that exists nowhere.
      const stand = new Map(Object.values(ids).map((id, i) => [id, `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`]));
      const unknownize = (text: string) => [...stand].reduce((t, [id, other]) => t.replaceAll(id, other), text);
      for (const route of routes.filter((r) => r.method !== 'GET')) {
        const where = `${route.method} ${route.path}`;
        const path = withIds(route.path, bId);
        const payload = body(route);
        const sent = `${path} ${JSON.stringify(payload) ?? ''}`;
        if (unknownize(sent) !== sent) {
          // Unknown ids first, so that both calls meet the same state of A.
          const unknown = await asA(route.method, unknownize(path), payload === undefined ? undefined : JSON.parse(unknownize(JSON.stringify(payload))));
          const theirs = await asA(route.method, path, payload);
          assert.ok(theirs.status >= 400 && theirs.status < 500, `${where} with B's ids → ${theirs.status} ${theirs.text}`);
          assert.equal(theirs.status, unknown.status, where);
          assert.equal(unknownize(theirs.text), unknown.text, where);
        } else {
          const res = await asA(route.method, path, payload);
          assert.ok(res.status < 500, `${where} → ${res.status}`);
          assert.deepEqual(leaks(res.text), [], `${where} leaks B's ids`);
        }
      }
      assert.equal(await accountSnapshot(server.services.db, b.accountId), snapshot);
      const mine = await asB<{ organization_name: string }>('GET', '/v3/account/summary');
      assert.notEqual(mine.body.organization_name, 'Intruder');
    });
  });
}
