// Real access tokens for tests: a customer account and a private integration on it, and a token from the
// server's token endpoint through the client-credentials grant (no shortcut around the provider).
import type { TestServer } from './server.ts';

export type TestToken = {
  accessToken: string;
  accountId: string;
  email: string;
  clientId: string;
  clientSecret: string;
  /** Headers for an API call with this token and its API key. */
  headers: Record<string, string>;
};

let counter = 0;

export async function createAccountWithToken(
  server: TestServer,
  options: { email?: string; scope?: string; tokenTtl?: number } = {},
): Promise<TestToken> {
  const email = options.email ?? `owner${++counter}-${Date.now()}@example.com`;
  const account = await server.services.accounts.signUp({ email, password: 'correct horse battery staple' });
  const { app, client_secret } = await server.services.apps.createApp({
    name: 'Test integration',
    kind: 'private',
    ownerAccountId: account.account_id,
    accessTokenTtl: options.tokenTtl,
  });
  const accessToken = await clientCredentialsToken(server, app.client_id, client_secret!, options.scope);
  return {
    accessToken,
    accountId: account.account_id,
    email,
    clientId: app.client_id,
    clientSecret: client_secret!,
    headers: { authorization: `Bearer ${accessToken}`, 'x-api-key': app.client_id },
  };
}

export async function clientCredentialsToken(server: Pick<TestServer, 'url'>, clientId: string, secret: string, scope?: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope) body.set('scope', scope);
  const res = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body,
  });
  const json = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !json.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(json)}`);
  return json.access_token;
}
