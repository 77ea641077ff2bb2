// Keeps a profile's access token usable for unattended runs: refreshes only near expiry, under an
// exclusive lock across refresh + save, and saves the new pair before anyone uses it (T13).
import { readFile } from 'node:fs/promises';
import { CliError, EXIT } from '../exit-codes.ts';
import { acquireLock, LockBusyError } from './file-lock.ts';
import type { RetryPolicy } from './http-client.ts';
import { configFromProfile, oauthFailure, oidc, type TokenSet, toTokenSet } from './oauth-client.ts';
import { loginHint, type Profile, profilePath, readProfile, saveProfile } from './profile-store.ts';
import { faults } from './faults.ts';

export type TokenManager = {
  readonly profileName: string;
  profile(): Profile;
  /** A token valid for a while yet; `force` renews even a token that looks fresh (the server said 401). */
  accessToken(options?: { force?: boolean }): Promise<string>;
  /** True when a new token can be obtained without a person (refresh token or client credentials). */
  canRenew(): boolean;
};

/** Renew when less than this is left: two minutes, or half the lifetime of a short-lived token. */
export function needsRenewal(profile: Profile, nowMs = Date.now()): boolean {
  if (profile.expires_at === null) return false;
  const expires = Date.parse(profile.expires_at);
  const lifetime = expires - Date.parse(profile.updated_at);
  const margin = Math.min(120_000, Number.isFinite(lifetime) && lifetime > 0 ? lifetime / 2 : 120_000);
  return expires - nowMs < margin;
}

async function readSecret(file: string, name: string, profile: Profile): Promise<string> {
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret) return secret;
  } catch {}
  throw new CliError(
    `cannot read the client secret from ${file}; restore it, or sign in again: ${loginHint(name, profile)} --client-id ${profile.api_key} --client-secret-file FILE`,
    EXIT.AUTH,
  );
}

async function renew(name: string, profile: Profile, policy: RetryPolicy): Promise<TokenSet> {
  const hint = `sign in again: ${loginHint(name, profile)}`;
  try {
    if (profile.grant === 'client_credentials') {
      const secret = await readSecret(profile.client_secret_file!, name, profile);
      const config = configFromProfile(profile, policy, secret);
      return toTokenSet(await oidc.clientCredentialsGrant(config, { scope: profile.scope }), profile.scope);
    }
    const config = configFromProfile(profile, policy);
    return toTokenSet(await oidc.refreshTokenGrant(config, profile.refresh_token!), profile.scope);
  } catch (error) {
    // The hint is added once, here: the failure's own message only says what went wrong.
    const failure = oauthFailure(error, { server: profile.server, step: 'token refresh' });
    if (failure.exitCode !== EXIT.AUTH) throw failure;
    if (profile.grant === 'client_credentials') throw new CliError(`${failure.message}; ${hint}`, EXIT.AUTH);
    throw new CliError(
      `the sign-in saved in profile "${name}" was revoked or has expired (${failure.message}); ${hint}`,
      EXIT.AUTH,
    );
  }
}

function cannotRenew(name: string, profile: Profile): CliError {
  if (profile.grant === 'token') {
    return new CliError(
      `the access token saved in profile "${name}" has expired or was revoked; get a new one and run: ${loginHint(name, profile)} --token TOKEN`,
      EXIT.AUTH,
    );
  }
  return new CliError(
    `the access token of profile "${name}" has expired and there is no refresh token (sign in with the offline_access scope); run: ${loginHint(name, profile)}`,
    EXIT.AUTH,
  );
}

export function createTokenManager(
  name: string,
  policy: RetryPolicy,
  env: NodeJS.ProcessEnv = process.env,
): TokenManager {
  let current = readProfile(name, env);
  const renewable = (p: Profile) => p.grant === 'client_credentials' || Boolean(p.refresh_token);

  async function renewUnderLock(force: boolean, seenToken: string): Promise<void> {
    let lock: Awaited<ReturnType<typeof acquireLock>>;
    try {
      lock = await acquireLock(`${profilePath(name, env)}.lock`, { waitMs: 60_000 });
    } catch (error) {
      if (error instanceof LockBusyError)
        throw new CliError(`${error.message} for over a minute; try again`, EXIT.LOCKED);
      throw error;
    }
    try {
      // Another process may have renewed while this one waited: its pair is on disk now.
      const latest = readProfile(name, env);
      if (latest.access_token !== seenToken && !needsRenewal(latest)) {
        current = latest;
        return;
      }
      if (!renewable(latest)) throw cannotRenew(name, latest);
      if (!force && !needsRenewal(latest)) {
        current = latest;
        return;
      }
      const tokens = await renew(name, latest, policy);
      faults.afterRefresh();
      const next: Profile = { ...latest, ...tokens, updated_at: new Date().toISOString() };
      await saveProfile(name, next, env);
      current = next;
    } finally {
      await lock.release();
    }
  }

  return {
    profileName: name,
    profile: () => current,
    canRenew: () => renewable(current),
    async accessToken(options = {}) {
      const force = Boolean(options.force);
      if (force || needsRenewal(current)) {
        if (!renewable(current)) {
          if (force || current.expires_at === null || Date.parse(current.expires_at) <= Date.now())
            throw cannotRenew(name, current);
          return current.access_token;
        }
        await renewUnderLock(force, current.access_token);
      }
      return current.access_token;
    },
  };
}
