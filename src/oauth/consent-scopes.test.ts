// The consent page names every scope the app will receive, also when an earlier grant already holds some
// of them (the provider's prompt lists only the missing ones).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { clientFor, createCustomer, registerApp, walkPages } from '../../test/helpers/oauth.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { WebClient } from '../../test/helpers/web-client.ts';
import { describeScopes } from '../api-auth/scopes.ts';

describe('consent page scopes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite');
  });
  after(() => server.close());

  it('lists the scopes granted before next to the new one', async () => {
    const customer = await createCustomer(server);
    const app = await registerApp(server, { kind: 'native' });
    const config = await clientFor(server, app);
    const browser = new WebClient(server.url);
    // First consent: contacts only, in this browser.
    const first = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'contact_data',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    assert.ok((await walkPages(server, first.href, customer, { browser })).callback);
    // Then the same app asks for contacts and offline access: the page must name both.
    const second = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: 'contact_data offline_access',
      prompt: 'consent',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const walk = await walkPages(server, second.href, customer, { browser });
    const consent = walk.pages.find((p) => p.body.includes('class="scopes"'));
    assert.ok(consent, 'a consent page was shown');
    const listed = consent.body.match(/<ul class="scopes">([\s\S]*?)<\/ul>/)![1]!;
    assert.ok(listed.includes(describeScopes(['offline_access'])[0]!), listed);
    assert.ok(listed.includes(describeScopes(['contact_data'])[0]!), listed);
  });
});
