// The tag_delete activity: untags every contact in batches (each contact's change is logged, as its
// taggings changed), then deletes the tag itself in the step that finds no tagging left.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import type { ActivityRow } from '../activities/activities.repository.ts';
import type { ActivityJob } from '../activities/activities.runner.ts';
import { recordBulkChanges } from '../contacts/change-log.ts';
import { lockChangeSeq } from '../contacts/contact-changes.repository.ts';
import { removeLinkBatch } from '../contacts/contact-refs.repository.ts';
import { deleteTag } from './tags.repository.ts';

export const TAG_DELETE = 'tag_delete';

export type TagDeletePayload = { tag_ids: string[] };

export function createTagDeleteJob(deps: { clock: Clock; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 1000;
  return {
    kind: TAG_DELETE,
    // items_completed_count is committed with each step, so it says which tag the next step works on.
    async step(trx: Db, activity: ActivityRow) {
      const { tag_ids: tagIds } = JSON.parse(activity.payload ?? '{}') as TagDeletePayload;
      const tagId = tagIds[activity.items_completed_count];
      if (!tagId) return { completed: 0, done: true };
      // The account's change sequence first, as every contact writer does, so writers cannot deadlock.
      await lockChangeSeq(trx, activity.account_id);
      const contactIds = await removeLinkBatch(trx, 'taggings', activity.account_id, tagId, batch);
      const now = deps.clock.now().toISOString();
      const entries = contactIds.map((contactId) => ({ contactId, kind: 'updated' as const }));
      await recordBulkChanges(trx, activity.account_id, now, entries);
      if (contactIds.length) return { completed: 0, done: false };
      await deleteTag(trx, activity.account_id, tagId);
      return { completed: 1, done: activity.items_completed_count + 1 >= tagIds.length };
    },
  };
}
