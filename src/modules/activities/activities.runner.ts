// Runs bulk jobs (activities) in small idempotent steps, each in its own transaction together with the
// progress it reports, so a job interrupted by a crash or restart resumes where it stopped.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import * as repo from './activities.repository.ts';
import type { ActivityRow, StoredError } from './activities.repository.ts';

export type StepResult = {
  /** Items (lists, tags, contacts…) finished by this step. */
  completed: number;
  done: boolean;
  /** Where the next step starts (JSON-serialisable); committed with the step's writes. */
  checkpoint?: unknown;
  /** Items of this step that failed (bad rows): counted in error_count. */
  errorCount?: number;
  /** Messages for activity_errors (the first MAX_LISTED_ERRORS are kept on the activity). */
  errors?: StoredError[];
  /** The result file, once written (exports). */
  resultFile?: string;
};

/** A failure whose message is meant for the API client (e.g. a row the parser cannot read). */
export class JobFailure extends Error {}

/** activity_errors lists at most this many messages; the full list of bad rows is the error CSV. */
export const MAX_LISTED_ERRORS = 100;

/** Another runner took the job over (this one was presumed dead): stop without touching it. */
class LostClaim extends Error {}

export type ActivityJob = {
  kind: string;
  /**
   * One unit of work inside `trx`. It must be idempotent: after a crash the same step runs again on what
   * the last committed step left, so it derives what remains from the data, never from memory.
   */
  step(trx: Db, activity: ActivityRow): Promise<StepResult>;
  /** Kind-specific counters for the status object (e.g. `list_count`). */
  status?(activity: ActivityRow): Record<string, number>;
  /** Removes what the job kept only while it ran (an uploaded file), once it completed or failed. */
  cleanup?(activity: ActivityRow): Promise<void>;
  /** Runs after each committed step, outside its transaction (upkeep such as statistics); a failure is logged, not fatal. */
  afterStep?(db: Db, before: ActivityRow, after: ActivityRow): Promise<void>;
};

export type ActivityRunner = ReturnType<typeof createActivityRunner>;

/** A runner that stopped updating its job for this long is presumed dead; another may take the job over. */
export const STALE_AFTER_MS = 5 * 60 * 1000;

export function createActivityRunner(deps: {
  db: Db;
  clock: Clock;
  jobs: readonly ActivityJob[];
  /** Overrides STALE_AFTER_MS (JOB_STALE_SECONDS). */
  staleAfterMs?: number;
  /** Where a failed step's error goes (the log); API clients only see a generic message. */
  onError?: (error: unknown, activityId: string) => void;
}) {
  const { db, clock } = deps;
  const jobs = new Map(deps.jobs.map((job) => [job.kind, job]));
  const staleAfter = deps.staleAfterMs ?? STALE_AFTER_MS;
  const staleBefore = () => new Date(clock.now().getTime() - staleAfter).toISOString();

  function percent(done: number, total: number): number {
    return total > 0 ? Math.min(99, Math.floor((done * 100) / total)) : 0;
  }

  async function fail(activity: ActivityRow, message: string): Promise<void> {
    const now = clock.now().toISOString();
    const errors = [...(JSON.parse(activity.errors) as unknown[]), { message }];
    await repo.updateActivityIf(db, activity, {
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
          const fields = progressFields(current, result);
          // Fenced on the row as this runner last wrote it: a runner presumed dead cannot commit a step.
          if (!(await repo.updateActivityIf(trx, current, fields))) throw new LostClaim();
          return { updated: { ...current, ...fields }, done: result.done };
        });
        await job.afterStep?.(db, current, next.updated).catch((error: unknown) => deps.onError?.(error, activityId));
        activity = next.updated;
        if (next.done) break;
      }
    } catch (error) {
      if (error instanceof LostClaim) return false;
      if (!(error instanceof JobFailure)) deps.onError?.(error, activityId);
      const message = error instanceof JobFailure ? error.message : 'The activity could not be completed; it stopped without a partial step';
      await fail(activity, message);
    }
    await job.cleanup?.(activity).catch((error: unknown) => deps.onError?.(error, activityId));
    return true;
  }

  /** The activity's fields after a step: progress, heartbeat, checkpoint, errors and, at the end, completion. */
  function progressFields(current: ActivityRow, result: StepResult) {
    const now = clock.now().toISOString();
    const completed = current.items_completed_count + result.completed;
    const listed = JSON.parse(current.errors) as StoredError[];
    const added = (result.errors ?? []).slice(0, Math.max(0, MAX_LISTED_ERRORS - listed.length));
    return {
      ...(result.done
        ? { state: 'completed' as const, percent_done: 100, completed_at: now }
        : { percent_done: percent(completed, current.items_total_count) }),
      items_completed_count: completed,
      updated_at: now,
      error_count: current.error_count + (result.errorCount ?? 0),
      ...(added.length ? { errors: JSON.stringify([...listed, ...added]) } : {}),
      ...(result.checkpoint !== undefined ? { checkpoint: JSON.stringify(result.checkpoint) } : {}),
      ...(result.resultFile ? { result_file: result.resultFile } : {}),
    };
  }

  /** Runs jobs that are waiting or were abandoned; the entry point of a worker loop or of start-up. */
  async function runPending(limit = 10): Promise<number> {
    let ran = 0;
    for (const id of await repo.findRunnableActivities(db, staleBefore(), limit)) {
      if (await run(id)) ran++;
    }
    return ran;
  }

  /** Runs a job in the background of this process (right after it is enqueued); errors go to onError. */
  function runDetached(activityId: string): void {
    setImmediate(() => {
      run(activityId).catch((error: unknown) => deps.onError?.(error, activityId));
    });
  }

  return { run, runDetached, runPending, statusOf: (row: ActivityRow) => jobs.get(row.kind)?.status?.(row) ?? {} };
}
