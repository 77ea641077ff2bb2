// /v2/activities: the legacy bulk calls run as the v3 jobs that do the same work (docs/api-v2.md has the
// table), with list numbers resolved to the account's lists, and each activity rendered in the v2 shape.
import type { Db } from '../../db/database.ts';
import type { ActivitiesTable, ActivityState } from '../../db/schema.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { ActivityRow, StoredError } from '../activities/activities.repository.ts';
import { findActivity } from '../activities/activities.repository.ts';
import type { BulkRequester, BulkService } from '../activities/bulk.service.ts';
import { REMOVE_LIST_MEMBERSHIPS } from '../activities/bulk.jobs.ts';
import { CONTACT_EXPORTS } from '../activities/export.job.ts';
import type { ImportsService } from '../activities/imports.service.ts';
import { CONTACTS_FILE_IMPORT, CONTACTS_JSON_IMPORT } from '../activities/import.job.ts';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import * as input from './v2-activity-input.ts';
import * as upload from './v2-activity-upload.ts';
import { ACTIVITY_STATUS_TABLE, type V2ActivityType, V2_ACTIVITY_STATUSES, V2_ACTIVITY_TYPES } from './v2-mapping.ts';
import * as repo from './v2.repository.ts';

export type V2ActivityError = { message: string; line_number: number; email_address: string };
export type V2Activity = {
  id: string;
  type: V2ActivityType;
  status?: string;
  created_date?: string;
  start_date?: string;
  finish_date?: string;
  error_count: number;
  contact_count: number;
  errors?: V2ActivityError[];
  warnings?: V2ActivityError[];
  file_name?: string;
};

const KINDS = [CONTACTS_JSON_IMPORT, CONTACTS_FILE_IMPORT, REMOVE_LIST_MEMBERSHIPS, CONTACT_EXPORTS];
const notFound = () => new AppError('NOT_FOUND', 'Activity not found');
const date = (value: string | null) => (value ? { value: new Date(value).toISOString() } : undefined);

/** The v2 type of a v3 job, or null when v2 has no word for it (such activities are not shown in /v2). */
function v2Type(row: ActivityRow): V2ActivityType | null {
  if (row.kind === CONTACTS_JSON_IMPORT || row.kind === CONTACTS_FILE_IMPORT) return 'ADD_CONTACTS';
  if (row.kind === CONTACT_EXPORTS) return 'EXPORT_CONTACTS';
  if (row.kind !== REMOVE_LIST_MEMBERSHIPS) return null;
  const payload = JSON.parse(row.payload ?? '{}') as { target_ids?: string[]; source?: { list_ids?: string[] } };
  const same = (a: string[] = [], b: string[] = []) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
  return payload.source?.list_ids && same(payload.source.list_ids, payload.target_ids) ? 'CLEAR_CONTACTS_FROM_LISTS' : 'REMOVE_CONTACTS_FROM_LISTS';
}

/** v2 ids: the activity's UUID without its dashes (32 lowercase alphanumerics, opaque to clients). */
const v2Id = (uuid: string) => uuid.replaceAll('-', '');
function v3Id(id: string): string | null {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(id.toLowerCase());
  return m ? m.slice(1).join('-') : null;
}

/** The full v2 Activity (GET); `brief` keeps only what the POST answer holds. */
export function toV2Activity(row: ActivityRow, brief = false): V2Activity {
  const head = { id: v2Id(row.activity_id), type: v2Type(row)!, error_count: row.error_count, contact_count: row.items_total_count };
  if (brief) return head;
  const dates = { created_date: row.created_at, start_date: row.started_at, finish_date: row.completed_at };
  const shown = Object.fromEntries(Object.entries(dates).flatMap(([k, v]) => (date(v) ? [[k, date(v)!.value]] : [])));
  // v3 numbers a JSON import's rows as lines after a header (first row 2); v2 counts import_data from 1.
  const shift = row.kind === CONTACTS_JSON_IMPORT ? 1 : 0;
  const errors = (JSON.parse(row.errors) as StoredError[]).map((e) => ({
    message: e.message,
    line_number: e.line_number ? e.line_number - shift : 0,
    email_address: e.email ?? '',
  }));
  return {
    ...head,
    status: ACTIVITY_STATUS_TABLE[row.state],
    ...shown,
    errors,
    warnings: [],
    ...(row.result_file ? { file_name: `/v3/contact_exports/${row.activity_id}` } : {}),
  };
}

export function createV2ActivitiesService(deps: { db: Db; imports: ImportsService; bulk: BulkService; customFields: CustomFieldsService }) {
  const { db, imports, bulk, customFields } = deps;

  /** List numbers → the account's live lists' ids; 400 naming any that is not one of them. */
  async function listIds(accountId: string, body: Record<string, unknown>): Promise<string[]> {
    const numbers = input.parseListNumbers(body);
    const lists = new Map((await repo.listAllLists(db, accountId)).filter((l) => !l.deleted_at).map((l) => [Number(l.sequence_id), l.list_id]));
    const missing = numbers.filter((n) => !lists.has(n));
    if (missing.length) throw invalidFields({ lists: `lists: ${missing.join(', ')} is not one of this account's lists` });
    return numbers.map((n) => lists.get(n)!);
  }

  async function rendered(accountId: string, activityId: string, brief: boolean): Promise<V2Activity> {
    const row = await findActivity(db, accountId, activityId);
    if (!row || !v2Type(row)) throw notFound();
    return toV2Activity(row, brief);
  }

  /** CustomFieldN slots the rows use and the account lacks are created first, as /v2/contacts writes do. */
  async function ensureSlots(accountId: string, slots: string[]) {
    if (!slots.length) return;
    const found = new Set((await repo.findSlotFields(db, accountId, slots)).map((f) => f.name));
    for (const name of slots.filter((s) => !found.has(s))) {
      await customFields.createCustomField(accountId, { label: name, type: 'string' }).catch(async (error: unknown) => {
        if (!(await repo.findSlotFields(db, accountId, [name])).length) throw error;
      });
    }
  }

  /** addcontacts, JSON or (`form`) multipart: both become the same v3 JSON import. */
  async function addContacts(accountId: string, raw: unknown, form = false) {
    const body = input.bodyOf(raw);
    const file = form ? upload.parseAddContactsForm(body) : null;
    const { rows, slots } = file ? input.parseAddContactsFile(file.header, file.rows) : input.parseAddContacts(body);
    const lists = await listIds(accountId, file ? { lists: file.lists } : body);
    await ensureSlots(accountId, slots);
    const created = await imports.importJson(accountId, { import_data: rows, list_ids: lists });
    return rendered(accountId, created.activity_id, true);
  }

  /** removefromlists: the addresses' contacts leave the lists; addresses with no contact are skipped. */
  async function removeFromLists(accountId: string, raw: unknown, form = false) {
    const body = input.bodyOf(raw);
    const file = form ? upload.parseRemoveForm(body, input.MAX_REMOVE_ROWS) : null;
    const emails = file ? file.emails : input.parseRemoveEmails(body);
    const lists = await listIds(accountId, file ? { lists: file.lists } : body);
    const ids = [...(await repo.findContactIdsByEmail(db, accountId, emails)).values()];
    const created = await bulk.linkActivity(accountId, 'remove_list_memberships', { source: { contact_ids: ids }, list_ids: lists });
    return rendered(accountId, created.activity_id, true);
  }

  async function clearLists(accountId: string, raw: unknown) {
    const lists = await listIds(accountId, input.bodyOf(raw));
    const created = await bulk.linkActivity(accountId, 'remove_list_memberships', { source: { list_ids: lists }, list_ids: lists });
    return rendered(accountId, created.activity_id, true);
  }

  async function exportContacts(accountId: string, raw: unknown, by?: BulkRequester) {
    const body = input.bodyOf(raw);
    const { fields, layout } = input.parseExport(body);
    const lists = await listIds(accountId, body);
    const created = await bulk.exportContacts(accountId, { list_ids: lists, fields }, by, layout);
    return rendered(accountId, created.activity_id, true);
  }

  async function getActivity(accountId: string, id: string): Promise<V2Activity> {
    const uuid = v3Id(id);
    if (!uuid) throw notFound();
    return rendered(accountId, uuid, false);
  }

  /** GET /v2/activities: the 500 newest bulk activities v2 can name, filtered by v2 status and type. */
  async function listActivities(accountId: string, query: { status?: string; type?: string }): Promise<V2Activity[]> {
    const errors: Record<string, string> = {};
    if (query.status !== undefined && !(V2_ACTIVITY_STATUSES as readonly string[]).includes(query.status)) errors.status = `status must be one of ${V2_ACTIVITY_STATUSES.join(', ')}`;
    if (query.type !== undefined && !(V2_ACTIVITY_TYPES as readonly string[]).includes(query.type)) errors.type = `type must be one of ${V2_ACTIVITY_TYPES.join(', ')}`;
    if (Object.keys(errors).length) throw invalidFields(errors);
    const states = query.status ? (Object.keys(ACTIVITY_STATUS_TABLE) as ActivityState[]).filter((s) => ACTIVITY_STATUS_TABLE[s] === query.status) : null;
    if (states?.length === 0) return [];
    const rows: ActivitiesTable[] = await repo.listActivitiesOfKinds(db, accountId, { kinds: KINDS, states, limit: 500 });
    return rows.map((row) => toV2Activity(row)).filter((a) => !query.type || a.type === query.type);
  }

  return { addContacts, removeFromLists, clearLists, exportContacts, getActivity, listActivities };
}

export type V2ActivitiesService = ReturnType<typeof createV2ActivitiesService>;
