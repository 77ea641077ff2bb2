// Sign-in with a browser on this machine: authorization code + PKCE (S256) with a loopback redirect
// (RFC 8252 §7.3) on a random port, checking `state` and the issuer in `iss` (RFC 9207, mix-up defence).
import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { oauthFailure, oidc, type TokenSet, toTokenSet } from './oauth-client.ts';

type Output = { json: boolean; tty: boolean; open: boolean };

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

/** Sends a small page; resolves once it is flushed, so closing the server cannot cut it short. */
function reply(res: ServerResponse, status: number, title: string, text: string): Promise<void> {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  return new Promise((resolve) => res.end(PAGE(title, text), () => resolve()));
}

function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

/** Checks the authorization response before any code is redeemed: error, state and issuer. */
export function checkCallback(url: URL, expectedState: string, issuer: string): string | null {
  const params = url.searchParams;
  if (params.get('state') !== expectedState) return 'the state does not match this sign-in';
  if (params.get('iss') !== issuer)
    return `the response came from ${params.get('iss') ?? 'an unnamed issuer'}, not ${issuer}`;
  if (params.get('error'))
    return `${params.get('error')}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`;
  if (!params.get('code')) return 'the response carries no authorization code';
  return null;
}

export async function browserLogin(
  config: oidc.Configuration,
  server: string,
  scope: string,
  out: Output,
): Promise<TokenSet> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const issuer = config.serverMetadata().issuer;
  let settle: { resolve: (t: TokenSet) => void; reject: (e: unknown) => void };
  const done = new Promise<TokenSet>((resolve, reject) => {
    settle = { resolve, reject };
  });

  const loopback = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    if (url.pathname !== '/callback')
      return void reply(res, 404, 'Not found', 'This address only receives the sign-in.');
    const problem = checkCallback(url, state, issuer);
    // A response with another state is not ours (a stray or forged request): refuse it and keep waiting.
    if (problem && url.searchParams.get('state') !== state)
      return void reply(res, 400, 'Sign-in not recognised', problem);
    if (problem) {
      await reply(res, 400, 'Sign-in failed', `${problem}. Return to the terminal.`);
      return settle.reject(new CliError(`browser sign-in failed: ${problem}`, EXIT.AUTH));
    }
    try {
      const tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      await reply(
        res,
        200,
        'Signed in',
        'Listgate has the credentials. You can close this tab and return to the terminal.',
      );
      settle.resolve(toTokenSet(tokens, scope));
    } catch (error) {
      await reply(res, 400, 'Sign-in failed', 'The code could not be redeemed. Return to the terminal.');
      settle.reject(oauthFailure(error, { server, step: 'code exchange' }));
    }
  });
  await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
  const redirectUri = `http://127.0.0.1:${(loopback.address() as AddressInfo).port}/callback`;

  try {
    const parameters: Record<string, string> = {
      redirect_uri: redirectUri,
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    };
    // oidc-provider issues refresh tokens on an authorization request only with prompt=consent.
    if (scope.split(' ').includes('offline_access')) parameters.prompt = 'consent';
    const authorizationUrl = oidc.buildAuthorizationUrl(config, parameters).href;
    if (out.json) printJson({ authorization_url: authorizationUrl, redirect_uri: redirectUri });
    else
      process.stderr.write(
        `\n  Open this address in a browser on this machine to sign in:\n\n  ${authorizationUrl}\n\n  Waiting for the browser…\n`,
      );
    if (out.open && out.tty) openBrowser(authorizationUrl);
    const timer = setTimeout(
      () =>
        settle.reject(
          new CliError(
            'nobody completed the sign-in in the browser within 10 minutes; run login again',
            EXIT.AUTH,
          ),
        ),
      600_000,
    );
    try {
      return await done;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    loopback.closeAllConnections();
    loopback.close();
  }
}
