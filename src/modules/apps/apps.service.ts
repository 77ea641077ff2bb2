// Apps are the OAuth clients: the API key is the client_id. This service owns their rules (kinds,
// redirect URIs, token policy, secrets shown once and stored as hashes) and maps them to client metadata.
import type { Db } from '../../db/database.ts';
import type { AppKind, RefreshPolicy } from '../../db/schema.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId, randomToken, safeEqual, sha256 } from '../../shared/crypto.ts';
import { cleanText } from '../../shared/validate.ts';
import * as repo from './apps.repository.ts';
import { checkRedirectUri } from './redirect-uris.ts';

export const APP_KINDS: readonly AppKind[] = ['web', 'native', 'device', 'private'];
export const REFRESH_POLICIES: readonly RefreshPolicy[] = ['rotating', 'long-lived'];
export const MIN_TOKEN_TTL = 300;
export const MAX_TOKEN_TTL = 315359999;
/** Rotating or long-lived, a refresh token unused for this long expires (the v3 platform uses 180 days). */
export const DEFAULT_REFRESH_IDLE_TTL = 180 * 86_400;

/** An app as services and pages see it: the row, with its redirect URIs parsed and its kind's secrecy. */
export type AppView = Omit<repo.AppRow, 'redirect_uris'> & { redirect_uris: string[]; confidential: boolean };

export type AppInput = {
  name?: unknown;
  kind?: unknown;
  redirectUris?: unknown;
  description?: unknown;
  logoUri?: unknown;
  accessTokenTtl?: unknown;
  refreshPolicy?: unknown;
  ratePerSecond?: unknown;
  ratePerDay?: unknown;
  /** "Legacy token requests" (docs/oauth.md): true/false, or a form's "yes"/"" (confidential web apps only). */
  legacyTokenRequests?: unknown;
};

export type CreateAppInput = AppInput & { ownerDeveloperId?: string | null; ownerAccountId?: string | null };

export type AppsService = ReturnType<typeof createAppsService>;

/**
 * A new API key: 192 random bits, URL-safe, and never starting with `-` or `_`, so that it can be passed
 * to any command line (`listgate apps rotate-secret KEY`) without being read as an option.
 */
export function newClientId(): string {
  for (;;) {
    const id = randomToken(24);
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

export function isConfidential(kind: AppKind): boolean {
  return kind === 'web' || kind === 'private';
}

export function toAppView(row: repo.AppRow): AppView {
  return { ...row, redirect_uris: JSON.parse(row.redirect_uris) as string[], confidential: isConfidential(row.kind) };
}

/** An on/off setting from JSON (true/false), a form checkbox ("yes" or absent) or the command line. */
function parseSwitch(value: unknown): boolean | null {
  if (value === true || value === false) return value;
  if (value === null || value === '' || value === 'no' || value === 'off' || value === 'false') return false;
  if (value === 'yes' || value === 'on' || value === 'true') return true;
  return null;
}

type Settings = Partial<Omit<repo.AppRow, 'client_id' | 'created_at' | 'updated_at'>>;

/** Validates the fields present in `input` against `kind`; returns the row changes or throws 400. */
function validateSettings(input: AppInput, kind: AppKind, creating: boolean): Settings {
  const errors: Record<string, string> = {};
  const out: Settings = {};
  if (creating || input.name !== undefined) {
    const name = cleanText(input.name, 100);
    if (!name) errors.name = 'Enter an application name of 1 to 100 characters';
    else out.name = name;
  }
  if (input.description !== undefined) {
    const d = input.description === '' || input.description === null ? null : cleanText(input.description, 1000);
    if (d === null && input.description) errors.description = 'Use at most 1000 characters for the description';
    else out.description = d;
  }
  if (input.logoUri !== undefined) {
    const raw = typeof input.logoUri === 'string' ? input.logoUri.trim() : '';
    if (!raw) out.logo_uri = null;
    else if (!/^https:\/\/[^\s]+$/.test(raw) || raw.length > 2000) errors.logoUri = 'The logo URL must be an https URL';
    else out.logo_uri = raw;
  }
  if (input.redirectUris !== undefined) {
    const list = (Array.isArray(input.redirectUris) ? input.redirectUris : [input.redirectUris])
      .flatMap((v) => (typeof v === 'string' ? v.split(/\r?\n/) : []))
      .map((v) => v.trim())
      .filter(Boolean);
    if (list.length > 20) errors.redirectUris = 'Register at most 20 redirect URIs';
    for (const uri of list) {
      const problem = checkRedirectUri(uri, kind);
      if (problem) {
        errors.redirectUris = `${uri}: ${problem}`;
        break;
      }
    }
    if ((kind === 'private' || kind === 'device') && list.length) {
      errors.redirectUris = `${kind === 'private' ? 'Private integrations' : 'Device apps'} do not use redirect URIs`;
    }
    out.redirect_uris = JSON.stringify([...new Set(list)]);
  }
  if (input.accessTokenTtl !== undefined && input.accessTokenTtl !== '') {
    const ttl = Number(input.accessTokenTtl);
    if (!Number.isInteger(ttl) || ttl < MIN_TOKEN_TTL || ttl > MAX_TOKEN_TTL) {
      errors.accessTokenTtl = `The access-token lifetime must be a whole number of seconds from ${MIN_TOKEN_TTL} to ${MAX_TOKEN_TTL}`;
    } else out.access_token_ttl = ttl;
  }
  if (input.refreshPolicy !== undefined) {
    if (!REFRESH_POLICIES.includes(input.refreshPolicy as RefreshPolicy)) {
      errors.refreshPolicy = 'The refresh-token policy must be rotating or long-lived';
    } else out.refresh_policy = input.refreshPolicy as RefreshPolicy;
  }
  for (const [key, column, max] of [
    ['ratePerSecond', 'rate_per_second', 100_000],
    ['ratePerDay', 'rate_per_day', 1_000_000_000],
  ] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (value === null || value === '') out[column] = null;
    else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > max) errors[key] = `${key} must be a whole number from 1 to ${max}`;
      else out[column] = n;
    }
  }
  if (input.legacyTokenRequests !== undefined) {
    const on = parseSwitch(input.legacyTokenRequests);
    if (on === null) errors.legacyTokenRequests = 'Legacy token requests must be on or off';
    else if (on && kind !== 'web') errors.legacyTokenRequests = 'Legacy token requests are only for web apps (confidential, with a client secret)';
    else out.legacy_token_requests = on ? 1 : 0;
  }
  if (Object.keys(errors).length) throw invalidFields(errors);
  return out;
}

export function createAppsService(deps: { db: Db; clock: Clock; defaultAccessTokenTtl: number }) {
  const { db, clock, defaultAccessTokenTtl } = deps;
  const now = () => clock.now().toISOString();

  async function newSecret(clientId: string): Promise<string> {
    const secret = randomToken(32);
    await repo.insertSecret(db, {
      id: newId(),
      client_id: clientId,
      secret_hash: sha256(secret),
      hint: secret.slice(-4),
      created_at: now(),
      expires_at: null,
    });
    return secret;
  }

  /** Creates an app; the secret (confidential kinds only) is returned here and never again. */
  async function createApp(input: CreateAppInput): Promise<{ app: AppView; client_secret: string | null }> {
    const kind = (input.kind ?? 'web') as AppKind;
    if (!APP_KINDS.includes(kind)) throw invalidFields({ kind: 'The kind must be web, native, device or private' });
    if (kind === 'private' && !input.ownerAccountId) {
      throw invalidFields({ account: 'A private integration belongs to a customer account; name the account' });
    }
    const settings = validateSettings({ redirectUris: [], ...input }, kind, true);
    const timestamp = now();
    const row: repo.AppRow = {
      client_id: newClientId(),
      name: settings.name!,
      description: settings.description ?? null,
      logo_uri: settings.logo_uri ?? null,
      kind,
      redirect_uris: settings.redirect_uris ?? '[]',
      owner_developer_id: input.ownerDeveloperId ?? null,
      owner_account_id: input.ownerAccountId ?? null,
      access_token_ttl: settings.access_token_ttl ?? defaultAccessTokenTtl,
      refresh_policy: settings.refresh_policy ?? 'rotating',
      refresh_idle_ttl: DEFAULT_REFRESH_IDLE_TTL,
      rate_per_second: settings.rate_per_second ?? null,
      rate_per_day: settings.rate_per_day ?? null,
      status: 'active',
      legacy_token_requests: settings.legacy_token_requests ?? 0,
      suspended_at: null,
      suspended_reason: null,
      created_at: timestamp,
      updated_at: timestamp,
    };
    await repo.insertApp(db, row);
    const secret = isConfidential(kind) ? await newSecret(row.client_id) : null;
    return { app: toAppView(row), client_secret: secret };
  }

  async function getApp(clientId: string): Promise<AppView | null> {
    if (typeof clientId !== 'string' || clientId.length > 64) return null;
    const row = await repo.findAppByClientId(db, clientId);
    return row ? toAppView(row) : null;
  }

  async function requireApp(clientId: string): Promise<AppView> {
    const app = await getApp(clientId);
    if (!app) throw new AppError('NOT_FOUND', `No app with client id ${clientId}`);
    return app;
  }

  async function listApps(filter: { ownerDeveloperId?: string; ownerAccountId?: string } = {}): Promise<AppView[]> {
    return (await repo.listApps(db, filter)).map(toAppView);
  }

  async function updateSettings(clientId: string, input: AppInput): Promise<AppView> {
    const app = await requireApp(clientId);
    const kind = (input.kind ?? app.kind) as AppKind;
    if (!APP_KINDS.includes(kind) || (kind === 'private') !== (app.kind === 'private')) {
      throw invalidFields({ kind: 'The kind must be web, native or device' });
    }
    const settings = validateSettings({ redirectUris: app.redirect_uris, ...input }, kind, false);
    // the setting is a web app's only: an app that becomes another kind loses it
    if (kind !== 'web') settings.legacy_token_requests = 0;
    await repo.updateApp(db, clientId, { ...settings, kind, updated_at: now() });
    if (isConfidential(kind) && !isConfidential(app.kind)) await newSecret(clientId);
    return requireApp(clientId);
  }

  /**
   * Issues a new secret. The previous ones stop working at once, or after `graceSeconds` so a deployment
   * can switch over without downtime.
   */
  async function rotateSecret(clientId: string, graceSeconds = 0): Promise<{ client_secret: string; previous_expires_at: string }> {
    const app = await requireApp(clientId);
    if (!app.confidential) throw invalidFields({ kind: 'Only web apps and private integrations have a secret' });
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 86_400) {
      throw invalidFields({ grace: 'The grace period must be from 0 seconds to 30 days' });
    }
    const timestamp = now();
    const expiresAt = new Date(clock.now().getTime() + graceSeconds * 1000).toISOString();
    await repo.expireSecrets(db, clientId, expiresAt, timestamp);
    const secret = await newSecret(clientId);
    return { client_secret: secret, previous_expires_at: expiresAt };
  }

  /** Constant-time check of a presented secret against every active secret's hash. */
  async function verifySecret(clientId: string, presented: string): Promise<boolean> {
    if (typeof presented !== 'string' || presented.length > 512) return false;
    const hash = sha256(presented);
    const secrets = await repo.findActiveSecrets(db, clientId, now());
    let ok = false;
    for (const s of secrets) ok = safeEqual(s.secret_hash, hash) || ok;
    return ok;
  }

  async function setStatus(clientId: string, status: 'active' | 'disabled'): Promise<AppView> {
    await requireApp(clientId);
    await repo.updateApp(db, clientId, { status, updated_at: now() });
    return requireApp(clientId);
  }

  /**
   * An operator's suspension: every token of the app is refused (the bearer check explains why) and no new
   * one is issued, until resumed. Separate from the developer's own on/off status, so the developer cannot
   * lift it; grants are kept, so a resumed app's tokens work again.
   */
  async function suspendApp(clientId: string, reason: string): Promise<AppView> {
    await requireApp(clientId);
    await repo.updateApp(db, clientId, { suspended_at: now(), suspended_reason: reason, updated_at: now() });
    return requireApp(clientId);
  }

  async function resumeApp(clientId: string): Promise<AppView> {
    await requireApp(clientId);
    await repo.updateApp(db, clientId, { suspended_at: null, suspended_reason: null, updated_at: now() });
    return requireApp(clientId);
  }

  async function deleteApp(clientId: string): Promise<void> {
    await requireApp(clientId);
    await repo.deleteApp(db, clientId);
  }

  /** Who publishes the app, for the consent page ("by …"); operator-registered apps have no publisher. */
  async function getPublisherName(app: AppView): Promise<string | null> {
    return repo.findPublisherName(db, app);
  }

  return { getPublisherName, createApp, getApp, requireApp, listApps, updateSettings, rotateSecret, verifySecret, setStatus, suspendApp, resumeApp, deleteApp };
}
