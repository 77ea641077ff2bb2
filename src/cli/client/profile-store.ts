// The credential store: one JSON file per profile under $LISTGATE_CONFIG_DIR (default the XDG config dir),
// mode 0600, replaced atomically. Tokens never leave these files except in the Authorization header.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from '../exit-codes.ts';
import { writeFileAtomic } from './atomic-file.ts';

export type GrantKind = 'device' | 'browser' | 'client_credentials' | 'token';

export type Profile = {
  version: 1;
  /** Base URL of the Listgate server (PUBLIC_URL), without a trailing slash. */
  server: string;
  issuer: string;
  token_endpoint: string;
  /** The API key, which is also the OAuth client_id. */
  api_key: string;
  grant: GrantKind;
  scope: string;
  access_token: string;
  /** ISO-8601 time the access token expires, or null when the server gave no lifetime. */
  expires_at: string | null;
  refresh_token?: string;
  /** Client-credentials profiles keep the path of the secret, never the secret. */
  client_secret_file?: string;
  user_name?: string | null;
  updated_at: string;
};

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LISTGATE_CONFIG_DIR) return path.resolve(env.LISTGATE_CONFIG_DIR);
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(os.homedir(), '.config');
  return path.join(base, 'listgate');
}

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new CliError(
      `invalid profile name "${name}": use letters, digits, ".", "_" or "-" (at most 64)`,
      EXIT.USAGE,
    );
  }
  return name;
}

export function profilePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'profiles', `${checkProfileName(name)}.json`);
}

export function listProfiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = path.join(configDir(env), 'profiles');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The command that replaces the credentials of a profile, for error messages. */
export function loginHint(name: string, profile?: Pick<Profile, 'server' | 'api_key'>): string {
  const server = profile ? profile.server : 'URL';
  const key = profile ? profile.api_key : 'KEY';
  const suffix = name === 'default' ? '' : ` --profile ${name}`;
  return `listgate login --server ${server} --api-key ${key}${suffix}`;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Checks the shape of a parsed profile; returns the first problem found, or null. */
function problemWith(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'not a JSON object';
  const p = value as Record<string, unknown>;
  if (p.version !== 1) return 'unknown version';
  for (const key of ['server', 'issuer', 'token_endpoint', 'api_key', 'grant', 'access_token'] as const) {
    if (!isString(p[key])) return `"${key}" is missing`;
  }
  if (!['device', 'browser', 'client_credentials', 'token'].includes(p.grant as string))
    return '"grant" is not known';
  if (p.expires_at !== null && (typeof p.expires_at !== 'string' || Number.isNaN(Date.parse(p.expires_at)))) {
    return '"expires_at" is not a time';
  }
  if (p.refresh_token !== undefined && !isString(p.refresh_token)) return '"refresh_token" is not a string';
  if (p.grant === 'client_credentials' && !isString(p.client_secret_file))
    return '"client_secret_file" is missing';
  return null;
}

/** Reads a profile; a missing or damaged file is a sign-in problem whose message says what to run. */
export function readProfile(name: string, env: NodeJS.ProcessEnv = process.env): Profile {
  const file = profilePath(name, env);
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CliError(
        `cannot read credentials ${file}: ${(error as Error).message}; check its owner and permissions`,
        EXIT.AUTH,
      );
    }
    const known = listProfiles(env);
    const others = known.length ? ` (saved profiles: ${known.join(', ')})` : '';
    throw new CliError(`no saved sign-in for profile "${name}"${others}; run: ${loginHint(name)}`, EXIT.AUTH);
  }
  let parsed: unknown;
  let problem: string | null;
  try {
    parsed = JSON.parse(raw);
    problem = problemWith(parsed);
  } catch {
    problem = 'not valid JSON';
  }
  if (problem) {
    throw new CliError(
      `the credentials file ${file} is damaged (${problem}); sign in again: ${loginHint(name)}`,
      EXIT.AUTH,
    );
  }
  warnIfShared(file);
  return parsed as Profile;
}

function warnIfShared(file: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(file).mode & 0o077;
  if (mode)
    process.stderr.write(`listgate: warning: ${file} is readable by other users; run: chmod 600 ${file}\n`);
}

export async function saveProfile(
  name: string,
  profile: Profile,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = profilePath(name, env);
  await writeFileAtomic(file, `${JSON.stringify(profile, null, 2)}\n`, 0o600);
  return file;
}
