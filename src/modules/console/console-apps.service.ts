// The console's app actions: find, inspect, suspend and resume (every node refuses the app's tokens at once:
// the change is announced to every node's token cache), set the app's own rate limits, rotate its secret.
// Destructive actions require a confirmation and a reason; each lands in the audit log.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AppsService, AppView } from '../apps/apps.service.ts';
import type { AuditActor, AuditOrigin, AuditService } from '../audit/audit.service.ts';
import * as repo from './console.repository.ts';
import { requireConfirmedReason } from './confirmation.ts';

export type ConsoleAppDetail = AppView & { owner: string | null; grants: number; last_used_at: string | null };

export type ConsoleAppsService = ReturnType<typeof createConsoleAppsService>;

export function createConsoleAppsService(deps: {
  db: Db;
  clock: Clock;
  apps: AppsService;
  audit: AuditService;
  /** Tells every node that an app changed, so token caches drop what they hold of it. */
  announce: () => void;
}) {
  const { db, clock, apps, audit, announce } = deps;

  const search = (text: unknown) => repo.searchApps(db, typeof text === 'string' ? text.trim().slice(0, 200) : '');

  async function detail(clientId: string): Promise<ConsoleAppDetail> {
    const app = await apps.requireApp(clientId);
    const usage = await repo.appUsage(db, clientId, Math.floor(clock.now().getTime() / 1000));
    return {
      ...app,
      owner: await apps.getPublisherName(app),
      grants: usage.grants,
      last_used_at: usage.lastUsedAt ? new Date(usage.lastUsedAt * 1000).toISOString() : null,
    };
  }

  async function suspend(actor: AuditActor, clientId: string, form: Record<string, string | undefined>, origin: AuditOrigin): Promise<AppView> {
    const reason = requireConfirmedReason(form);
    const app = await apps.requireApp(clientId);
    if (app.suspended_at) throw new AppError('CONFLICT', 'This app is already suspended');
    const changed = await apps.suspendApp(clientId, reason);
    announce();
    await audit.record({ action: 'app.suspended', actor, object: { type: 'app', id: clientId }, clientId, origin, detail: { reason } });
    return changed;
  }

  async function resume(actor: AuditActor, clientId: string, form: Record<string, string | undefined>, origin: AuditOrigin): Promise<AppView> {
    const reason = requireConfirmedReason(form);
    const app = await apps.requireApp(clientId);
    if (!app.suspended_at) throw new AppError('CONFLICT', 'This app is not suspended');
    const changed = await apps.resumeApp(clientId);
    announce();
    await audit.record({ action: 'app.resumed', actor, object: { type: 'app', id: clientId }, clientId, origin, detail: { reason, was: app.suspended_reason } });
    return changed;
  }

  /** Sets (or clears, when empty) the app's own per-second limit and daily quota. */
  async function setLimits(actor: AuditActor, clientId: string, form: Record<string, string | undefined>, origin: AuditOrigin): Promise<AppView> {
    const before = await apps.requireApp(clientId);
    const fields = { ratePerSecond: form.rate_per_second?.trim() ?? '', ratePerDay: form.rate_per_day?.trim() ?? '' };
    let changed: AppView;
    try {
      changed = await apps.updateSettings(clientId, fields);
    } catch (error) {
      // the service names its fields as the API does; the console form names them as columns
      if (error instanceof AppError && error.status === 400) {
        throw invalidFields({
          ...(error.fields.ratePerSecond ? { rate_per_second: 'Calls per second must be a whole number from 1 to 100000, or empty for the default' } : {}),
          ...(error.fields.ratePerDay ? { rate_per_day: 'Calls per day must be a whole number from 1 to 1000000000, or empty for the default' } : {}),
        });
      }
      throw error;
    }
    announce();
    await audit.record({
      action: 'app.rate_limits_changed',
      actor,
      object: { type: 'app', id: clientId },
      clientId,
      origin,
      detail: { from: { per_second: before.rate_per_second, per_day: before.rate_per_day }, to: { per_second: changed.rate_per_second, per_day: changed.rate_per_day } },
    });
    return changed;
  }

  /** A new secret, shown once; the previous ones stop working at once. */
  async function rotateSecret(actor: AuditActor, clientId: string, form: Record<string, string | undefined>, origin: AuditOrigin): Promise<string> {
    const reason = requireConfirmedReason(form);
    const result = await apps.rotateSecret(clientId, 0);
    await audit.record({ action: 'secret.rotated', actor, object: { type: 'app', id: clientId }, clientId, origin, detail: { reason } });
    return result.client_secret;
  }

  return { search, detail, suspend, resume, setLimits, rotateSecret };
}
