// Background work every node (or every `listgate worker`) runs: bulk jobs every few seconds, the
// Background work every node (or every `listgate worker`) runs: bulk jobs every few seconds, the
// change-log and audit-log retention sweeps every hour, the removal of expired export files, the usage grant
// count and retention sweep, and webhook deliveries every WEBHOOK_POLL_MS. All are safe to run on several
// nodes at once.
import { startJobLoop } from './modules/activities/activities.loop.ts';
import { compactOldChanges } from './modules/contacts/change-log-retention.ts';
import type { Services } from './services.ts';

export function startMaintenance(services: Services, options: { jobIntervalMs?: number } = {}): { stop(): Promise<void> } {
  const jobs = startJobLoop({ runPending: services.activities.runPending, log: services.log, intervalMs: options.jobIntervalMs });
  const retention = startJobLoop({
    label: 'change log retention',
    log: services.log,
    intervalMs: 3_600_000,
    runPending: async () =>
      (
        await compactOldChanges({
          db: services.db,
          clock: services.clock,
          retentionDays: services.config.changeRetentionDays,
          compact: services.contacts.compact,
        })
      ).deleted,
  });
  // The audit log's only delete: entries older than AUDIT_RETENTION_DAYS.
  const auditRetention = startJobLoop({ label: 'audit log retention', log: services.log, intervalMs: 3_600_000, runPending: services.audit.sweep });
  const exports = startJobLoop({
    label: 'expired exports',
    log: services.log,
    intervalMs: 600_000,
    runPending: services.bulk.sweepExpiredExports,
  });
  // API usage: the active grants of every app counted into the current hour, and hours past the retention deleted.
  const grants = startJobLoop({
    label: 'usage grant count',
    log: services.log,
    intervalMs: 600_000,
    runPending: async () => {
      await services.usage.countActiveGrants();
      return 0;
    },
  });
  const usageRetention = startJobLoop({ label: 'usage retention', log: services.log, intervalMs: 3_600_000, runPending: services.usage.sweep });
  // Webhooks: every node delivers what it claims from the change log (see webhook-deliverer.ts).
  const webhooks = services.webhookDeliverer.start();
  return {
    async stop() {
      await Promise.all([jobs.stop(), retention.stop(), auditRetention.stop(), exports.stop(), grants.stop(), usageRetention.stop(), webhooks.stop()]);
    },
  };
}
