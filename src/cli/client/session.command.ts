// `listgate whoami`, `listgate token info` and `listgate logout`: what the saved credentials are, and
// how to get rid of them.
import { rm } from 'node:fs/promises';
import { printJson } from '../output.ts';
import { createApiClient } from './api-client.ts';
import { discover, oidc } from './oauth-client.ts';
import { checkProfileName, profilePath, readProfile } from './profile-store.ts';
import { formatDuration, retryPolicy } from './run-options.ts';
import { createTokenManager } from './token-manager.ts';

type SessionOptions = { profile: string; retries?: string; json?: boolean };

async function describe(opts: SessionOptions) {
  const name = checkProfileName(opts.profile);
  // A person is waiting: no retries by default, and a short timeout, so a stopped server is reported at once.
  const policy = { ...retryPolicy(opts.retries), timeoutMs: 10_000 };
  const tokens = createTokenManager(name, policy);
  const info = await createApiClient(tokens, policy).tokenInfo();
  const profile = tokens.profile();
  // what both commands report; token info adds the details of the saved credentials
  const summary = {
    profile: name,
    server: profile.server,
    client_id: info.client_id,
    user_name: info.user_name,
    expires_in: info.expires_in,
  };
  return { name, profile, info, summary };
}

export async function whoami(opts: SessionOptions): Promise<void> {
  const { name, profile, info, summary } = await describe(opts);
  if (opts.json) return printJson(summary);
  const who = info.user_name ?? `the app ${info.client_id} itself (client credentials)`;
  process.stdout.write(`${who} on ${profile.server} via API key ${info.client_id} (profile ${name})\n`);
}

export async function tokenInfo(opts: SessionOptions): Promise<void> {
  const { name, profile, info, summary } = await describe(opts);
  const result = {
    ...summary,
    expires_at: new Date(Date.now() + info.expires_in * 1000).toISOString(),
    scope: profile.scope,
    grant: profile.grant,
    renewable: profile.grant === 'client_credentials' || Boolean(profile.refresh_token),
    credentials_file: profilePath(name),
  };
  if (opts.json) return printJson(result);
  const lines = [
    `client_id:   ${result.client_id}`,
    `user_name:   ${result.user_name ?? '(none: the app acts as itself)'}`,
    `expires_in:  ${result.expires_in} s (${formatDuration(result.expires_in)})`,
    `scope:       ${result.scope || '(unknown)'}`,
    `renewal:     ${result.renewable ? 'automatic' : `none; sign in again before ${result.expires_at}`}`,
    `credentials: ${result.credentials_file}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Revokes the refresh token (or access token) at the server when it can, then deletes the profile. */
export async function logout(opts: { profile: string; json?: boolean }): Promise<void> {
  const name = checkProfileName(opts.profile);
  const profile = readProfile(name);
  let revoked = false;
  if (profile.grant !== 'client_credentials') {
    try {
      const config = await discover(profile.server, profile.api_key);
      await oidc.tokenRevocation(config, profile.refresh_token ?? profile.access_token);
      revoked = true;
    } catch {
      // Local sign-out still happens; the result says the server copy may live on.
    }
  }
  await rm(profilePath(name), { force: true });
  if (opts.json) return printJson({ profile: name, deleted: true, revoked });
  const note = revoked
    ? 'and revoked the token at the server'
    : '(the token was not revoked at the server; revoke it in your account)';
  process.stdout.write(`Deleted the credentials of profile ${name} ${note}.\n`);
}
