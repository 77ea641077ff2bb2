// The contact_exports activity: writes the source's contacts as CSV to a temporary file, page by page; the
// checkpoint holds the last contact id and the file's length after it, so a re-run first cuts off what a
// crashed step appended. The finished file is renamed into place and served until it expires.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/database.ts';
import type { ContactsTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { csvLine, tsvLine } from '../../shared/csv.ts';
import type { ActivityRow } from './activities.repository.ts';
import type { ActivityJob } from './activities.runner.ts';
import { type BulkSource, type SourceOrder, sourceContactsPage, sourceContactsPageInOrder } from './bulk-source.repository.ts';
import { findCustomValues } from './import.repository.ts';

export const CONTACT_EXPORTS = 'contact_exports';

/** Columns an export can have, besides cf:<custom field name>. */
export const EXPORT_FIELDS = [
  'contact_id',
  'email',
  'first_name',
  'last_name',
  'job_title',
  'company_name',
  'birthday_month',
  'birthday_day',
  'anniversary',
  'permission_to_send',
  'created_at',
  'updated_at',
  'create_source',
] as const;

export type ExportPayload = {
  source: BulkSource;
  fields: string[];
  /** custom field name → id, for the cf: fields */
  custom_fields: Record<string, string>;
  /** Row order (the legacy v2 export's sort_by); absent: contact id order. */
  order?: SourceOrder;
  /** `txt`: tab-separated values in a .txt file (the legacy v2 export's file_type); absent: CSV. */
  format?: 'csv' | 'txt';
};

type Checkpoint = { after: string; bytes: number };

const fileOf = (activity: ActivityRow, payload: ExportPayload) => `${activity.activity_id}.${payload.format === 'txt' ? 'txt' : 'csv'}`;

type ExportColumn = Exclude<(typeof EXPORT_FIELDS)[number], 'email'> | 'email_address';

/** The contacts' columns the fields read (custom values are read apart, by contact id). */
function columnsOf(fields: readonly string[]): ExportColumn[] {
  return fields.filter((f) => !f.startsWith('cf:')).map((f) => (f === 'email' ? 'email_address' : (f as ExportColumn)));
}

type ExportRow = Pick<ContactsTable, ExportColumn>;
type Cell = (contact: ExportRow) => string | number | null;

/** One reader per field, chosen once per page rather than once per cell. */
function cellReaders(fields: readonly string[], values: Map<string, string>, customFields: Record<string, string>): Cell[] {
  return fields.map((field): Cell => {
    if (field.startsWith('cf:')) {
      const id = customFields[field.slice(3).toLowerCase()];
      return (contact) => values.get(`${contact.contact_id} ${id}`) ?? '';
    }
    const column = field === 'email' ? 'email_address' : (field as ExportColumn);
    return (contact) => contact[column];
  });
}

export function createExportJob(deps: { clock: Clock; dir: string; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 2000;
  return {
    kind: CONTACT_EXPORTS,
    async step(trx: Db, activity: ActivityRow) {
      const payload = JSON.parse(activity.payload ?? '{}') as ExportPayload;
      const final = path.join(deps.dir, fileOf(activity, payload));
      const line = payload.format === 'txt' ? tsvLine : csvLine;
      const part = `${final}.part`;
      const at: Checkpoint = activity.checkpoint ? (JSON.parse(activity.checkpoint) as Checkpoint) : { after: '', bytes: 0 };
      if (!activity.checkpoint) {
        await mkdir(deps.dir, { recursive: true });
        const header = line(payload.fields);
        await writeFile(part, header);
        return { completed: 0, done: false, checkpoint: { after: '', bytes: Buffer.byteLength(header) } };
      }
      if (!existsSync(part)) {
        // Renamed by a step whose commit was lost: the file is complete.
        if (existsSync(final)) return { completed: 0, done: true, resultFile: fileOf(activity, payload) };
        throw new Error(`export file ${part} is missing`);
      }
      await truncate(part, at.bytes);
      const page = payload.order
        ? await sourceContactsPageInOrder(trx, activity.account_id, payload.source, payload.order, at.after, batch, columnsOf(payload.fields))
        : await sourceContactsPage(trx, activity.account_id, payload.source, at.after, batch, columnsOf(payload.fields));
      const contacts = page.rows;
      if (!page.last) {
        await rename(part, final);
        return { completed: 0, done: true, resultFile: fileOf(activity, payload) };
      }
      const needsValues = payload.fields.some((f) => f.startsWith('cf:'));
      const values = needsValues ? await findCustomValues(trx, activity.account_id, contacts.map((c) => c.contact_id)) : new Map<string, string>();
      const cells = cellReaders(payload.fields, values, payload.custom_fields);
      const row: (string | number | null)[] = new Array(cells.length);
      let text = '';
      for (const contact of contacts) {
        for (let i = 0; i < cells.length; i++) row[i] = cells[i]!(contact);
        text += line(row);
      }
      const bytes = Buffer.from(text);
      await appendFile(part, bytes);
      return {
        completed: contacts.length,
        done: false,
        checkpoint: { after: page.last, bytes: at.bytes + bytes.length } satisfies Checkpoint,
      };
    },
    async cleanup(activity) {
      const payload = JSON.parse(activity.payload ?? '{}') as ExportPayload;
      if (activity.state !== 'completed') await rm(path.join(deps.dir, `${fileOf(activity, payload)}.part`), { force: true });
    },
  };
}

/** The export's file, or null when the activity has none (yet, or any more). */
export function exportFilePath(dir: string, activity: ActivityRow): string | null {
  return activity.result_file ? path.join(dir, activity.result_file) : null;
}
