// Merges the previous output with the changes of this run, all sorted by contact_id: a k-way merge in
// which the newest change of a contact wins, so the output is one row per contact in constant memory.
import { type Row, type SyncFormat, TOMBSTONES } from './contact-rows.ts';
import { ChangeBatch } from './change-runs.ts';
import type { OutputWriter } from './output-writer.ts';
import type { RecordCursor } from './record-file.ts';

export type MergeCounts = { added: number; updated: number; removed: number; total: number };

type Cursor = Pick<RecordCursor, 'key' | 'status' | 'buf' | 'start' | 'end' | 'advance'>;

/** A sorted cursor over rows given in memory (tests, small batches). */
export function memoryCursor(format: SyncFormat, rows: Iterable<Row>): Cursor {
  const batch = new ChangeBatch(format, Number.MAX_SAFE_INTEGER);
  for (const row of rows) batch.add(row);
  return batch.take();
}

/** The row of `cursor` with its status column replaced (a tombstone keeps the last known data). */
function withStatus(format: SyncFormat, cursor: Cursor, status: string): Buffer {
  const row = cursor.buf.subarray(cursor.start, cursor.end);
  const from = format === 'csv' ? row.indexOf(0x2c) + 1 : row.indexOf('"status":"') + '"status":"'.length;
  const to = row.indexOf(format === 'csv' ? 0x2c : 0x22, from);
  return Buffer.concat([row.subarray(0, from), Buffer.from(status), row.subarray(to)]);
}

/**
 * Writes the merged rows. `previous` is the last output (or null); `changes` are sorted runs, oldest first.
 * With `authoritative` (a full walk) a contact of the previous output that the walk did not return is gone.
 */
export async function mergeRows(
  writer: OutputWriter,
  format: SyncFormat,
  previous: RecordCursor | null,
  changes: Cursor[],
  authoritative: boolean,
): Promise<MergeCounts> {
  const counts: MergeCounts = { added: 0, updated: 0, removed: 0, total: 0 };
  const all = previous ? [previous, ...changes] : changes;
  for (;;) {
    // Unchanged stretches of the previous output are copied in bulk, without looking at each row.
    if (previous?.key != null && !authoritative) {
      let next: string | null = null;
      for (const c of changes) if (c.key !== null && (next === null || c.key < next)) next = c.key;
      if (next === null || previous.key < next) {
        counts.total += await previous.copyBefore(next, writer);
        continue;
      }
    }
    let key: string | null = null;
    for (const c of all) if (c.key !== null && (key === null || c.key < key)) key = c.key;
    if (key === null) break;
    const p = previous && previous.key === key ? previous : null;
    let n: Cursor | null = null;
    for (const c of changes) if (c.key === key) n = c;

    if (!n) {
      const pLive = !TOMBSTONES.has(p!.status);
      if (authoritative && pLive) {
        await writer.append(withStatus(format, p!, 'removed'));
        counts.removed++;
      } else {
        await writer.append(p!.buf, p!.start, p!.end);
        if (pLive) counts.total++;
      }
    } else if (TOMBSTONES.has(n.status)) {
      // A contact the output never listed needs no tombstone.
      if (p) {
        if (!TOMBSTONES.has(p.status)) counts.removed++;
        await writer.append(
          p.status === n.status ? p.buf.subarray(p.start, p.end) : withStatus(format, p, n.status),
        );
      }
    } else {
      if (!p || TOMBSTONES.has(p.status)) counts.added++;
      else if (Buffer.compare(p.buf.subarray(p.start, p.end), n.buf.subarray(n.start, n.end)) !== 0)
        counts.updated++;
      await writer.append(n.buf, n.start, n.end);
      counts.total++;
    }
    for (const c of all) if (c.key === key) await c.advance();
  }
  return counts;
}

/**
 * Merges sorted runs into one, the newest row of each contact winning. Tombstones stay: the previous
 * output is not part of this merge, so a deletion must survive until the final one.
 */
export async function consolidateRuns(writer: OutputWriter, runs: Cursor[]): Promise<number> {
  let rows = 0;
  for (; ; rows++) {
    let key: string | null = null;
    for (const c of runs) if (c.key !== null && (key === null || c.key < key)) key = c.key;
    if (key === null) return rows;
    let newest: Cursor | null = null;
    for (const c of runs) if (c.key === key) newest = c;
    await writer.append(newest!.buf, newest!.start, newest!.end);
    for (const c of runs) if (c.key === key) await c.advance();
  }
}
