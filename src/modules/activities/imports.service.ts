// POST /activities/contacts_file_import and contacts_json_import: check the request (lists, columns, rows),
// keep the rows in a file under the data directory, and enqueue the import job that applies them.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Db } from '../../db/database.ts';
import { invalidFields } from '../../errors.ts';
import { newId } from '../../shared/crypto.ts';
import { existingIds } from '../contacts/contact-refs.repository.ts';
import { isUuid } from '../contacts/formats.ts';
import type { ApiActivity } from './activities.repository.ts';
import type { ActivitiesService } from './activities.service.ts';
import { checkColumns, columnNames, type ImportColumns } from './import-rows.ts';
import { receiveCsv } from './import-upload.ts';
import { CONTACTS_FILE_IMPORT, CONTACTS_JSON_IMPORT, type ImportPayload } from './import.job.ts';
import { customFieldsByName } from './import.repository.ts';

/** A part of a multipart body, as the route hands it over. */
export type UploadPart = { type: 'file'; fieldname: string; file: Readable } | { type: 'field'; fieldname: string; value: unknown };

export type ImportsService = ReturnType<typeof createImportsService>;

/** list_ids as a multipart field: repeated fields, comma-separated ids, or a JSON array. */
function splitListIds(values: readonly unknown[]): unknown[] {
  return values.flatMap((v) => {
    if (typeof v !== 'string') return [v];
    const text = v.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown[];
      } catch {
        return [text];
      }
    }
    return text.split(',').map((s) => s.trim()).filter(Boolean);
  });
}

/** The dialect's SMS permission of an import: accepted when valid; the sms_* columns it applies to are refused. */
const SMS_PERMISSIONS = ['explicit', 'not_set'];

function checkSmsPermission(value: unknown): void {
  if (typeof value !== 'string' || !SMS_PERMISSIONS.includes(value)) {
    throw invalidFields({ sms_permission_to_send: `sms_permission_to_send must be one of: ${SMS_PERMISSIONS.join(', ')}` });
  }
}

export function createImportsService(deps: { db: Db; activities: ActivitiesService; dir: string }) {
  const { db, activities, dir } = deps;

  /** The account's own live lists, or a 400 naming the others. */
  async function checkLists(accountId: string, value: unknown): Promise<string[]> {
    if (!Array.isArray(value) || value.length < 1 || value.length > 50 || !value.every(isUuid)) {
      throw invalidFields({ list_ids: 'list_ids must be an array of 1 to 50 list ids (UUIDs)' });
    }
    const ids = [...new Set(value.map((id) => id.toLowerCase()))];
    const found = await existingIds(db, accountId, 'lists', ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw invalidFields({ list_ids: `list_ids: ${missing.join(', ')} is not one of this account's lists` });
    return ids;
  }

  async function columnsFor(accountId: string, names: string[]): Promise<ImportColumns> {
    const customFields = await customFieldsByName(db, accountId);
    const problems = checkColumns(names, new Set(Object.keys(customFields)));
    if (problems.length) throw invalidFields(Object.fromEntries(problems.map((p, i) => [`columns[${i}]`, p])));
    return { names, customFields };
  }

  async function enqueue(accountId: string, kind: string, payload: ImportPayload, rows: number): Promise<ApiActivity> {
    const id = await db.transaction().execute((trx) => activities.enqueue(trx, { accountId, kind, payload, itemsTotal: rows }));
    activities.start(id);
    return activities.getActivity(accountId, id);
  }

  /** Multipart: `file` (CSV) and `list_ids`, in either order; the file goes to disk as it arrives. */
  async function importFile(accountId: string, parts: AsyncIterable<UploadPart>): Promise<ApiActivity> {
    await mkdir(dir, { recursive: true });
    const file = `${newId()}.csv`;
    const full = path.join(dir, file);
    const listValues: unknown[] = [];
    let scanned: Awaited<ReturnType<typeof receiveCsv>> | null = null;
    try {
      for await (const part of parts) {
        if (part.type === 'file' && part.fieldname === 'file' && !scanned) scanned = await receiveCsv(part.file, full);
        else if (part.type === 'file') part.file.resume();
        else if (part.fieldname === 'list_ids') listValues.push(part.value);
        else if (part.fieldname === 'sms_permission_to_send') checkSmsPermission(part.value);
      }
      if (!scanned) throw invalidFields({ file: 'file is required: a CSV file sent as the multipart part named file' });
      const listIds = await checkLists(accountId, splitListIds(listValues));
      const columns = await columnsFor(accountId, columnNames(scanned.header));
      if (!scanned.rows) throw invalidFields({ file: 'the file has a header but no contact rows' });
      const payload: ImportPayload = { file, format: 'csv', columns, list_ids: listIds, start: scanned.start };
      return await enqueue(accountId, CONTACTS_FILE_IMPORT, payload, scanned.rows);
    } catch (error) {
      await rm(full, { force: true });
      throw error;
    }
  }

  /** JSON: `import_data` (objects of the dialect's column names) and `list_ids`; kept as JSON lines. */
  async function importJson(
    accountId: string,
    body: { import_data: Record<string, unknown>[]; list_ids: string[]; sms_permission_to_send?: string },
  ): Promise<ApiActivity> {
    if (body.sms_permission_to_send !== undefined) checkSmsPermission(body.sms_permission_to_send);
    const rows = body.import_data;
    if (!rows.length) throw invalidFields({ import_data: 'import_data must contain at least one contact' });
    const listIds = await checkLists(accountId, body.list_ids);
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const columns = await columnsFor(accountId, columnNames(names));
    const lower = new Map(names.map((n, i) => [n, columns.names[i]!]));
    const lines = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [lower.get(k), v]))));
    await mkdir(dir, { recursive: true });
    const file = `${newId()}.jsonl`;
    await writeFile(path.join(dir, file), `${lines.join('\n')}\n`);
    return enqueue(accountId, CONTACTS_JSON_IMPORT, { file, format: 'jsonl', columns, list_ids: listIds, start: 0 }, rows.length);
  }

  return { importFile, importJson };
}
