// The membership, tagging, contact-deletion and custom-field-deletion activities. Each step takes the next
// page of contacts after its checkpoint (a contact id), changes them and logs every change in the change
// feed, in one transaction with the new checkpoint: a re-run after a crash starts after the last page.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { type ChangeEntry, recordBulkChanges } from '../contacts/change-log.ts';
import { lockChangeSeq } from '../contacts/contact-changes.repository.ts';
import type { ActivityRow } from './activities.repository.ts';
import type { ActivityJob } from './activities.runner.ts';
import * as source from './bulk-source.repository.ts';

export const ADD_LIST_MEMBERSHIPS = 'add_list_memberships';
export const REMOVE_LIST_MEMBERSHIPS = 'remove_list_memberships';
export const CONTACTS_TAGGINGS_ADD = 'contacts_taggings_add';
export const CONTACTS_TAGGINGS_REMOVE = 'contacts_taggings_remove';
export const CONTACT_DELETE = 'contact_delete';
export const CUSTOM_FIELDS_DELETE = 'custom_fields_delete';

export type LinkPayload = { target_ids: string[]; source: source.BulkSource };
export type Checkpoint = { after: string };

const afterOf = (activity: ActivityRow) => (activity.checkpoint ? (JSON.parse(activity.checkpoint) as Checkpoint).after : '');
const payloadOf = <T>(activity: ActivityRow) => JSON.parse(activity.payload ?? '{}') as T;

/** Adds or removes list memberships or taggings for every contact of the source. */
function createLinkJob(kind: string, table: 'list_memberships' | 'taggings', op: 'add' | 'remove', deps: { clock: Clock; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 500;
  return {
    kind,
    async step(trx: Db, activity: ActivityRow) {
      const { target_ids: targets, source: from } = payloadOf<LinkPayload>(activity);
      const accountId = activity.account_id;
      // The account's change sequence first, as every contact writer does, so writers cannot deadlock.
      await lockChangeSeq(trx, accountId);
      const ids = await source.sourceIdsPage(trx, accountId, from, afterOf(activity), batch);
      if (!ids.length) return { completed: 0, done: true };
      const existing = await source.findLinks(trx, table, accountId, ids, targets);
      const entries: ChangeEntry[] = [];
      const now = deps.clock.now().toISOString();
      for (const target of targets) {
        const changed = ids.filter((id) => existing.has(`${id} ${target}`) === (op === 'remove'));
        if (op === 'add') await source.insertLinks(trx, table, accountId, changed.map((id) => [id, target]), now);
        else await source.deleteLinks(trx, table, accountId, changed, target);
        for (const contactId of changed) {
          if (table === 'taggings') entries.push({ contactId, kind: 'updated' });
          else entries.push({ contactId, kind: op === 'add' ? 'list_added' : 'list_removed', listId: target });
        }
      }
      await recordBulkChanges(trx, accountId, now, entries);
      return { completed: ids.length, done: ids.length < batch, checkpoint: { after: ids.at(-1)! } satisfies Checkpoint };
    },
    ...(table === 'list_memberships' ? { status: (activity: ActivityRow) => ({ list_count: payloadOf<LinkPayload>(activity).target_ids.length }) } : {}),
  };
}

/** Soft-deletes every contact of the source (ids or members of lists), as DELETE /contacts/{id} does. */
function createContactDeleteJob(deps: { clock: Clock; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 500;
  return {
    kind: CONTACT_DELETE,
    async step(trx: Db, activity: ActivityRow) {
      const { source: from } = payloadOf<{ source: source.BulkSource }>(activity);
      await lockChangeSeq(trx, activity.account_id);
      const ids = await source.sourceIdsPage(trx, activity.account_id, from, afterOf(activity), batch);
      const now = deps.clock.now().toISOString();
      await source.softDeleteContacts(trx, activity.account_id, ids, now);
      await recordBulkChanges(trx, activity.account_id, now, ids.map((contactId) => ({ contactId, kind: 'deleted' as const })));
      return { completed: ids.length, done: ids.length < batch, checkpoint: { after: ids.at(-1) ?? afterOf(activity) } };
    },
    status: (activity): Record<string, number> => {
      const lists = payloadOf<{ source: source.BulkSource }>(activity).source.list_ids;
      return lists ? { list_count: lists.length } : {};
    },
  };
}

/** Clears the custom fields' values contact by contact (each logged as an update), then deletes the fields. */
function createCustomFieldsDeleteJob(deps: { clock: Clock; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 1000;
  return {
    kind: CUSTOM_FIELDS_DELETE,
    // items_completed_count is committed with each step, so it says which field the next step works on.
    async step(trx: Db, activity: ActivityRow) {
      const { custom_field_ids: fieldIds } = payloadOf<{ custom_field_ids: string[] }>(activity);
      const fieldId = fieldIds[activity.items_completed_count];
      if (!fieldId) return { completed: 0, done: true };
      await lockChangeSeq(trx, activity.account_id);
      const ids = await source.removeCustomValueBatch(trx, activity.account_id, fieldId, batch);
      const now = deps.clock.now().toISOString();
      await recordBulkChanges(trx, activity.account_id, now, ids.map((contactId) => ({ contactId, kind: 'updated' as const })));
      if (ids.length) return { completed: 0, done: false };
      await source.deleteCustomField(trx, activity.account_id, fieldId);
      return { completed: 1, done: activity.items_completed_count + 1 >= fieldIds.length };
    },
  };
}

export function createBulkJobs(deps: { clock: Clock; batchSize?: number }): ActivityJob[] {
  return [
    createLinkJob(ADD_LIST_MEMBERSHIPS, 'list_memberships', 'add', deps),
    createLinkJob(REMOVE_LIST_MEMBERSHIPS, 'list_memberships', 'remove', deps),
    createLinkJob(CONTACTS_TAGGINGS_ADD, 'taggings', 'add', deps),
    createLinkJob(CONTACTS_TAGGINGS_REMOVE, 'taggings', 'remove', deps),
    createContactDeleteJob(deps),
    createCustomFieldsDeleteJob(deps),
  ];
}
