// Runs bulk jobs (activities) in small idempotent steps, each in its own transaction together with the
// progress it reports, so a job interrupted by a crash or restart resumes where it stopped.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import * as repo from './activities.repository.ts';
import type { ActivityRow } from './activities.repository.ts';

export type StepResult = {
  /** Items (lists, tags, contacts…) finished by this step. */
  completed: number;
  done: boolean;
};

export type ActivityJob = {
  kind: string;
  /**
   * One unit of work inside `trx`. It must be idempotent: after a crash the same step runs again on what
   * the last committed step left, so it derives what remains from the data, never from memory.
   */
  step(trx: Db, activity: ActivityRow): Promise<StepResult>;
  /** Kind-specific counters for the status object (e.g. `list_count`). */
  status?(activity: ActivityRow): Record<string, number>;
};

export type ActivityRunner = ReturnType<typeof createActivityRunner>;

/** A runner that stopped updating its job for this long is presumed dead; another may take the job over. */
export const STALE_AFTER_MS = 5 * 60 * 1000;

export function createActivityRunner(deps: {
  db: Db;
  clock: Clock;
  jobs: readonly ActivityJob[];
  /** Where a failed step's error goes (the log); API clients only see a generic message. */
  onError?: (error: unknown, activityId: string) => void;
}) {
  const { db, clock } = deps;
  const jobs = new Map(deps.jobs.map((job) => [job.kind, job]));
  const staleBefore = () => new Date(clock.now().getTime() - STALE_AFTER_MS).toISOString();

  function percent(done: number, total: number): number {
    return total > 0 ? Math.min(99, Math.floor((done * 100) / total)) : 0;
  }

  async function fail(activity: ActivityRow, message: string): Promise<void> {
    const now = clock.now().toISOString();
    const errors = [...(JSON.parse(activity.errors) as unknown[]), { message }];
    await repo.updateActivity(db, activity.activity_id, {
      state: 'failed',
      updated_at: now,
      completed_at: now,
      error_count: activity.error_count + 1,
      errors: JSON.stringify(errors),
    });
  }

  /** Runs the job to its end if this caller wins the claim; returns false when another runner has it. */
  async function run(activityId: string): Promise<boolean> {
    if (!(await repo.claimActivity(db, activityId, clock.now().toISOString(), staleBefore()))) return false;
    const claimed = await db.selectFrom('activities').selectAll().where('activity_id', '=', activityId).executeTakeFirst();
    if (!claimed) return false;
    const job = jobs.get(claimed.kind);
    if (!job) {
      await fail(claimed, `No runner handles activities of kind ${claimed.kind}`);
      return true;
    }
    let activity = claimed;
    try {
      for (;;) {
        const current = activity;
        const next = await db.transaction().execute(async (trx) => {
          const result = await job.step(trx, current);
          const now = clock.now().toISOString();
          const completed = current.items_completed_count + result.completed;
          const fields = result.done
            ? { state: 'completed' as const, percent_done: 100, completed_at: now }
            : { percent_done: percent(completed, current.items_total_count) };
          const updated = { ...current, ...fields, items_completed_count: completed, updated_at: now };
          await repo.updateActivity(trx, current.activity_id, { ...fields, items_completed_count: completed, updated_at: now });
          return { updated, done: result.done };
        });
        activity = next.updated;
        if (next.done) return true;
      }
    } catch (error) {
      deps.onError?.(error, activityId);
      await fail(activity, 'The activity could not be completed; it stopped without a partial step');
      return true;
    }
  }

  /** Runs jobs that are waiting or were abandoned; the entry point of a worker loop or of start-up. */
  async function runPending(limit = 10): Promise<number> {
    let ran = 0;
    for (const id of await repo.findRunnableActivities(db, staleBefore(), limit)) {
      if (await run(id)) ran++;
    }
    return ran;
  }

  return { run, runPending, statusOf: (row: ActivityRow) => jobs.get(row.kind)?.status?.(row) ?? {} };
}
