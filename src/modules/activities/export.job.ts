// The contact_exports activity: writes the source's contacts as CSV to a temporary file, page by page; the
// checkpoint holds the last contact id and the file's length after it, so a re-run first cuts off what a
// crashed step appended. The finished file is renamed into place and served until it expires.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/database.ts';
import type { ContactsTable } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { csvLine } from '../../shared/csv.ts';
import type { ActivityRow } from './activities.repository.ts';
import type { ActivityJob } from './activities.runner.ts';
import { type BulkSource, sourceContactsPage } from './bulk-source.repository.ts';
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
] as const;

export type ExportPayload = {
  source: BulkSource;
  fields: string[];
  /** custom field name → id, for the cf: fields */
  custom_fields: Record<string, string>;
};

type Checkpoint = { after: string; bytes: number };

const fileOf = (activity: ActivityRow) => `${activity.activity_id}.csv`;

function cell(contact: ContactsTable, field: string, values: Map<string, string>, customFields: Record<string, string>) {
  if (field.startsWith('cf:')) return values.get(`${contact.contact_id} ${customFields[field.slice(3).toLowerCase()]}`) ?? '';
  if (field === 'email') return contact.email_address;
  return contact[field as Exclude<(typeof EXPORT_FIELDS)[number], 'email'>];
}

export function createExportJob(deps: { clock: Clock; dir: string; batchSize?: number }): ActivityJob {
  const batch = deps.batchSize ?? 2000;
  return {
    kind: CONTACT_EXPORTS,
    async step(trx: Db, activity: ActivityRow) {
      const payload = JSON.parse(activity.payload ?? '{}') as ExportPayload;
      const final = path.join(deps.dir, fileOf(activity));
      const part = `${final}.part`;
      const at: Checkpoint = activity.checkpoint ? (JSON.parse(activity.checkpoint) as Checkpoint) : { after: '', bytes: 0 };
      if (!activity.checkpoint) {
        await mkdir(deps.dir, { recursive: true });
        const header = csvLine(payload.fields);
        await writeFile(part, header);
        return { completed: 0, done: false, checkpoint: { after: '', bytes: Buffer.byteLength(header) } };
      }
      if (!existsSync(part)) {
        // Renamed by a step whose commit was lost: the file is complete.
        if (existsSync(final)) return { completed: 0, done: true, resultFile: fileOf(activity) };
        throw new Error(`export file ${part} is missing`);
      }
      await truncate(part, at.bytes);
      const page = await sourceContactsPage(trx, activity.account_id, payload.source, at.after, batch);
      const contacts = page.rows;
      if (!page.last) {
        await rename(part, final);
        return { completed: 0, done: true, resultFile: fileOf(activity) };
      }
      const needsValues = payload.fields.some((f) => f.startsWith('cf:'));
      const values = needsValues ? await findCustomValues(trx, activity.account_id, contacts.map((c) => c.contact_id)) : new Map<string, string>();
      const text = contacts.map((c) => csvLine(payload.fields.map((f) => cell(c, f, values, payload.custom_fields)))).join('');
      await appendFile(part, text);
      return {
        completed: contacts.length,
        done: false,
        checkpoint: { after: page.last, bytes: at.bytes + Buffer.byteLength(text) } satisfies Checkpoint,
      };
    },
    async cleanup(activity) {
      if (activity.state !== 'completed') await rm(path.join(deps.dir, `${fileOf(activity)}.part`), { force: true });
    },
  };
}

/** The export's file, or null when the activity has none (yet, or any more). */
export function exportFilePath(dir: string, activity: ActivityRow): string | null {
  return activity.result_file ? path.join(dir, activity.result_file) : null;
}
