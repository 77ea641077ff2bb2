// Contact lists: create, rename, read and page with the dialect's filters and member counts, and delete
// (soft: the list shows under status=deleted) through a list_delete activity that removes its members.
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { nextCursor, openPage, pageLinks } from '../../shared/page-cursor.ts';
import { parseSequenceIds } from '../../shared/sequence-ids.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { cleanText, hasControlChars } from '../../shared/validate.ts';
import type { ActivitiesService } from '../activities/activities.service.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import { LIST_DELETE } from './list-delete.job.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { type AuditRequester, bulkJobEntry } from '../audit/requester.ts';
import * as repo from './lists.repository.ts';
import type { ApiList, ListFilter, ListPosition, ListStatus, MemberCount } from './lists.repository.ts';

export type ListInput = { name?: unknown; description?: unknown; favorite?: unknown };
export type ListQuery = {
  limit?: number;
  include_count?: boolean;
  include_membership_count?: MemberCount;
  name?: string;
  status?: string;
  cursor?: string;
};

export type ListsService = ReturnType<typeof createListsService>;

const STATUSES = ['all', 'active', 'deleted'];

function parseStatuses(raw: string | undefined): ListStatus[] {
  if (raw === undefined) return ['active'];
  const values = raw.split(',').map((s) => s.trim().toLowerCase());
  if (!values.length || values.some((v) => !STATUSES.includes(v))) {
    throw invalidFields({ status: `status must be a comma-separated list of ${STATUSES.join(', ')}` });
  }
  return values.includes('all') ? ['active', 'deleted'] : [...new Set(values as ListStatus[])];
}

function parseInput(input: ListInput): { name: string; description: string | null; favorite: number } {
  const errors: Record<string, string> = {};
  const name = cleanText(input.name, 255);
  if (!name) errors.name = 'name is required: 1 to 255 characters on one line';
  const description = input.description ?? null;
  if (description !== null && (typeof description !== 'string' || description.length > 2000 || hasControlChars(description))) {
    errors.description = 'description must be text of at most 2000 characters';
  }
  if (Object.keys(errors).length || !name) throw invalidFields(errors);
  return { name, description: (description as string | null) || null, favorite: input.favorite === true ? 1 : 0 };
}

export function createListsService(deps: { db: Db; clock: Clock; cursors: SignedTokenCodec; activities: ActivitiesService; audit: AuditService }) {
  const { db, clock, cursors, activities } = deps;
  const notFound = () => new AppError('NOT_FOUND', 'Contact list not found');
  const duplicate = (name: string) => new AppError('CONFLICT', `A list named "${name}" already exists`);

  async function withCounts(accountId: string, rows: repo.ListRow[], mode: MemberCount | undefined): Promise<ApiList[]> {
    const counts = mode ? await repo.countMembers(db, accountId, rows.map((r) => r.list_id), mode) : null;
    return rows.map((row) => repo.toApiList(row, counts ? (counts.get(row.list_id) ?? 0) : undefined));
  }

  async function listLists(accountId: string, input: ListQuery) {
    const { cursor, ...given } = input;
    const scope = { resource: 'contact_lists', accountId };
    const page = openPage<ListPosition>(cursors, scope, given, cursor);
    const q = page.query as Omit<ListQuery, 'cursor'>;
    const limit = q.limit ?? 50;
    const filter: ListFilter = { statuses: parseStatuses(q.status), ...(q.name !== undefined ? { name: q.name } : {}) };
    const rows = await repo.listLists(db, accountId, filter, page.position, limit);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const next = rows.length > limit && last ? nextCursor(cursors, scope, page.query, { c: last.created_at, i: last.list_id }) : null;
    return {
      lists: await withCounts(accountId, shown, q.include_membership_count),
      ...(q.include_count ? { lists_count: await repo.countLists(db, accountId, filter) } : {}),
      _links: pageLinks('/v3/contact_lists', next),
    };
  }

  async function getList(accountId: string, listId: string, mode?: MemberCount): Promise<ApiList> {
    const row = await repo.findList(db, accountId, listId);
    if (!row) throw notFound();
    return (await withCounts(accountId, [row], mode))[0]!;
  }

  /** `legacy`: the list's legacy v2 status (contact_lists.v2_status), which only /v2 sets. */
  async function createList(accountId: string, input: ListInput, legacy: Pick<repo.ListRow, 'v2_status'> = {}): Promise<ApiList> {
    const fields = parseInput(input);
    const now = clock.now().toISOString();
    try {
      const row = await db.transaction().execute(async (trx) => {
        const sequence_id = await repo.nextListSequence(trx, accountId);
        const created = { list_id: newId(), account_id: accountId, ...fields, ...legacy, created_at: now, updated_at: now, deleted_at: null, sequence_id };
        await repo.insertList(trx, created);
        return created;
      });
      return repo.toApiList(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(fields.name);
      throw error;
    }
  }

  /** PUT replaces the editable fields; a deleted list cannot be changed. */
  async function updateList(accountId: string, listId: string, input: ListInput, legacy: Pick<repo.ListRow, 'v2_status'> = {}): Promise<ApiList> {
    const fields = { ...parseInput(input), ...legacy };
    const current = await repo.findList(db, accountId, listId);
    if (!current || current.deleted_at) throw notFound();
    const updated = { ...current, ...fields, updated_at: clock.now().toISOString() };
    try {
      if (!(await repo.updateLiveList(db, accountId, listId, { ...fields, updated_at: updated.updated_at }))) throw notFound();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(fields.name);
      throw error;
    }
    return repo.toApiList(updated);
  }

  /**
   * Marks the list deleted and records the job in one transaction, then runs the job (synchronously for now).
   * The audit log keeps it as a bulk deletion by `by` (the app), or by the system when nobody is named.
   */
  async function deleteList(accountId: string, listId: string, by?: AuditRequester): Promise<ApiActivity> {
    const activityId = await db.transaction().execute(async (trx) => {
      const now = clock.now().toISOString();
      // Conditional, so of two concurrent deletions exactly one creates the activity.
      if (!(await repo.updateLiveList(trx, accountId, listId, { deleted_at: now, updated_at: now }))) throw notFound();
      return activities.enqueue(trx, { accountId, kind: LIST_DELETE, payload: { list_ids: [listId] }, itemsTotal: 1 });
    });
    await deps.audit.record(bulkJobEntry('bulk.deleted', accountId, activityId, by, { kind: LIST_DELETE, list_ids: [listId] }));
    return activities.runNow(accountId, activityId);
  }

  /** GET /contact_lists/list_id_xrefs: legacy v2 list ids → list_id, ascending; unknown ids are left out. */
  async function listIdXrefs(accountId: string, sequenceIds: string | undefined) {
    const rows = await repo.findListsBySequence(db, accountId, parseSequenceIds(sequenceIds));
    const sorted = rows.map((r) => ({ n: Number(r.sequence_id), list_id: r.list_id })).sort((a, b) => a.n - b.n);
    return { xrefs: sorted.map((r) => ({ sequence_id: String(r.n), list_id: r.list_id })) };
  }

  return { listLists, getList, createList, updateList, deleteList, listIdXrefs };
}
