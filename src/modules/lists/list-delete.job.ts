// The list_delete activity: removes the memberships of deleted lists in batches, logging a list_removed
// change for every contact so incremental syncs and the change feed see each member leave.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import type { ActivityRow } from '../activities/activities.repository.ts';
import type { ActivityJob } from '../activities/activities.runner.ts';
import { recordBulkChanges } from '../contacts/change-log.ts';
import { lockChangeSeq } from '../contacts/contact-changes.repository.ts';
import { removeLinkBatch } from '../contacts/contact-refs.repository.ts';

export const LIST_DELETE = 'list_delete';

export type ListDeletePayload = { list_ids: string[] };

const BATCH = 1000;

export function createListDeleteJob(deps: { clock: Clock; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? BATCH;
  return {
    kind: LIST_DELETE,
    // items_completed_count is committed with each step, so it says which list the next step works on.
    async step(trx: Db, activity: ActivityRow) {
      const { list_ids: listIds } = JSON.parse(activity.payload ?? '{}') as ListDeletePayload;
      const listId = listIds[activity.items_completed_count];
      if (!listId) return { completed: 0, done: true };
      // The account's change sequence first, as every contact writer does, so writers cannot deadlock.
      await lockChangeSeq(trx, activity.account_id);
      const contactIds = await removeLinkBatch(trx, 'list_memberships', activity.account_id, listId, batch);
      const now = deps.clock.now().toISOString();
      const entries = contactIds.map((contactId) => ({ contactId, kind: 'list_removed' as const, listId }));
      await recordBulkChanges(trx, activity.account_id, now, entries);
      const listDone = contactIds.length < batch;
      return {
        completed: listDone ? 1 : 0,
        done: listDone && activity.items_completed_count + 1 >= listIds.length,
      };
    },
    status: (activity) => ({ list_count: activity.items_total_count }),
  };
}
