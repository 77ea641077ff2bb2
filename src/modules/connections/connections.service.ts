// A customer's connections: the apps their user allowed (Connected apps, revocable at once) and the
// account's private integrations (client-credentials apps for their own scripts, secret shown once).
import { AppError, invalidFields } from '../../errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AppsService, AppView } from '../apps/apps.service.ts';

export type ConnectedApp = {
  grant_id: string;
  client_id: string;
  app_name: string;
  scopes: string[];
  granted_at: string;
  last_used_at: string | null;
};

/** What this module needs from the grants service (src/oauth/grants.service.ts). */
export type CustomerGrantsPort = {
  listForUser(userId: string): Promise<ConnectedApp[]>;
  revoke(userId: string, grantId: string): Promise<void>;
  revokeAllForClient(clientId: string): Promise<void>;
  statsForClient(clientId: string): Promise<{ tokens: number; last_used_at: string | null }>;
};

export type Integration = { app: AppView; tokens: number; last_used_at: string | null };

export type ConnectionsService = ReturnType<typeof createConnectionsService>;

export function createConnectionsService(deps: { apps: AppsService; grants: CustomerGrantsPort; audit: AuditService }) {
  const { apps, grants } = deps;

  async function connectedApps(userId: string): Promise<ConnectedApp[]> {
    return grants.listForUser(userId);
  }

  /** Ends the grant and every token issued under it; returns the app's name for the confirmation. */
  async function revoke(userId: string, grantId: unknown): Promise<string> {
    if (typeof grantId !== 'string' || !grantId) throw new AppError('NOT_FOUND', 'This app is not connected to your account');
    const connected = (await grants.listForUser(userId)).find((g) => g.grant_id === grantId);
    await grants.revoke(userId, grantId);
    if (connected) {
      await deps.audit.record({ action: 'token.revoked', actor: { type: 'customer', id: userId }, object: { type: 'grant', id: grantId }, clientId: connected.client_id, detail: { app: connected.app_name } });
    }
    return connected?.app_name ?? 'The app';
  }

  async function integrations(accountId: string): Promise<Integration[]> {
    const list = await apps.listApps({ ownerAccountId: accountId });
    return Promise.all(
      list
        .filter((app) => app.kind === 'private')
        .map(async (app) => ({ app, ...(await grants.statsForClient(app.client_id)) })),
    );
  }

  async function createIntegration(accountId: string, name: unknown) {
    return apps.createApp({ name, kind: 'private', ownerAccountId: accountId });
  }

  /** The integration if it belongs to this account; 404 otherwise. */
  async function requireIntegration(accountId: string, clientId: string): Promise<AppView> {
    const app = await apps.getApp(clientId);
    if (app?.kind !== 'private' || app.owner_account_id !== accountId) {
      throw new AppError('NOT_FOUND', 'No such integration in your account');
    }
    return app;
  }

  async function rotateSecret(accountId: string, clientId: string) {
    const app = await requireIntegration(accountId, clientId);
    return { app, ...(await apps.rotateSecret(clientId, 0)) };
  }

  async function deleteIntegration(accountId: string, clientId: string, confirm: unknown): Promise<AppView> {
    const app = await requireIntegration(accountId, clientId);
    if (confirm !== 'yes') throw invalidFields({ confirm: 'Tick the box to confirm that the scripts using it stop working' });
    await grants.revokeAllForClient(clientId);
    await apps.deleteApp(clientId);
    return app;
  }

  return { connectedApps, revoke, integrations, createIntegration, requireIntegration, rotateSecret, deleteIntegration };
}
