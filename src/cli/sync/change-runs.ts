// Collects the rows of fetched changes in one preallocated buffer (plus typed-array offsets, so millions
// of rows leave no garbage behind) and writes them sorted as run files: the external sort of a large sync.
import { rename } from 'node:fs/promises';
import { CSV_HEADER, type Row, type SyncFormat, type SyncStatus } from './contact-rows.ts';
import { OutputWriter } from './output-writer.ts';

/** A sorted view of rows whose bytes live in a buffer: what the merge reads (same shape as a file cursor). */
export type SortedRows = {
  key: string | null;
  status: string;
  buf: Buffer;
  start: number;
  end: number;
  advance(): Promise<void>;
};

const STATUSES: readonly SyncStatus[] = ['active', 'unsubscribed', 'deleted', 'removed'];

export class ChangeBatch {
  private arena: Buffer = Buffer.alloc(0);
  /** The arena of the last run written, reused so that a long walk does not pile up buffers for the GC. */
  private spare: Buffer | null = null;
  private used = 0;
  private count = 0;
  /** Per row: start of the row, start and end of its key, and its status (index in STATUSES). */
  private starts = new Int32Array(1024);
  private keyStarts = new Int32Array(1024);
  private keyEnds = new Int32Array(1024);
  private statuses = new Uint8Array(1024);
  private readonly keyOffset: number;
  readonly format: SyncFormat;
  /** Write a run once the rows take this many bytes. */
  readonly maxBytes: number;

  constructor(format: SyncFormat, maxBytes = 16 << 20) {
    this.format = format;
    this.maxBytes = maxBytes;
    // Rows start with their key: `id,…` in CSV, `{"contact_id":"id",…` in JSONL.
    this.keyOffset = format === 'csv' ? 0 : '{"contact_id":"'.length;
  }

  private grow(length: number): void {
    if (this.used === 0 && this.spare && this.spare.length >= length) {
      this.arena = this.spare;
      this.spare = null;
    }
    if (this.used + length > this.arena.length) {
      const initial = Math.min(this.maxBytes, 16 << 20) + 64 * 1024;
      const bigger = Buffer.allocUnsafe(Math.max(initial, this.arena.length * 2, this.used + length));
      this.arena.copy(bigger, 0, 0, this.used);
      this.arena = bigger;
    }
    if (this.count === this.starts.length) {
      const size = this.count * 2;
      const widen = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      this.starts = widen(this.starts, (n) => new Int32Array(n));
      this.keyStarts = widen(this.keyStarts, (n) => new Int32Array(n));
      this.keyEnds = widen(this.keyEnds, (n) => new Int32Array(n));
      this.statuses = widen(this.statuses, (n) => new Uint8Array(n));
    }
  }

  /** Keeps the row; a later row of the same contact replaces an earlier one when the batch is read. */
  add(row: Row): void {
    const length = Buffer.byteLength(row.text);
    this.grow(length);
    const i = this.count++;
    this.starts[i] = this.used;
    this.keyStarts[i] = this.used + this.keyOffset;
    this.keyEnds[i] = this.keyStarts[i]! + Buffer.byteLength(row.key, 'latin1');
    this.statuses[i] = STATUSES.indexOf(row.status);
    this.arena.write(row.text, this.used);
    this.used += length;
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.used >= this.maxBytes;
  }

  /** Hands the rows over as a cursor sorted by key (the newest row of a contact only) and empties the batch. */
  take(): SortedRows {
    const { arena, starts, keyStarts: ks, keyEnds: ke, statuses, count, used } = this;
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    const compare = (a: number, b: number) => arena.compare(arena, ks[b]!, ke[b]!, ks[a]!, ke[a]!);
    order.sort((a, b) => compare(a, b) || a - b);
    this.arena = Buffer.alloc(0);
    this.used = 0;
    this.count = 0;
    this.starts = new Int32Array(1024);
    this.keyStarts = new Int32Array(1024);
    this.keyEnds = new Int32Array(1024);
    this.statuses = new Uint8Array(1024);

    const endOf = (row: number) => (row + 1 < count ? starts[row + 1]! : used);
    let position = -1;
    const cursor: SortedRows = {
      key: null,
      status: '',
      buf: arena,
      start: 0,
      end: 0,
      advance: async () => next(),
    };
    function next(): void {
      position++;
      // Of several rows of one contact, the last added sorts last: skip to it.
      while (position + 1 < count && compare(order[position]!, order[position + 1]!) === 0) position++;
      if (position >= count) {
        cursor.key = null;
        return;
      }
      const row = order[position]!;
      cursor.key = arena.toString('latin1', ks[row], ke[row]);
      cursor.status = STATUSES[statuses[row]!]!;
      cursor.start = starts[row]!;
      cursor.end = endOf(row);
    }
    next();
    return cursor;
  }

  /** Writes the batch sorted by key to `file` (complete and fsynced once this resolves) and empties it. */
  async writeRun(file: string): Promise<number> {
    const rows = this.take();
    const temp = `${file}.partial`;
    const writer = await OutputWriter.create(temp, 0o600);
    let count = 0;
    try {
      if (this.format === 'csv') await writer.append(Buffer.from(CSV_HEADER));
      for (; rows.key !== null; await rows.advance(), count++)
        await writer.append(rows.buf, rows.start, rows.end);
      await writer.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    // Every slice of the arena has been written: it can take the next batch.
    this.spare = rows.buf;
    await rename(temp, file);
    return count;
  }
}
