// A developer's own apps in the portal: register (name + terms only), settings, secret rotation, token
// counts, disable and delete. Every call checks that the app belongs to the signed-in developer.
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { cleanText } from '../../shared/validate.ts';
import type { Db } from '../../db/database.ts';
import type { AuditAction, AuditService } from '../audit/audit.service.ts';
import type { AppInput, AppsService, AppView } from '../apps/apps.service.ts';
import { findActiveSecrets } from '../apps/apps.repository.ts';

/** What the portal needs from the grants service (src/oauth/grants.service.ts). */
export type GrantsPort = {
  statsForClient(clientId: string): Promise<{ tokens: number; last_used_at: string | null }>;
  revokeAllForClient(clientId: string): Promise<void>;
};

export type AppStats = { tokens: number; last_used_at: string | null };
export type AppWithStats = { app: AppView; stats: AppStats };
export type SecretHint = { hint: string; created_at: string; expires_at: string | null };

/** Private integrations belong to a customer account (/account/integrations), not to a developer. */
const PORTAL_KINDS = ['web', 'native', 'device'];
const KIND_REQUIRED = 'Choose web, native or device; a private integration is made in your customer account';
export const TERMS_REQUIRED = 'Tick the box to agree to the terms of service';
/** Grace periods offered when a new secret replaces the old one (seconds). */
export const GRACE_CHOICES = [0, 3_600, 86_400, 7 * 86_400, 30 * 86_400] as const;

export type DeveloperAppsService = ReturnType<typeof createDeveloperAppsService>;

export function createDeveloperAppsService(deps: { db: Db; clock: Clock; apps: AppsService; grants: GrantsPort; audit: AuditService }) {
  const { db, clock, apps, grants } = deps;
  /** An entry of the audit log for a developer's change to one of their apps. */
  const note = (developerId: string, action: AuditAction, clientId: string, detail: Record<string, unknown> = {}) =>
    deps.audit.record({ action, actor: { type: 'developer', id: developerId }, object: { type: 'app', id: clientId }, clientId, detail });

  /** The app if this developer owns it; a 404 otherwise, so other developers' keys are not even confirmed. */
  async function requireOwned(developerId: string, clientId: string): Promise<AppView> {
    const app = await apps.getApp(clientId);
    if (!app || app.owner_developer_id !== developerId) throw new AppError('NOT_FOUND', 'No such application in your account');
    return app;
  }

  async function listWithStats(developerId: string): Promise<AppWithStats[]> {
    const list = await apps.listApps({ ownerDeveloperId: developerId });
    return Promise.all(list.map(async (app) => ({ app, stats: await grants.statsForClient(app.client_id) })));
  }

  /** The seed's form: only a name and the terms box; everything else takes the defaults. */
  async function register(developerId: string, input: { name?: unknown; terms?: unknown; kind?: unknown }) {
    if (input.terms !== 'yes') {
      const errors: Record<string, string> = { terms: TERMS_REQUIRED };
      if (!cleanText(input.name, 100)) errors.name = 'Enter an application name of 1 to 100 characters';
      throw invalidFields(errors);
    }
    const kind = input.kind ?? 'web';
    if (!PORTAL_KINDS.includes(kind as string)) throw invalidFields({ kind: KIND_REQUIRED });
    const created = await apps.createApp({ name: input.name, kind, ownerDeveloperId: developerId });
    await note(developerId, 'app.created', created.app.client_id, { name: created.app.name, kind });
    return created;
  }

  async function details(developerId: string, clientId: string): Promise<AppWithStats & { secrets: SecretHint[] }> {
    const app = await requireOwned(developerId, clientId);
    const [stats, secrets] = await Promise.all([
      grants.statsForClient(clientId),
      findActiveSecrets(db, clientId, clock.now().toISOString()),
    ]);
    return { app, stats, secrets: secrets.map((s) => ({ hint: s.hint, created_at: s.created_at, expires_at: s.expires_at })) };
  }

  async function updateSettings(developerId: string, clientId: string, form: Record<string, string | undefined>): Promise<AppView> {
    await requireOwned(developerId, clientId);
    // Only the settings the page shows; rate limits and ownership are the operator's.
    const input: AppInput = {
      name: form.name ?? '',
      description: form.description ?? '',
      logoUri: form.logoUri ?? '',
      redirectUris: form.redirectUris ?? '',
      kind: form.kind,
      refreshPolicy: form.refreshPolicy,
      accessTokenTtl: form.accessTokenTtl,
      // an unticked checkbox sends nothing: off
      legacyTokenRequests: form.legacyTokenRequests ?? '',
    };
    if (input.kind !== undefined && !PORTAL_KINDS.includes(input.kind as string)) throw invalidFields({ kind: KIND_REQUIRED });
    const updated = await apps.updateSettings(clientId, input);
    await note(developerId, 'app.updated', clientId);
    return updated;
  }

  async function rotateSecret(developerId: string, clientId: string, grace: unknown) {
    await requireOwned(developerId, clientId);
    const seconds = Number(grace ?? 0);
    if (!GRACE_CHOICES.includes(seconds as (typeof GRACE_CHOICES)[number])) {
      throw invalidFields({ grace: 'Choose when the current secret stops working' });
    }
    const rotated = await apps.rotateSecret(clientId, seconds);
    await note(developerId, 'secret.rotated', clientId, { grace_seconds: seconds });
    return rotated;
  }

  /** Disabling ends every token at once (the brief's "tokens stop working"), not merely new ones. */
  async function setStatus(developerId: string, clientId: string, status: unknown): Promise<AppView> {
    await requireOwned(developerId, clientId);
    if (status !== 'active' && status !== 'disabled') throw invalidFields({ status: 'The status must be active or disabled' });
    const app = await apps.setStatus(clientId, status);
    if (status === 'disabled') await grants.revokeAllForClient(clientId);
    await note(developerId, status === 'disabled' ? 'token.revoked' : 'app.updated', clientId, { status });
    return app;
  }

  async function remove(developerId: string, clientId: string, confirm: unknown): Promise<AppView> {
    const app = await requireOwned(developerId, clientId);
    if (confirm !== 'yes') throw invalidFields({ confirm: 'Tick the box to confirm that every token of this app stops working' });
    await note(developerId, 'token.revoked', clientId, { deleted: true, name: app.name });
    await grants.revokeAllForClient(clientId);
    await apps.deleteApp(clientId);
    return app;
  }

  return { requireOwned, listWithStats, register, details, updateSettings, rotateSecret, setStatus, remove };
}
