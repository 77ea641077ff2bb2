import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeGrantPayload, decodeTokenPayload, grantedScopes } from './payload-codec.ts';

describe('the provider payload codec', () => {
  it('reads an access token payload as oidc-provider stores it', () => {
    const json = JSON.stringify({ clientId: 'app', accountId: 'u1', scope: 'contact_data', aud: 'http://x/v3', exp: 10, grantId: 'g', kind: 'AccessToken', jti: 'j' });
    assert.deepEqual(decodeTokenPayload(json)?.scope, 'contact_data');
  });

  it('refuses a payload whose shape moved (a token without clientId, a numeric scope, broken JSON)', () => {
    assert.equal(decodeTokenPayload(JSON.stringify({ client_id: 'app' })), null);
    assert.equal(decodeTokenPayload(JSON.stringify({ clientId: 'app', scope: 3 })), null);
    assert.equal(decodeTokenPayload('{'), null);
    assert.equal(decodeGrantPayload(JSON.stringify({ clientId: 'app', resources: { 'http://x/v3': 1 } })), null);
  });

  it('lists a grant\'s OpenID and resource scopes once each', () => {
    const grant = decodeGrantPayload(JSON.stringify({ clientId: 'app', openid: { scope: 'openid offline_access' }, resources: { a: 'contact_data offline_access' } }));
    assert.deepEqual(grantedScopes(grant!), ['openid', 'offline_access', 'contact_data']);
  });
});
