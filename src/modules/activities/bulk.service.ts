// The bulk activities with a JSON body (memberships, taggings, deletions, exports): check that every id is
// the account's own, count the contacts concerned, enqueue the job and start it. Also the files they
// produce: an export's CSV until it expires, and an import's bad rows as CSV.
import { createReadStream, existsSync, type ReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { AuditService } from '../audit/audit.service.ts';
import { type AuditRequester, bulkJobEntry } from '../audit/requester.ts';
import type { Db } from '../../db/database.ts';
import type { PermissionToSend } from '../../db/schema.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { csvLine } from '../../shared/csv.ts';
import { existingIds } from '../contacts/contact-refs.repository.ts';
import { PERMISSIONS } from '../contacts/contact-rules.ts';
import { isUuid } from '../contacts/formats.ts';
import { TAG_DELETE } from '../tags/tag-delete.job.ts';
import * as repo from './activities.repository.ts';
import type { ActivitiesService } from './activities.service.ts';
import { type BulkSource, countSource } from './bulk-source.repository.ts';
import * as kinds from './bulk.jobs.ts';
import { CONTACT_EXPORTS, EXPORT_FIELDS, type ExportPayload, exportFilePath } from './export.job.ts';
import { customFieldsByName, listRowErrors } from './import.repository.ts';

export type BulkService = ReturnType<typeof createBulkService>;
type Body = Record<string, unknown>;

const LINK_KINDS = {
  add_list_memberships: [kinds.ADD_LIST_MEMBERSHIPS, 'lists', 'list_ids'],
  remove_list_memberships: [kinds.REMOVE_LIST_MEMBERSHIPS, 'lists', 'list_ids'],
  contacts_taggings_add: [kinds.CONTACTS_TAGGINGS_ADD, 'tags', 'tag_ids'],
  contacts_taggings_remove: [kinds.CONTACTS_TAGGINGS_REMOVE, 'tags', 'tag_ids'],
} as const;
export type LinkActivity = keyof typeof LINK_KINDS;

function ids(errors: Record<string, string>, name: string, value: unknown, max: number, required = false): string[] | undefined {
  if (value === undefined || value === null) {
    if (required) errors[name] = `${name} is required`;
    return undefined;
  }
  if (!Array.isArray(value) || value.length > max || (required && !value.length) || !value.every(isUuid)) {
    errors[name] = `${name} must be an array of ${required ? '1' : '0'} to ${max} ids (UUIDs)`;
    return undefined;
  }
  return [...new Set(value.map((id) => id.toLowerCase()))];
}

/** Who asked for a bulk job, for the audit log: the API app (and its origin), or nobody named (the system). */
export type BulkRequester = AuditRequester;

export function createBulkService(deps: { db: Db; clock: Clock; activities: ActivitiesService; exportDir: string; exportTtlMs: number; audit: AuditService }) {
  const { db, clock, activities } = deps;

  async function assertOwn(accountId: string, kind: 'lists' | 'tags' | 'custom_fields', name: string, given: string[] | undefined) {
    if (!given?.length) return;
    const found = await existingIds(db, accountId, kind, given);
    const missing = given.filter((id) => !found.has(id));
    if (missing.length) throw invalidFields({ [name]: `${name}: ${missing.join(', ')} does not exist in this account` });
  }

  /** `source` of the dialect: exactly one of contact_ids, list_ids, tag_ids, all_active_contacts. */
  function parseSource(body: Body, errors: Record<string, string>, prefix: string): BulkSource {
    const given = body && typeof body === 'object' && !Array.isArray(body) ? body : {};
    const source: BulkSource = {
      contact_ids: ids(errors, `${prefix}contact_ids`, given.contact_ids, 500),
      list_ids: ids(errors, `${prefix}list_ids`, given.list_ids, 50),
      tag_ids: ids(errors, `${prefix}tag_ids`, given.tag_ids, 50),
    };
    if (given.all_active_contacts !== undefined && typeof given.all_active_contacts !== 'boolean') errors[`${prefix}all_active_contacts`] = `${prefix}all_active_contacts must be a boolean`;
    if (given.all_active_contacts === true) source.all_active_contacts = true;
    const chosen = ['contact_ids', 'list_ids', 'tag_ids', 'all_active_contacts'].filter((k) => source[k as keyof BulkSource] !== undefined);
    if (chosen.length !== 1 && !Object.keys(errors).length) errors[prefix || 'source'] = `give exactly one of ${prefix}contact_ids, ${prefix}list_ids, ${prefix}tag_ids, ${prefix}all_active_contacts`;
    return source;
  }

  function exclude(body: Body, errors: Record<string, string>): string[] | undefined {
    const given = body.exclude as Body | undefined;
    if (given === undefined) return undefined;
    if (!given || typeof given !== 'object') {
      errors.exclude = 'exclude must be an object with contact_ids';
      return undefined;
    }
    return ids(errors, 'exclude.contact_ids', given.contact_ids, 500);
  }

  async function checked(accountId: string, source: BulkSource, errors: Record<string, string>) {
    if (Object.keys(errors).length) throw invalidFields(errors);
    await assertOwn(accountId, 'lists', 'list_ids', source.list_ids);
    await assertOwn(accountId, 'tags', 'tag_ids', source.tag_ids);
  }

  async function enqueue(accountId: string, kind: string, payload: unknown, total: number, by?: BulkRequester) {
    const id = await db.transaction().execute((trx) => activities.enqueue(trx, { accountId, kind, payload, itemsTotal: total }));
    // Exports and bulk deletions are what the audit log keeps of bulk work (imports and links are not).
    if (by !== undefined || kind === CONTACT_EXPORTS || kind.includes('delete')) {
      await deps.audit.record(bulkJobEntry(kind === CONTACT_EXPORTS ? 'data.exported' : 'bulk.deleted', accountId, id, by, { kind, items: total }));
    }
    activities.start(id);
    return activities.getActivity(accountId, id);
  }

  async function linkActivity(accountId: string, activity: LinkActivity, body: Body) {
    const [kind, targetKind, targetName] = LINK_KINDS[activity];
    const errors: Record<string, string> = {};
    const source = parseSource(body.source as Body, errors, 'source.');
    const targets = ids(errors, targetName, body[targetName], 50, true);
    source.exclude_ids = exclude(body, errors);
    await checked(accountId, source, errors);
    await assertOwn(accountId, targetKind, targetName, targets);
    return enqueue(accountId, kind, { target_ids: targets, source }, await countSource(db, accountId, source));
  }

  async function deleteContacts(accountId: string, body: Body, by?: BulkRequester) {
    const errors: Record<string, string> = {};
    const source: BulkSource = { contact_ids: ids(errors, 'contact_ids', body.contact_ids, 500), list_ids: ids(errors, 'list_ids', body.list_ids, 50) };
    if (!Object.keys(errors).length && (source.contact_ids === undefined) === (source.list_ids === undefined)) errors.contact_ids = 'give either contact_ids or list_ids';
    await checked(accountId, source, errors);
    return enqueue(accountId, kinds.CONTACT_DELETE, { source }, await countSource(db, accountId, source), by);
  }

  async function deleteTags(accountId: string, body: Body, by?: BulkRequester) {
    const errors: Record<string, string> = {};
    const tagIds = ids(errors, 'tag_ids', body.tag_ids, 500, true);
    if (Object.keys(errors).length) throw invalidFields(errors);
    await assertOwn(accountId, 'tags', 'tag_ids', tagIds);
    return enqueue(accountId, TAG_DELETE, { tag_ids: tagIds }, tagIds!.length, by);
  }

  async function deleteCustomFields(accountId: string, body: Body, by?: BulkRequester) {
    const errors: Record<string, string> = {};
    const fieldIds = ids(errors, 'custom_field_ids', body.custom_field_ids, 100, true);
    if (Object.keys(errors).length) throw invalidFields(errors);
    await assertOwn(accountId, 'custom_fields', 'custom_field_ids', fieldIds);
    return enqueue(accountId, kinds.CUSTOM_FIELDS_DELETE, { custom_field_ids: fieldIds }, fieldIds!.length, by);
  }

  /** `layout`: order and format of the file, which only the legacy v2 export asks for. */
  async function exportContacts(
    accountId: string,
    body: Body,
    by?: BulkRequester,
    layout: Pick<ExportPayload, 'order' | 'format'> = {},
  ) {
    const errors: Record<string, string> = {};
    const source: BulkSource = {
      contact_ids: ids(errors, 'contact_ids', body.contact_ids, 500),
      list_ids: ids(errors, 'list_ids', body.list_ids, 50),
      tag_ids: ids(errors, 'tag_ids', body.tag_ids, 50),
      exclude_ids: exclude(body, errors),
    };
    const status = body.status ?? 'all';
    if (typeof status !== 'string' || ![...PERMISSIONS, 'all', 'active', 'deleted'].includes(status)) {
      errors.status = `status must be one of all, active, deleted, ${PERMISSIONS.join(', ')}`;
    } else if (status === 'active') source.statuses = ['explicit', 'implicit', 'pending_confirmation', 'not_set', 'temp_hold'];
    else if (status === 'deleted') source.include_deleted = true;
    else if (status !== 'all') source.statuses = [status as PermissionToSend];
    const customFields = await customFieldsByName(db, accountId);
    const fields = body.fields ?? ['email', 'first_name', 'last_name'];
    if (!Array.isArray(fields) || !fields.length || fields.some((f) => typeof f !== 'string')) errors.fields = 'fields must be an array of field names';
    else {
      const unknown = fields.filter((f: string) => !(EXPORT_FIELDS as readonly string[]).includes(f) && !(f.startsWith('cf:') && customFields[f.slice(3).toLowerCase()]));
      if (unknown.length) errors.fields = `fields: ${unknown.join(', ')} unknown; use ${EXPORT_FIELDS.join(', ')} or cf:<custom field name>`;
    }
    await checked(accountId, source, errors);
    const payload: ExportPayload = { source, fields: fields as string[], custom_fields: customFields, ...layout };
    return enqueue(accountId, CONTACT_EXPORTS, payload, await countSource(db, accountId, source), by);
  }

  /** The export's CSV as a stream; 404 when unknown, not finished or expired (then the file is gone). */
  async function openExport(accountId: string, activityId: string): Promise<ReadStream> {
    const row = isUuid(activityId) ? await repo.findActivity(db, accountId, activityId.toLowerCase()) : undefined;
    const file = row?.kind === CONTACT_EXPORTS ? exportFilePath(deps.exportDir, row) : null;
    if (!file || !existsSync(file)) throw new AppError('NOT_FOUND', 'Export file not found: unknown, not finished, or expired');
    return createReadStream(file);
  }

  /** Every bad row of an activity as CSV (row, email, reason), read from the database page by page. */
  async function rowErrorsCsv(accountId: string, activityId: string): Promise<Readable> {
    await activities.getActivity(accountId, activityId);
    async function* lines() {
      yield csvLine(['row', 'email', 'reason']);
      for (let after = 0; ; ) {
        const page = await listRowErrors(db, accountId, activityId, after, 1000);
        if (page.length) yield page.map((e) => csvLine([e.row_number, e.email, e.reason])).join('');
        if (page.length < 1000) return;
        after = page.at(-1)!.row_number;
      }
    }
    return Readable.from(lines());
  }

  /** Deletes export files past their lifetime; returns how many. */
  async function sweepExpiredExports(): Promise<number> {
    const before = new Date(clock.now().getTime() - deps.exportTtlMs).toISOString();
    const rows = await repo.findExpiredResults(db, CONTACT_EXPORTS, before);
    for (const row of rows) {
      const file = exportFilePath(deps.exportDir, row);
      if (file) await rm(file, { force: true });
      await repo.updateActivity(db, row.activity_id, { result_file: null });
    }
    return rows.length;
  }

  return { linkActivity, deleteContacts, deleteTags, deleteCustomFields, exportContacts, openExport, rowErrorsCsv, sweepExpiredExports };
}
