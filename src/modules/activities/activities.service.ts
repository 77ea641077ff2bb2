// Activities (bulk jobs) as the API shows them: create one inside the caller's transaction, read one, page
// through an account's activities. Running them is the runner's job (activities.runner.ts).
import type { Db } from '../../db/database.ts';
import type { ActivityState } from '../../db/schema.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { nextCursor, openPage, pageLinks } from '../../shared/page-cursor.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import * as repo from './activities.repository.ts';
import type { ActivityPosition, ApiActivity } from './activities.repository.ts';
import type { ActivityRunner } from './activities.runner.ts';

export const ACTIVITY_STATES: readonly ActivityState[] = [
  'initialized',
  'processing',
  'completed',
  'cancelled',
  'failed',
  'timed_out',
];

export type ActivitiesService = ReturnType<typeof createActivitiesService>;

export type ActivityListQuery = { limit?: number; state?: string; cursor?: string };

export function createActivitiesService(deps: {
  db: Db;
  clock: Clock;
  cursors: SignedTokenCodec;
  runner: ActivityRunner;
  /** Start enqueued jobs at once in this process (serve); false when `listgate worker` processes take them. */
  runInProcess?: boolean;
}) {
  const { db, clock, cursors, runner } = deps;

  /** Records a job in the caller's transaction, so it exists exactly when the caller's change commits. */
  async function enqueue(
    trx: Db,
    input: { accountId: string; kind: string; payload: unknown; itemsTotal: number },
  ): Promise<string> {
    const now = clock.now().toISOString();
    const activityId = newId();
    await repo.insertActivity(trx, {
      activity_id: activityId,
      account_id: input.accountId,
      kind: input.kind,
      state: 'initialized',
      payload: JSON.stringify(input.payload),
      created_at: now,
      updated_at: now,
      started_at: null,
      completed_at: null,
      percent_done: 0,
      items_total_count: input.itemsTotal,
      items_completed_count: 0,
      error_count: 0,
      errors: '[]',
      result: null,
      result_file: null,
      checkpoint: null,
    });
    return activityId;
  }

  async function getActivity(accountId: string, activityId: string): Promise<ApiActivity> {
    const row = await repo.findActivity(db, accountId, activityId);
    if (!row) throw new AppError('NOT_FOUND', 'Activity not found');
    return repo.toApiActivity(row, runner.statusOf(row));
  }

  /** Runs a job now (the synchronous path, until a worker takes them) and returns its report. */
  async function runNow(accountId: string, activityId: string): Promise<ApiActivity> {
    await runner.run(activityId);
    return getActivity(accountId, activityId);
  }

  /** One page of the account's activities, with each one's kind (the pages name it; the dialect does not). */
  async function listActivitiesWithKind(accountId: string, input: ActivityListQuery) {
    const page = await activityRows(accountId, input);
    return {
      activities: page.rows.map((row) => ({ ...repo.toApiActivity(row, runner.statusOf(row)), kind: row.kind })),
      next: page.next,
    };
  }

  async function getActivityWithKind(accountId: string, activityId: string): Promise<ApiActivity & { kind: string }> {
    const row = await repo.findActivity(db, accountId, activityId);
    if (!row) throw new AppError('NOT_FOUND', 'Activity not found');
    return { ...repo.toApiActivity(row, runner.statusOf(row)), kind: row.kind };
  }

  async function listActivities(accountId: string, input: ActivityListQuery) {
    const page = await activityRows(accountId, input);
    return {
      activities: page.rows.map((row) => repo.toApiActivity(row, runner.statusOf(row))),
      _links: pageLinks('/v3/activities', page.next),
    };
  }

  async function activityRows(accountId: string, input: ActivityListQuery) {
    const given = { limit: input.limit, state: input.state };
    const scope = { resource: 'activities', accountId };
    const page = openPage<ActivityPosition>(cursors, scope, given, input.cursor);
    const limit = (page.query.limit as number | undefined) ?? 50;
    const state = page.query.state as string | undefined;
    if (state !== undefined && !ACTIVITY_STATES.includes(state as ActivityState)) {
      throw invalidFields({ state: `state must be one of ${ACTIVITY_STATES.join(', ')}` });
    }
    const rows = await repo.listActivities(db, accountId, {
      states: state ? [state as ActivityState] : null,
      before: page.position,
      limit,
    });
    const more = rows.length > limit;
    const shown = more ? rows.slice(0, limit) : rows;
    const last = shown.at(-1);
    const next = more && last ? nextCursor(cursors, scope, page.query, { c: last.created_at, i: last.activity_id }) : null;
    return { rows: shown, next };
  }

  /** Starts a job just enqueued (and committed) without waiting for it; a worker loop takes it otherwise. */
  function start(activityId: string): void {
    if (deps.runInProcess ?? true) runner.runDetached(activityId);
  }

  return { enqueue, start, getActivity, getActivityWithKind, runNow, listActivities, listActivitiesWithKind, runPending: runner.runPending };
}
