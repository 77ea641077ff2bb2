// /v2/lists over the /v3 lists service: a bare array, ids as the lists' per-account numbers. v3 has no list
// status: v2's is kept with the list (contact_lists.v2_status, written in the same statement as the list), ACTIVE
// or HIDDEN; REMOVED is kept as HIDDEN.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import { countMembers, findList, type ListRow } from '../lists/lists.repository.ts';
import type { ListsService } from '../lists/lists.service.ts';
import type { BulkRequester } from '../activities/bulk.service.ts';
import { parseTimestamp } from '../contacts/formats.ts';
import { includeFlag } from './v2-contacts.service.ts';
import { parseNumber } from './v2-contact-writes.service.ts';
import * as repo from './v2.repository.ts';

export type V2List = {
  id: string;
  name: string;
  status: 'ACTIVE' | 'HIDDEN';
  contact_count: number;
  created_date: string;
  modified_date: string;
  list_id?: string;
};

const LIST_STATUSES = ['ACTIVE', 'HIDDEN', 'REMOVED'];
const notFound = () => new AppError('NOT_FOUND', 'Contact list not found');

/**
 * The name, and the status to keep: null = ACTIVE, HIDDEN, or undefined when none is given (PUT keeps it).
 * REMOVED (accepted on POST by the v2 documentation) is kept as HIDDEN: v2 readers know only ACTIVE and
 * HIDDEN (JAVA's ContactListStatus), so no list ever reads REMOVED; DELETE deletes a list.
 */
function parseBody(body: Record<string, unknown>): { name: unknown; status: 'HIDDEN' | null | undefined } {
  if (body.status === undefined || body.status === null || body.status === '') return { name: body.name, status: undefined };
  const status = String(body.status).toUpperCase();
  if (!LIST_STATUSES.includes(status)) throw invalidFields({ status: `status must be one of ${LIST_STATUSES.join(', ')}` });
  return { name: body.name, status: status === 'ACTIVE' ? null : 'HIDDEN' };
}

export function createV2ListsService(deps: { db: Db; lists: ListsService }) {
  const { db, lists } = deps;

  async function toV2(accountId: string, rows: ListRow[], includeListId: boolean): Promise<V2List[]> {
    const counts = await countMembers(db, accountId, rows.map((r) => r.list_id), 'all');
    return rows.map((row) => ({
      id: String(row.sequence_id),
      name: row.name,
      status: row.v2_status === 'HIDDEN' ? 'HIDDEN' : 'ACTIVE',
      contact_count: counts.get(row.list_id) ?? 0,
      created_date: row.created_at,
      modified_date: row.updated_at,
      ...(includeListId ? { list_id: row.list_id } : {}),
    }));
  }

  async function findLive(accountId: string, id: string): Promise<ListRow> {
    const n = parseNumber(id);
    const row = n === null ? undefined : await repo.findListBySequence(db, accountId, n);
    if (!row || row.deleted_at) throw notFound();
    return row;
  }

  async function one(accountId: string, id: string, includeListId: boolean): Promise<V2List> {
    return (await toV2(accountId, [await findLive(accountId, id)], includeListId))[0]!;
  }

  async function listLists(accountId: string, query: { modified_since?: string; include_list_id?: string | boolean }) {
    let since: string | undefined;
    if (query.modified_since !== undefined) {
      since = parseTimestamp(String(query.modified_since)) ?? undefined;
      if (!since) throw invalidFields({ modified_since: 'modified_since must be an ISO-8601 date-time, such as 2024-01-02T03:04:05.000Z' });
    }
    const includeListId = includeFlag('include_list_id', query.include_list_id);
    const rows = (await repo.listAllLists(db, accountId, since)).filter((r) => !r.deleted_at);
    return toV2(accountId, rows, includeListId);
  }

  async function createList(accountId: string, body: Record<string, unknown>, includeListId: boolean): Promise<V2List> {
    const { name, status } = parseBody(body);
    const created = await lists.createList(accountId, { name }, status ? { v2_status: status } : {});
    const row = (await findList(db, accountId, created.list_id))!;
    return (await toV2(accountId, [row], includeListId))[0]!;
  }

  /** PUT: the name (and status check); the v3-only description and favorite are kept. */
  async function updateList(accountId: string, id: string, body: Record<string, unknown>, includeListId: boolean): Promise<V2List> {
    const row = await findLive(accountId, id);
    const { name, status } = parseBody(body);
    await lists.updateList(accountId, row.list_id, { name, description: row.description, favorite: row.favorite === 1 }, status === undefined ? {} : { v2_status: status });
    return one(accountId, id, includeListId);
  }

  async function deleteList(accountId: string, id: string, by?: BulkRequester): Promise<void> {
    const row = await findLive(accountId, id);
    await lists.deleteList(accountId, row.list_id, by);
  }

  return { listLists, getList: one, createList, updateList, deleteList, findLive };
}

