// Why the server refused an API key at `listgate login`: an unknown key, or the key of an app whose kind
// cannot sign in from a command line (a web app or private integration holds a secret the CLI lacks).
import { CliError, EXIT } from '../exit-codes.ts';

/**
 * The token endpoints answer both cases with the same `invalid_client` (RFC 6749 §5.2 does not tell them
 * apart), so the authorization endpoint is asked: it refuses an unknown client_id with `invalid_client`
 * and a known one with another error (here, the missing response_type).
 */
async function isKnownClient(server: string, apiKey: string): Promise<boolean | null> {
  try {
    const url = `${server}/oauth2/auth?client_id=${encodeURIComponent(apiKey)}`;
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    if (response.status !== 400) return null;
    return !/\binvalid_client\b/.test(body);
  } catch {
    return null;
  }
}

/** The error to show when the server refused `apiKey` as a client (invalid_client) during sign-in. */
export async function refusedKeyError(
  server: string,
  apiKey: string,
  fallback: CliError,
  options: { secretSent?: boolean } = {},
): Promise<CliError> {
  const known = await isKnownClient(server, apiKey);
  if (known === false) {
    return new CliError(
      `unknown API key ${apiKey}: ${server} has no app with this key; copy the key from My Applications (${server}/developer/apps) or Private integrations (${server}/account/integrations)`,
      EXIT.AUTH,
    );
  }
  // With a secret sent, a known client was refused for its secret: the fallback says so.
  if (known === null || options.secretSent) return fallback;
  return new CliError(
    `the app with API key ${apiKey} is a web app or private integration, which keeps a client secret and cannot sign in with listgate login; ` +
      `open its settings page ${server}/developer/apps/${apiKey}, choose "Native app or script" under "Application kind" and save ` +
      '(a native app works with both the API Tester and listgate login); a private integration signs in with --client-id and --client-secret-file',
    EXIT.AUTH,
  );
}
