// The OAuth 2.0 client side of the CLI, on openid-client: discovery, the device flow, authorization code
// with PKCE, client credentials and refresh. Failures become one-line CliErrors with the right exit code.
import * as oidc from 'openid-client';
import { CliError, EXIT } from '../exit-codes.ts';
import { fetchWithRetry, NetworkError, type RetryPolicy } from './http-client.ts';
import type { Profile } from './profile-store.ts';

export type TokenSet = Pick<Profile, 'access_token' | 'expires_at' | 'scope'> & { refresh_token?: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Normalises --server: an http(s) base URL without a trailing slash or the /oauth2 mount. */
export function normalizeServer(value: string, allowHttp = false): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `--server "${value}" is not a URL; give the server's address, e.g. https://lists.example.com`,
      EXIT.USAGE,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`--server must be an http(s) URL, not ${url.protocol}`, EXIT.USAGE);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname) && !allowHttp) {
    throw new CliError(
      `refusing to send tokens over plain http to ${url.host}; use https, or add --allow-http on a trusted network`,
      EXIT.USAGE,
    );
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/oauth2$/, '');
  return base;
}

function clientAuth(secret?: string): oidc.ClientAuth {
  return secret === undefined ? oidc.None() : oidc.ClientSecretBasic(secret);
}

function configure(config: oidc.Configuration, server: string, policy?: RetryPolicy): oidc.Configuration {
  if (server.startsWith('http:')) oidc.allowInsecureRequests(config);
  if (policy)
    config[oidc.customFetch] = (url, options) => fetchWithRetry(url, options as RequestInit, policy);
  return config;
}

/** Reads the server's metadata (RFC 8414) and checks that its issuer lives on the same server. */
export async function discover(
  server: string,
  clientId: string,
  secret?: string,
): Promise<oidc.Configuration> {
  const wellKnown = new URL(`${server}/.well-known/oauth-authorization-server`);
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(wellKnown, clientId, undefined, clientAuth(secret), {
      execute: server.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      timeout: 30,
    });
  } catch (error) {
    throw oauthFailure(error, { server, step: 'discovery' });
  }
  const issuer = config.serverMetadata().issuer;
  if (new URL(issuer).origin !== new URL(server).origin) {
    throw new CliError(
      `${server} announced a foreign issuer ${issuer}; check the --server URL`,
      EXIT.REJECTED,
    );
  }
  return configure(config, server);
}

/** A configuration built from what the profile stored, so that a refresh costs a single request. */
export function configFromProfile(
  profile: Profile,
  policy: RetryPolicy,
  secret?: string,
): oidc.Configuration {
  const metadata: oidc.ServerMetadata = { issuer: profile.issuer, token_endpoint: profile.token_endpoint };
  return configure(
    new oidc.Configuration(metadata, profile.api_key, undefined, clientAuth(secret)),
    profile.server,
    policy,
  );
}

export function toTokenSet(
  response: oidc.TokenEndpointResponse,
  requestedScope: string,
  nowMs = Date.now(),
): TokenSet {
  const expiresIn = response.expires_in;
  return {
    access_token: response.access_token,
    expires_at: typeof expiresIn === 'number' ? new Date(nowMs + expiresIn * 1000).toISOString() : null,
    scope: response.scope ?? requestedScope,
    ...(response.refresh_token ? { refresh_token: response.refresh_token } : {}),
  };
}

type FailureContext = { server: string; step: string; hint?: string };

/** Maps an openid-client failure to a CliError: OAuth refusals are sign-in problems, transport ones server problems. */
export function oauthFailure(error: unknown, context: FailureContext): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof NetworkError) {
    return new CliError(
      `${error.message} during ${context.step}; check that the server is running and the URL is right`,
      EXIT.SERVER,
    );
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 with a challenge (RFC 6750 §3): the client itself was not accepted.
    const params = error.cause[0]?.parameters ?? {};
    const description = params.error_description ? `: ${params.error_description}` : '';
    const hint = context.hint ? `; ${context.hint}` : '';
    return new CliError(
      `the server does not accept this API key or client secret (${params.error ?? 'invalid_client'}${description})${hint}`,
      EXIT.AUTH,
    );
  }
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    const hint = context.hint ? `; ${context.hint}` : '';
    if (error.error === 'invalid_client') {
      return new CliError(
        `the server does not accept this API key or client secret (invalid_client${description})${hint}`,
        EXIT.AUTH,
      );
    }
    const status = error instanceof oidc.ResponseBodyError ? error.status : 400;
    const code = status >= 500 ? EXIT.SERVER : EXIT.AUTH;
    return new CliError(`${context.step} failed (${error.error}${description})${hint}`, code);
  }
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  const causeCode = (cause as { code?: string; cause?: { code?: string } } | undefined)?.cause?.code;
  if (
    message === 'fetch failed' ||
    causeCode ||
    (cause instanceof TypeError && cause.message === 'fetch failed')
  ) {
    return new CliError(
      `cannot reach ${context.server} (${causeCode ?? 'network error'}) during ${context.step}; check that the server is running and the URL is right`,
      EXIT.SERVER,
    );
  }
  const response = (cause as { status?: number } | undefined)?.status;
  if (typeof response === 'number' && (response >= 500 || response === 429)) {
    return new CliError(
      `${context.server} failed during ${context.step} (HTTP ${response}); try again later`,
      EXIT.SERVER,
    );
  }
  if (context.step === 'discovery') {
    return new CliError(
      `${context.server} does not look like a Listgate server (${message}); check the --server URL`,
      EXIT.REJECTED,
    );
  }
  const status = typeof response === 'number' ? ` (HTTP ${response})` : '';
  return new CliError(`${context.step} failed: ${message}${status}`, EXIT.AUTH);
}

export { oidc };
