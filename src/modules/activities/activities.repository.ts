// Queries on the activities table (bulk jobs): insert, read one or a page, claim a job for a runner, and
// record a step's progress. Row ↔ API object mapping for the dialect's activity status report.
import type { Db } from '../../db/database.ts';
import type { ActivitiesTable, ActivityState } from '../../db/schema.ts';

export type ActivityRow = ActivitiesTable;

export type ActivityPosition = { c: string; i: string };

export async function insertActivity(db: Db, row: ActivityRow): Promise<void> {
  await db.insertInto('activities').values(row).execute();
}

export async function findActivity(db: Db, accountId: string, activityId: string): Promise<ActivityRow | undefined> {
  return db
    .selectFrom('activities')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('activity_id', '=', activityId)
    .executeTakeFirst();
}

/** Newest first; `before` is the keyset of the previous page's last row. Returns up to `limit + 1` rows. */
export async function listActivities(
  db: Db,
  accountId: string,
  filter: { states: readonly ActivityState[] | null; before: ActivityPosition | null; limit: number },
): Promise<ActivityRow[]> {
  let query = db.selectFrom('activities').selectAll().where('account_id', '=', accountId);
  if (filter.states) query = query.where('state', 'in', filter.states);
  const before = filter.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.c),
        eb.and([eb('created_at', '=', before.c), eb('activity_id', '<', before.i)]),
      ]),
    );
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('activity_id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/**
 * Takes a job for one runner: a new one, or one whose runner stopped heartbeating (crash, restart).
 * Exactly one of several concurrent callers gets 1 row back.
 */
export async function claimActivity(db: Db, activityId: string, now: string, staleBefore: string): Promise<boolean> {
  const result = await db
    .updateTable('activities')
    .set((eb) => ({ state: 'processing', started_at: eb.fn.coalesce('started_at', eb.val(now)), updated_at: now }))
    .where('activity_id', '=', activityId)
    .where((eb) =>
      eb.or([eb('state', '=', 'initialized'), eb.and([eb('state', '=', 'processing'), eb('updated_at', '<', staleBefore)])]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Jobs a runner may take: never started, or abandoned by a runner that stopped heartbeating. */
export async function findRunnableActivities(db: Db, staleBefore: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('activities')
    .select('activity_id')
    .where((eb) =>
      eb.or([eb('state', '=', 'initialized'), eb.and([eb('state', '=', 'processing'), eb('updated_at', '<', staleBefore)])]),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.activity_id);
}

/** Activities of `kind` whose result file is older than `before` (completed before it). */
export async function findExpiredResults(db: Db, kind: string, before: string): Promise<ActivityRow[]> {
  return db
    .selectFrom('activities')
    .selectAll()
    .where('kind', '=', kind)
    .where('result_file', 'is not', null)
    .where('completed_at', '<', before)
    .limit(1000)
    .execute();
}

export async function updateActivity(
  db: Db,
  activityId: string,
  fields: Partial<Omit<ActivityRow, 'activity_id' | 'account_id' | 'kind' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('activities').set(fields).where('activity_id', '=', activityId).execute();
}

/**
 * Updates the activity only if it is still as `seen` (same heartbeat and progress): the fence that keeps a
 * runner presumed dead from writing over the runner that took its job. Returns whether the row was updated.
 */
export async function updateActivityIf(
  db: Db,
  seen: ActivityRow,
  fields: Partial<Omit<ActivityRow, 'activity_id' | 'account_id' | 'kind' | 'created_at'>>,
): Promise<boolean> {
  const result = await db
    .updateTable('activities')
    .set(fields)
    .where('activity_id', '=', seen.activity_id)
    .where('updated_at', '=', seen.updated_at)
    .where('items_completed_count', '=', seen.items_completed_count)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export type ApiActivity = {
  activity_id: string;
  state: ActivityState;
  created_at: string;
  updated_at: string;
  started_at?: string;
  completed_at?: string;
  percent_done: number;
  activity_errors: string[];
  status: Record<string, number>;
  _links: { self: { href: string }; results?: { href: string }; errors?: { href: string } };
};

export type StoredError = { message: string; line_number?: number; email?: string };

/** The dialect reports errors as strings; the stored detail (line, address) is folded into the text. */
function errorText(error: StoredError): string {
  const where = [error.line_number ? `line ${error.line_number}` : '', error.email ?? ''].filter(Boolean).join(', ');
  return where ? `${where}: ${error.message}` : error.message;
}

export function toApiActivity(row: ActivityRow, extraStatus: Record<string, number> = {}): ApiActivity {
  return {
    activity_id: row.activity_id,
    state: row.state,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(row.started_at ? { started_at: row.started_at } : {}),
    ...(row.completed_at ? { completed_at: row.completed_at } : {}),
    percent_done: row.percent_done,
    activity_errors: (JSON.parse(row.errors) as StoredError[]).map(errorText),
    status: {
      items_total_count: row.items_total_count,
      items_completed_count: row.items_completed_count,
      error_count: row.error_count,
      ...extraStatus,
    },
    _links: {
      self: { href: `/v3/activities/${row.activity_id}` },
      ...(row.result_file ? { results: { href: `/v3/contact_exports/${row.activity_id}` } } : {}),
      // Every bad row of an import, as CSV (row, email, reason); activity_errors lists only the first ones.
      ...(row.error_count && row.kind.startsWith('contacts_') && row.kind.endsWith('_import')
        ? { errors: { href: `/v3/activities/${row.activity_id}/errors` } }
        : {}),
    },
  };
}

/** Puts a failed or timed-out job back in the queue (from its checkpoint); false when it is in another state. */
export async function requeueActivity(db: Db, activityId: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('activities')
    .set({ state: 'initialized', completed_at: null, updated_at: now })
    .where('activity_id', '=', activityId)
    .where('state', 'in', ['failed', 'timed_out'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
