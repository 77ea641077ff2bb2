// OAuth journeys for tests: customers and apps, an openid-client configuration for an app, the customer's
// walk through the real pages (sign-in, consent) with a cookie jar, and raw token-endpoint calls.
import * as oidc from 'openid-client';
import type { TestServer } from './server.ts';
import { parseForms, WebClient, type WebResponse } from './web-client.ts';

export const CUSTOMER_PASSWORD = 'correct horse battery staple';
export const REDIRECT_URI = 'https://app.example.com/callback';

export type Customer = { email: string; password: string; accountId: string; userId: string };
export type TestApp = { clientId: string; clientSecret: string | null; redirectUri: string };

let counter = 0;

export async function createCustomer(server: TestServer, email = `customer${++counter}-${Date.now()}@example.com`): Promise<Customer> {
  const created = await server.services.accounts.signUp({ email, password: CUSTOMER_PASSWORD });
  return { email, password: CUSTOMER_PASSWORD, accountId: created.account_id, userId: created.user_id };
}

export async function registerApp(
  server: TestServer,
  input: { kind: 'web' | 'native' | 'device' | 'private'; refreshPolicy?: string; accessTokenTtl?: number; ownerAccountId?: string; redirectUri?: string },
): Promise<TestApp> {
  const redirectUri = input.redirectUri ?? (input.kind === 'native' ? 'http://127.0.0.1/callback' : REDIRECT_URI);
  const withRedirect = input.kind === 'web' || input.kind === 'native';
  const { app, client_secret } = await server.services.apps.createApp({
    name: `Test ${input.kind} app`,
    kind: input.kind,
    redirectUris: withRedirect ? [redirectUri] : [],
    refreshPolicy: input.refreshPolicy,
    accessTokenTtl: input.accessTokenTtl,
    ownerAccountId: input.ownerAccountId,
  });
  return { clientId: app.client_id, clientSecret: client_secret, redirectUri };
}

/** openid-client configured from the server's metadata (RFC 8414), as a real client would be. */
export async function clientFor(server: TestServer, app: TestApp): Promise<oidc.Configuration> {
  const auth = app.clientSecret ? oidc.ClientSecretBasic(app.clientSecret) : oidc.None();
  return oidc.discovery(new URL(`${server.url}/oauth2`), app.clientId, undefined, auth, {
    algorithm: 'oauth2',
    execute: [oidc.allowInsecureRequests],
  });
}

export type PageWalk = { callback: URL | null; pages: WebResponse[]; browser: WebClient };

/**
 * The customer's browser from an authorization URL: the sign-in question ("I already have an account"),
 * the sign-in form, then the consent page's Allow (or Deny), until the redirect back to the app.
 */
export async function walkPages(
  server: TestServer,
  start: string,
  customer: Pick<Customer, 'email' | 'password'>,
  options: { browser?: WebClient; choice?: 'confirm' | 'deny'; userCode?: string } = {},
): Promise<PageWalk> {
  const browser = options.browser ?? new WebClient(server.url);
  const pages: WebResponse[] = [];
  let page = await browser.get(start);
  let typed: string | undefined;
  for (let step = 0; step < 20; step++) {
    pages.push(page);
    if (page.location) {
      if (new URL(page.location).origin !== new URL(server.url).origin) return { callback: new URL(page.location), pages, browser };
      page = await browser.get(page.location);
      continue;
    }
    const haveAccount = page.body.match(/href="([^"]+)">I already have an account</)?.[1];
    const deviceForm = parseForms(page.body).some((f) => f.action.endsWith('/oauth2/device'));
    // the device pages: the auto-submitted code or "Is this your device?" (a hidden code), the code form once
    if (deviceForm && /type="hidden" name="user_code"/.test(page.body)) page = await browser.submit(page, '/oauth2/device');
    else if (deviceForm && typed === undefined && options.userCode !== undefined) {
      typed = options.userCode;
      page = await browser.submit(page, '/oauth2/device', { user_code: typed });
    } else if (haveAccount) page = await browser.get(haveAccount.replace(/&amp;/g, '&'));
    else if (page.body.includes('action="/account/sign-in"')) page = await browser.submit(page, '/account/sign-in', customer);
    else if (page.body.includes(`/${options.choice ?? 'confirm'}"`)) page = await browser.submit(page, `/${options.choice ?? 'confirm'}`);
    else return { callback: null, pages, browser };
  }
  throw new Error(`the authorization did not finish; last page ${page.url}`);
}

export type CodeFlowResult = { tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers; callback: URL; verifier: string };

/** Authorization code + PKCE from start to tokens, through the real pages. */
export async function codeFlow(
  server: TestServer,
  config: oidc.Configuration,
  app: TestApp,
  customer: Customer,
  params: Record<string, string> = {},
): Promise<CodeFlowResult> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: app.redirectUri,
    scope: 'account_read contact_data',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  const walk = await walkPages(server, url.href, customer);
  if (!walk.callback) throw new Error(`no redirect back to the app; last page ${walk.pages.at(-1)?.url}`);
  const tokens = await oidc.authorizationCodeGrant(config, walk.callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, callback: walk.callback, verifier };
}

export type RawResponse = { status: number; headers: Headers; json: Record<string, unknown>; text: string };

/** A raw form POST to an endpoint under /oauth2, with HTTP Basic client authentication when a secret is given. */
export async function postForm(
  server: TestServer,
  path: string,
  form: Record<string, string> | string,
  auth?: { clientId: string; secret: string },
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.secret)}`).toString('base64')}`;
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  const res = await fetch(`${server.url}/oauth2${path}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, headers: res.headers, json, text };
}

export const basicAuth = (app: TestApp) => (app.clientSecret ? { clientId: app.clientId, secret: app.clientSecret } : undefined);

/** Introspection as the given app (RFC 7662). */
export async function introspect(server: TestServer, app: TestApp, token: string): Promise<Record<string, unknown>> {
  const auth = basicAuth(app);
  const form: Record<string, string> = auth ? { token } : { token, client_id: app.clientId };
  return (await postForm(server, '/token/introspection', form, auth)).json;
}
