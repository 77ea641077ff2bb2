// Grants as people see them: the apps a customer has allowed (Connected apps) with their scopes and last
// use, revocation that ends every token of a grant at once, and per-app token counts for developers.
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { AppsService } from '../modules/apps/apps.service.ts';
import type { Clock } from '../shared/clock.ts';
import { decodeGrantPayload, grantedScopes } from '../provider-storage/payload-codec.ts';
import * as repo from '../provider-storage/tokens.repository.ts';

export type ConnectedApp = {
  grant_id: string;
  client_id: string;
  app_name: string;
  scopes: string[];
  granted_at: string;
  last_used_at: string | null;
};

const iso = (epoch: number | null | undefined) => (epoch ? new Date(epoch * 1000).toISOString() : null);


export function createGrantsService(deps: { db: Db; clock: Clock; apps: AppsService; onRevoke: () => void }) {
  const { db, clock, apps, onRevoke } = deps;
  const now = () => Math.floor(clock.now().getTime() / 1000);

  /** The apps one customer user has authorized, newest first. */
  async function listForUser(userId: string): Promise<ConnectedApp[]> {
    const rows = await repo.findGrantsBySubject(db, userId, now());
    const out: ConnectedApp[] = [];
    for (const row of rows) {
      const payload = decodeGrantPayload(row.payload);
      const app = payload && (await apps.getApp(payload.clientId));
      if (!payload || !app) continue;
      out.push({
        grant_id: row.id,
        client_id: payload.clientId,
        app_name: app.name,
        scopes: grantedScopes(payload),
        granted_at: iso(payload.iat) ?? '',
        last_used_at: iso(row.last_used_at),
      });
    }
    return out.sort((a, b) => b.granted_at.localeCompare(a.granted_at));
  }

  /** Revokes one grant of this user: its tokens stop working at once on this node, within seconds on all. */
  async function revoke(userId: string, grantId: string): Promise<void> {
    const grant = typeof grantId === 'string' ? await repo.findGrant(db, grantId) : undefined;
    if (!grant || grant.subject !== userId) throw new AppError('NOT_FOUND', 'This app is not connected to your account');
    await repo.deleteGrant(db, grantId);
    onRevoke();
  }

  async function revokeAllForClient(clientId: string): Promise<void> {
    await repo.deleteAllForClient(db, clientId);
    onRevoke();
  }

  async function statsForClient(clientId: string): Promise<{ tokens: number; last_used_at: string | null }> {
    const stats = await repo.tokenStatsForClient(db, clientId, now());
    return { tokens: stats.tokens, last_used_at: iso(stats.last_used_at) };
  }

  return { listForUser, revoke, revokeAllForClient, statsForClient };
}
