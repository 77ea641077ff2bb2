// Fuzz smoke over the whole API: every /v3 operation of the OpenAPI document, plus the OAuth and token-
// info endpoints, the device verification pages and the sign-in/consent steps, with and without a session
// cookie, receive random junk (path segments, query values, JSON bodies of any shape, unicode and
// SQL-ish strings). The server answers every request, never with a 5xx. fast-check prints the seed of a
// failing run so it can be replayed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';

type Route = { method: string; path: string };

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom("' OR 1=1 --", '"; DROP TABLE contacts; --', '../../etc/passwd', '%00', '\u0000', '💥', 'null', '-1', '1e309', ''),
  fc.integer().map(String),
  fc.uuid(),
);
const jsonish = fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('email_address', 'name', 'label', 'list_memberships', 'create_source', 'first_name', 'type', 'choices', 'limit'), fc.jsonValue()));

describe('fuzz smoke: junk never gets a 5xx', () => {
  let server: TestServer;
  let token: TestToken;
  let routes: Route[];
  let deviceCookie: string;
  before(async () => {
    server = await startTestServer('sqlite');
    token = await createAccountWithToken(server);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })));
    routes.push(
      { method: 'POST', path: '/oauth2/token' },
      { method: 'POST', path: '/oauth2/token/introspection' },
      { method: 'POST', path: '/oauth2/token/revocation' },
      { method: 'POST', path: '/oauth2/device/auth' },
      { method: 'GET', path: '/oauth2/auth' },
      // the device verification pages and the sign-in/consent steps, with and without their cookies
      { method: 'GET', path: '/device' },
      { method: 'GET', path: '/oauth2/device' },
      { method: 'POST', path: '/oauth2/device' },
      { method: 'GET', path: '/oauth2/device/auth' },
      { method: 'GET', path: '/oauth2/device/{uid}' },
      { method: 'GET', path: '/interaction/{uid}' },
      { method: 'POST', path: '/interaction/{uid}/confirm' },
      { method: 'POST', path: '/interaction/{uid}/deny' },
    );
    // a device page's session cookie, so that requests also reach the steps behind it
    const page = await fetch(`${server.url}/oauth2/device`);
    deviceCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  });
  after(() => server.close());

  it('answers random requests on every documented operation with a status below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(nasty, { minLength: 1, maxLength: 3 }),
        fc.dictionary(fc.constantFrom('limit', 'cursor', 'status', 'include', 'lists', 'sync_token', 'email', 'updated_after', 'client_id', 'grant_type', 'scope', 'redirect_uri', 'response_type', 'code_challenge', 'user_code', 'xsrf', 'confirm', 'abort', 'csrf'), nasty),
        jsonish,
        fc.constantFrom('json', 'form', 'text'),
        async (pick, segments, query, body, kind) => {
          const route = routes[pick % routes.length]!;
          let i = 0;
          const path = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[i++ % segments.length]!));
          const url = new URL(path, server.url);
          for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
          const headers: Record<string, string> = { ...token.headers };
          if (pick % 2 === 0) headers.cookie = deviceCookie;
          let payload: string | undefined;
          if (route.method !== 'GET' && route.method !== 'DELETE') {
            if (kind === 'json') {
              headers['content-type'] = 'application/json';
              payload = JSON.stringify(body);
            } else if (kind === 'form') {
              headers['content-type'] = 'application/x-www-form-urlencoded';
              payload = new URLSearchParams(Object.entries(query)).toString();
            } else {
              headers['content-type'] = 'text/plain';
              payload = String(segments[0]);
            }
          }
          const res = await fetch(url, { method: route.method, headers, body: payload, redirect: 'manual' });
          await res.arrayBuffer();
          assert.ok(res.status < 500, `${route.method} ${url.pathname}${url.search} → ${res.status}`);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
    );
  });
});
