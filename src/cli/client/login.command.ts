// `listgate login`: obtains credentials one of four ways (device flow, browser, client credentials, a
// token from elsewhere), checks them against the token-info endpoint and saves them to the profile.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { fetchTokenInfo, type TokenInfo } from './api-client.ts';
import { refusedKeyError } from './app-kind-check.ts';
import { browserLogin } from './browser-login.ts';
import { deviceLogin } from './device-login.ts';
import { discover, normalizeServer, oauthFailure, oidc, type TokenSet, toTokenSet } from './oauth-client.ts';
import { checkProfileName, type GrantKind, type Profile, saveProfile } from './profile-store.ts';
import { formatDuration, interactive, retryPolicy } from './run-options.ts';
import { APP_SCOPE, USER_SCOPE } from './default-scopes.ts';

export type LoginOptions = {
  server: string;
  apiKey?: string;
  profile: string;
  scope?: string;
  browser?: boolean;
  clientId?: string;
  clientSecretFile?: string;
  token?: string;
  open: boolean;
  allowHttp?: boolean;
  json?: boolean;
};


function chooseGrant(opts: LoginOptions): GrantKind {
  const chosen = [
    opts.browser && '--browser',
    opts.clientId && '--client-id',
    opts.token && '--token',
  ].filter(Boolean);
  if (chosen.length > 1)
    throw new CliError(`choose one way to sign in, not ${chosen.join(' and ')}`, EXIT.USAGE);
  if (opts.clientSecretFile && !opts.clientId)
    throw new CliError('--client-secret-file goes with --client-id', EXIT.USAGE);
  if (opts.clientId && !opts.clientSecretFile) {
    throw new CliError(
      '--client-id needs --client-secret-file FILE (a file holding the client secret)',
      EXIT.USAGE,
    );
  }
  if (opts.browser) return 'browser';
  if (opts.clientId) return 'client_credentials';
  if (opts.token) return 'token';
  return 'device';
}

function apiKeyOf(opts: LoginOptions): string {
  const key = opts.apiKey ?? opts.clientId;
  if (!key)
    throw new CliError("--api-key is required: the app's API key from the developer portal", EXIT.USAGE);
  if (opts.apiKey && opts.clientId && opts.apiKey !== opts.clientId) {
    throw new CliError(
      "--api-key and --client-id differ; in Listgate the API key is the app's client id",
      EXIT.USAGE,
    );
  }
  return key;
}

function readSecretFile(file: string): string {
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new CliError(
      `cannot read --client-secret-file ${file} (${(error as NodeJS.ErrnoException).code}); give a readable file`,
      EXIT.USAGE,
    );
  }
  if (!secret)
    throw new CliError(`--client-secret-file ${file} is empty; put the client secret in it`, EXIT.USAGE);
  if (process.platform !== 'win32' && statSync(file).mode & 0o077) {
    process.stderr.write(`listgate: warning: ${file} is readable by other users; run: chmod 600 ${file}\n`);
  }
  return secret;
}

async function obtain(grant: GrantKind, opts: LoginOptions, server: string, apiKey: string, scope: string) {
  const out = { json: Boolean(opts.json), tty: interactive(opts.json), open: opts.open };
  if (grant === 'token') {
    const config = await discover(server, apiKey);
    return {
      config,
      tokens: { access_token: opts.token!, expires_at: null, scope: opts.scope ?? '' } as TokenSet,
    };
  }
  if (grant === 'client_credentials') {
    const secretFile = path.resolve(opts.clientSecretFile!);
    const config = await discover(server, apiKey, readSecretFile(secretFile));
    try {
      const response = await oidc.clientCredentialsGrant(config, { scope });
      return { config, tokens: toTokenSet(response, scope), secretFile };
    } catch (error) {
      const failure = oauthFailure(error, {
        server,
        step: 'client credentials sign-in',
        hint: 'check the client id and the secret in the file',
      });
      // A known client with a wrong secret keeps this message; an unknown key says so.
      if (!/\binvalid_client\b/.test(failure.message)) throw failure;
      throw await refusedKeyError(server, apiKey, failure, { secretSent: true });
    }
  }
  const config = await discover(server, apiKey);
  const tokens =
    grant === 'browser'
      ? await browserLogin(config, server, scope, out)
      : await deviceLogin(config, server, scope, out);
  return { config, tokens };
}

/** Confirms the token works and belongs to this API key; fills in the expiry of a pasted token. */
async function verify(server: string, apiKey: string, tokens: TokenSet): Promise<TokenInfo> {
  const info = await fetchTokenInfo(server, tokens.access_token, retryPolicy('1'));
  if (!info)
    throw new CliError(
      `${server} does not recognise this access token (unknown, revoked or expired); get a new one`,
      EXIT.AUTH,
    );
  if (info.client_id !== apiKey) {
    throw new CliError(
      `this token belongs to the app ${info.client_id}, not to the API key ${apiKey}; use that app's API key`,
      EXIT.USAGE,
    );
  }
  return info;
}

/** `--token -` reads the token from standard input, so that it shows in no process list or shell history. */
async function readTokenArgument(value: string): Promise<string> {
  if (value !== '-') return value;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const token = Buffer.concat(chunks).toString('utf8').trim();
  if (!token) throw new CliError('--token - expects the token on standard input, which was empty', EXIT.USAGE);
  return token;
}

export async function login(opts: LoginOptions): Promise<void> {
  const name = checkProfileName(opts.profile);
  if (opts.token !== undefined) opts.token = await readTokenArgument(opts.token);
  const grant = chooseGrant(opts);
  const apiKey = apiKeyOf(opts);
  const server = normalizeServer(opts.server, opts.allowHttp);
  const scope = opts.scope ?? (grant === 'client_credentials' ? APP_SCOPE : USER_SCOPE);
  const { config, tokens, secretFile } = await obtain(grant, opts, server, apiKey, scope);
  const info = await verify(server, apiKey, tokens);
  const now = new Date();
  const metadata = config.serverMetadata();
  const profile: Profile = {
    version: 1,
    server,
    issuer: metadata.issuer,
    token_endpoint: metadata.token_endpoint!,
    api_key: apiKey,
    grant,
    ...tokens,
    expires_at: tokens.expires_at ?? new Date(now.getTime() + info.expires_in * 1000).toISOString(),
    ...(secretFile ? { client_secret_file: secretFile } : {}),
    user_name: info.user_name,
    updated_at: now.toISOString(),
  };
  const file = await saveProfile(name, profile);
  const result = {
    status: 'signed_in',
    profile: name,
    server,
    client_id: info.client_id,
    user_name: info.user_name,
    expires_in: info.expires_in,
    refresh: Boolean(profile.refresh_token) || grant === 'client_credentials',
    credentials_file: file,
  };
  if (opts.json) return printJson(result);
  const who = info.user_name ? `as ${info.user_name}` : 'as the app itself';
  const renew = result.refresh ? 'renewed automatically' : 'not renewable: sign in again when it expires';
  process.stdout.write(
    `Signed in to ${server} ${who} (API key ${apiKey}).\nToken valid for ${formatDuration(info.expires_in)}, ${renew}.\nSaved to ${file} (profile ${name}).\n`,
  );
}
