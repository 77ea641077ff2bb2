// The contacts_file_import and contacts_json_import activities: read the stored file from the checkpoint (a
// byte offset after the last committed row), apply a batch of rows and record the new offset in the same
// transaction, so a restarted job never applies a row twice. Bad rows are recorded, not fatal.
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/database.ts';
import { refreshStatistics } from '../../db/planner.ts';
import type { Clock } from '../../shared/clock.ts';
import { CsvError, parseCsvRecords } from '../../shared/csv.ts';
import type { ActivityRow, StoredError } from './activities.repository.ts';
import { type ActivityJob, JobFailure } from './activities.runner.ts';
import { type ImportColumns, type ImportRow, parseImportRow } from './import-rows.ts';
import { applyImportBatch } from './import-writes.ts';
import { insertRowErrors, type RowErrorRow } from './import.repository.ts';

export const CONTACTS_FILE_IMPORT = 'contacts_file_import';
export const CONTACTS_JSON_IMPORT = 'contacts_json_import';

/** A row (record) longer than this fails the import: no cell of a contact comes near it. */
export const MAX_ROW_BYTES = 1024 * 1024;

export type ImportPayload = {
  /** File name under the imports directory: CSV (file import) or one JSON object per line (JSON import). */
  file: string;
  format: 'csv' | 'jsonl';
  columns: ImportColumns;
  list_ids: string[];
  /** Byte offset of the first data row (after the header and any BOM). */
  start: number;
};

export type ImportCheckpoint = { offset: number; row: number };

/** The tables an import grows and then looks rows up in (by address, membership, custom value). */
const GROWN_TABLES = ['contacts', 'list_memberships', 'contact_custom_values', 'contact_changes'];
/** Statistics are refreshed when an import's row count passes 20,000, 40,000, 80,000 … and at its end. */
const FIRST_REFRESH = 20_000;

function passedRefreshPoint(before: number, after: number): boolean {
  for (let point = FIRST_REFRESH; point <= after; point *= 2) if (before < point) return true;
  return false;
}

/** Reads whole records from `offset`: up to `max` of them, and whether the file ended. */
async function readRecords(file: string, offset: number, format: ImportPayload['format'], max: number, firstRow: number) {
  const handle = await open(file, 'r');
  try {
    let pending: Buffer = Buffer.alloc(0);
    let position = offset;
    let eof = false;
    const records: { cells: string[] | Record<string, unknown>; end: number }[] = [];
    let consumed = 0;
    while (records.length < max && !eof) {
      const chunk = Buffer.alloc(256 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      position += bytesRead;
      eof = bytesRead === 0;
      pending = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const parsed = format === 'csv' ? parseCsvChunk(pending, eof, max - records.length, firstRow + records.length) : parseJsonLines(pending, eof, max - records.length);
      for (const r of parsed.records) records.push({ cells: r.cells, end: consumed + r.end });
      consumed += parsed.consumed;
      pending = pending.subarray(parsed.consumed);
      if (pending.length > MAX_ROW_BYTES) {
        throw new JobFailure(`row ${firstRow + records.length + 1} is longer than ${MAX_ROW_BYTES} bytes; the import stopped there`);
      }
    }
    return { records, next: offset + consumed, done: eof };
  } finally {
    await handle.close();
  }
}

function parseCsvChunk(buf: Buffer, eof: boolean, max: number, row: number) {
  try {
    const { records, consumed } = parseCsvRecords(buf, eof, max);
    return { records: records.map((r) => ({ cells: r.fields, end: r.end })), consumed };
  } catch (error) {
    if (error instanceof CsvError) throw new JobFailure(`row ${row + 1} cannot be read: ${error.message}; the import stopped there`);
    throw error;
  }
}

function parseJsonLines(buf: Buffer, eof: boolean, max: number) {
  const records: { cells: Record<string, unknown>; end: number }[] = [];
  let pos = 0;
  while (records.length < max) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    records.push({ cells: JSON.parse(buf.toString('utf8', pos, nl)) as Record<string, unknown>, end: nl + 1 });
    pos = nl + 1;
  }
  if (eof && pos < buf.length && records.length < max) throw new JobFailure('the stored import file ends mid-row');
  return { records, consumed: pos };
}

/** A record as column → cell (trimmed strings; empty cells dropped). */
function cellsOf(record: string[] | Record<string, unknown>, names: readonly string[]): Record<string, string> | string {
  const cells: Record<string, string> = {};
  if (Array.isArray(record)) {
    if (record.length !== names.length) return `the row has ${record.length} cells, the header has ${names.length}`;
    names.forEach((name, i) => {
      if (record[i]!.trim() !== '') cells[name] = record[i]!;
    });
  } else {
    for (const [name, value] of Object.entries(record)) if (value !== null && value !== '') cells[name] = String(value);
  }
  return cells;
}

export function createImportJob(deps: { clock: Clock; dir: string; batchSize?: number }, kind: string): ActivityJob {
  // Rows per step (one transaction): large enough that the statements and the commit cost little per row,
  // small enough that a step holds a few megabytes.
  const batch = deps.batchSize ?? 5000;
  const payloadOf = (activity: ActivityRow) => JSON.parse(activity.payload ?? '{}') as ImportPayload;
  return {
    kind,
    async step(trx: Db, activity: ActivityRow) {
      const payload = payloadOf(activity);
      const at = activity.checkpoint ? (JSON.parse(activity.checkpoint) as ImportCheckpoint) : { offset: payload.start, row: 1 };
      const read = await readRecords(path.join(deps.dir, payload.file), at.offset, payload.format, batch, at.row);
      const rows: ImportRow[] = [];
      const rowErrors: RowErrorRow[] = [];
      read.records.forEach((record, i) => {
        const rowNumber = at.row + i + 1;
        const cells = cellsOf(record.cells, payload.columns.names);
        const parsed = typeof cells === 'string' ? { reason: cells, email: undefined } : parseImportRow(cells, payload.columns);
        if ('reason' in parsed) {
          rowErrors.push({ activity_id: activity.activity_id, account_id: activity.account_id, row_number: rowNumber, email: parsed.email ?? null, reason: parsed.reason });
        } else rows.push(parsed);
      });
      const now = deps.clock.now().toISOString();
      if (rows.length) await applyImportBatch(trx, { accountId: activity.account_id, listIds: payload.list_ids, now }, rows);
      await insertRowErrors(trx, rowErrors);
      const errors: StoredError[] = rowErrors.map((e) => ({ message: e.reason, line_number: e.row_number, ...(e.email ? { email: e.email } : {}) }));
      return {
        completed: read.records.length,
        done: read.done,
        checkpoint: { offset: read.next, row: at.row + read.records.length } satisfies ImportCheckpoint,
        errorCount: rowErrors.length,
        errors,
      };
    },
    status: (activity) => ({ person_count: activity.items_completed_count - activity.error_count, correctable_count: 0 }),
    // On PostgreSQL, a table that grew by an import keeps the statistics of its smaller self until
    // autovacuum's next ANALYZE, and each batch's lookups are then planned as scans of a small table: a
    // re-import of 1,000,000 unchanged rows took 205 s so.
    async afterStep(db, before, after) {
      const grew = passedRefreshPoint(before.items_completed_count, after.items_completed_count);
      if (grew || (after.state === 'completed' && after.items_completed_count >= FIRST_REFRESH)) await refreshStatistics(db, GROWN_TABLES);
    },
    async cleanup(activity) {
      await rm(path.join(deps.dir, payloadOf(activity).file), { force: true });
    },
  };
}
