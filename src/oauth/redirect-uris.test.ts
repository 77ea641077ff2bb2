import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { TEST_DIALECTS } from '../../test/helpers/databases.ts';
import { registerApp, type TestApp } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

const REGISTERED = 'https://app.example.com/callback';

/** Variants of the registered URI that must never be redirected to (RFC 9700 §4.1.3: exact match). */
const VARIANTS = [
  'https://app.example.com/callback/',
  'https://APP.example.com/callback',
  'https://app.example.com/Callback',
  'HTTPS://app.example.com/callback',
  'https://app.example.com:443/callback',
  'https://app.example.com:8443/callback',
  'https://app.example.com/callback/../callback',
  'https://app.example.com/x/../callback',
  'https://app.example.com//callback',
  'https://app.example.com/callback?extra=1',
  'https://app.example.com/callback?',
  'https://app.example.com/callback#fragment',
  'http://app.example.com/callback',
  'https://app.example.com@evil.example/callback',
  'https://user:pass@app.example.com/callback',
  'https://evil.example/callback',
  'https://app.example.com.evil.example/callback',
  'https://\u0430pp.example.com/callback',
  'https://xn--pp-8cd.example.com/callback',
  'https://app.example.com/%63allback',
  'https://app.example.com/callback%2F..%2Fevil',
  'https://app.example.com/callback%00',
  ' https://app.example.com/callback',
  'https://app.example.com/callback ',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '//evil.example/callback',
  '/callback',
  "https://app.example.com/callback' OR '1'='1",
];

type Answer = { status: number; location: string | null; body: string };

async function authorize(server: TestServer, clientId: string, redirectUri: string | null): Promise<Answer> {
  const query = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'account_read', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
  if (redirectUri !== null) query.set('redirect_uri', redirectUri);
  const res = await fetch(`${server.url}/oauth2/auth?${query}`, { redirect: 'manual', headers: { accept: 'text/html' } });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

function assertErrorPage(answer: Answer, label: string): void {
  assert.equal(answer.status, 400, label);
  assert.equal(answer.location, null, `${label}: no Location header`);
  assert.match(answer.body, /This request cannot continue/, label);
}

for (const dialect of TEST_DIALECTS) {
  describe(`redirect URIs: exact match, error page, never a redirect (T2) (${dialect})`, () => {
    let server: TestServer;
    let web: TestApp;
    let native: TestApp;

    before(async () => {
      server = await startTestServer(dialect);
      web = await registerApp(server, { kind: 'web', redirectUri: REGISTERED });
      native = await registerApp(server, { kind: 'native', redirectUri: 'http://127.0.0.1/callback' });
    });
    after(() => server.close());

    it('proceeds with the registered URI, exactly as registered', async () => {
      const ok = await authorize(server, web.clientId, REGISTERED);
      assert.equal(ok.status, 303);
      assert.match(ok.location ?? '', /^\/interaction\//);
    });

    it(`shows an error page, with no Location header, for ${VARIANTS.length} variants`, async () => {
      for (const variant of VARIANTS) assertErrorPage(await authorize(server, web.clientId, variant), variant);
    });

    it('shows an error page for a missing redirect URI, an unknown client and no client at all', async () => {
      assertErrorPage(await authorize(server, web.clientId, null), 'missing redirect_uri');
      assertErrorPage(await authorize(server, 'no-such-client', REGISTERED), 'unknown client');
      assertErrorPage(await authorize(server, '', REGISTERED), 'empty client_id');
      assertErrorPage(await authorize(server, "' OR 1=1 --", REGISTERED), 'SQL-ish client_id');
    });

    it('lets a native app use any port on its loopback redirect, and nothing else', async () => {
      assert.equal((await authorize(server, native.clientId, 'http://127.0.0.1:53682/callback')).status, 303);
      assert.equal((await authorize(server, native.clientId, 'http://127.0.0.1/callback')).status, 303);
      for (const variant of ['http://localhost:53682/callback', 'http://127.0.0.1:53682/callback/x', 'https://127.0.0.1:53682/callback', 'http://127.0.0.2/callback']) {
        assertErrorPage(await authorize(server, native.clientId, variant), variant);
      }
      assertErrorPage(await authorize(server, web.clientId, 'https://app.example.com:1234/callback'), 'no port freedom for web apps');
    });

    it('never redirects to a random mutation of the registered URI', async () => {
      const mutation = fc.tuple(fc.nat({ max: REGISTERED.length }), fc.nat({ max: 3 }), fc.string({ minLength: 1, maxLength: 3 }));
      await fc.assert(
        fc.asyncProperty(mutation, async ([at, removed, inserted]) => {
          const candidate = REGISTERED.slice(0, at) + inserted + REGISTERED.slice(at + removed);
          fc.pre(candidate !== REGISTERED);
          const answer = await authorize(server, web.clientId, candidate);
          assert.equal(answer.location, null, candidate);
          assert.ok(answer.status >= 400 && answer.status < 500, `${candidate}: ${answer.status}`);
        }),
        { numRuns: 60 },
      );
    });
  });
}
