// Streaming reader of a sync output file (CSV or JSONL, sorted by contact_id): yields each record's key,
// status and bytes from 1 MiB chunks, and copies long stretches of unchanged records in bulk, so a file
// of millions of rows is merged in constant memory and at close to disk speed.
import { type FileHandle, open } from 'node:fs/promises';
import { CSV_HEADER, type SyncFormat } from './contact-rows.ts';
import type { OutputWriter } from './output-writer.ts';

const NL = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const JSON_PREFIX = Buffer.from('{"contact_id":"');
const JSON_STATUS = Buffer.from('","status":"');
/** First letters of the tombstone statuses, deleted and removed (the live ones are active, unsubscribed). */
const TOMBSTONE_INITIALS = new Set([0x64, 0x72]);

/** The file is not one listgate wrote (unknown header, unsorted or unreadable rows). */
export class RecordFormatError extends Error {
  constructor(file: string, detail: string) {
    super(`${file} is not a sync output listgate can merge (${detail})`);
    this.name = 'RecordFormatError';
  }
}

export type RecordCursor = {
  /** Key of the current record, or null at the end. */
  key: string | null;
  status: string;
  buf: Buffer;
  start: number;
  end: number;
  /** Moves to the next record; resolves once it is available. */
  advance(): Promise<void>;
  /**
   * Copies the current record and every following one whose key sorts before `bound` (all, when null) to
   * `writer` as whole byte ranges, leaves the cursor on the first record not copied, and returns how many
   * of the copied records are live (not deleted or removed).
   */
  copyBefore(bound: string | null, writer: OutputWriter): Promise<number>;
  close(): Promise<void>;
};

export async function openRecordFile(
  file: string,
  format: SyncFormat,
  chunkSize = 1 << 20,
): Promise<RecordCursor> {
  const handle: FileHandle = await open(file, 'r');
  let store = Buffer.allocUnsafe(chunkSize * 2);
  let buf = store.subarray(0, 0);
  let pos = 0;
  let eof = false;
  // The last key seen, copied as bytes (order checks without making strings; the buffer is reused).
  let lastKey = Buffer.alloc(64);
  let lastKeyLength = 0;
  // Position of the next quote at or after the last search point (-1: none left, -2: not searched yet);
  // caching it keeps a CSV without quotes from being rescanned for every row.
  let quoteAt = -2;

  function quoteFrom(from: number): number {
    if (quoteAt === -2 || (quoteAt !== -1 && quoteAt < from)) quoteAt = buf.indexOf(QUOTE, from);
    return quoteAt;
  }

  /** End (exclusive, after the newline) of the record starting at `start`, or -1 if it is incomplete. */
  function recordEnd(start: number): number {
    let from = start;
    let quotes = 0;
    for (;;) {
      const nl = buf.indexOf(NL, from);
      if (nl === -1) return -1;
      if (format === 'jsonl') return nl + 1;
      // A line break inside a quoted CSV field leaves the quotes seen so far unbalanced.
      for (let q = quoteFrom(from); q !== -1 && q < nl; q = quoteFrom(q + 1)) quotes++;
      if (quotes % 2 === 0) return nl + 1;
      from = nl + 1;
    }
  }

  /** Start and end of the key of the record [start, end), and where its status begins. */
  function keyRange(start: number, end: number): { keyStart: number; keyEnd: number; statusStart: number } {
    if (format === 'csv') {
      const comma = buf.indexOf(COMMA, start);
      if (comma === -1 || comma >= end) throw new RecordFormatError(file, 'a row has too few columns');
      return { keyStart: start, keyEnd: comma, statusStart: comma + 1 };
    }
    const keyStart = start + JSON_PREFIX.length;
    const keyEnd = buf.indexOf(QUOTE, keyStart);
    if (
      buf.compare(JSON_PREFIX, 0, JSON_PREFIX.length, start, keyStart) !== 0 ||
      keyEnd === -1 ||
      keyEnd >= end
    ) {
      throw new RecordFormatError(file, 'a line does not start with contact_id');
    }
    if (buf.compare(JSON_STATUS, 0, JSON_STATUS.length, keyEnd, keyEnd + JSON_STATUS.length) !== 0) {
      throw new RecordFormatError(file, 'a line has no status after contact_id');
    }
    return { keyStart, keyEnd, statusStart: keyEnd + JSON_STATUS.length };
  }

  /**
   * Moves the unread bytes to the front of the one buffer and reads the next chunk after them; false at
   * the end of the file. Reusing the buffer is safe: the writer copies what it is given before returning.
   */
  async function fill(): Promise<boolean> {
    if (eof) return false;
    const keep = buf.length - pos;
    if (keep + chunkSize > store.length) {
      const bigger = Buffer.allocUnsafe(keep + chunkSize);
      buf.copy(bigger, 0, pos);
      store = bigger;
    } else if (keep) buf.copy(store, 0, pos);
    const { bytesRead } = await handle.read(store, keep, chunkSize, null);
    if (bytesRead === 0) eof = true;
    buf = store.subarray(0, keep + bytesRead);
    pos = 0;
    quoteAt = -2;
    return !eof;
  }

  function checkOrder(keyStart: number, keyEnd: number): void {
    if (buf.compare(lastKey, 0, lastKeyLength, keyStart, keyEnd) <= 0) {
      throw new RecordFormatError(
        file,
        `rows are not sorted by contact_id at ${buf.toString('latin1', keyStart, keyEnd)}`,
      );
    }
  }

  function rememberKey(keyStart: number, keyEnd: number): void {
    if (keyEnd - keyStart > lastKey.length) lastKey = Buffer.alloc(keyEnd - keyStart);
    lastKeyLength = buf.copy(lastKey, 0, keyStart, keyEnd);
  }

  /** Makes [start, end) the current record. */
  function take(start: number, end: number): void {
    const { keyStart, keyEnd, statusStart } = keyRange(start, end);
    checkOrder(keyStart, keyEnd);
    const statusEnd = buf.indexOf(format === 'csv' ? COMMA : QUOTE, statusStart);
    if (statusEnd === -1 || statusEnd >= end) throw new RecordFormatError(file, 'a row has no status');
    rememberKey(keyStart, keyEnd);
    cursor.key = buf.toString('latin1', keyStart, keyEnd);
    cursor.status = buf.toString('latin1', statusStart, statusEnd);
    cursor.buf = buf;
    cursor.start = start;
    cursor.end = end;
    pos = end;
  }

  async function nextEnd(): Promise<number> {
    for (;;) {
      const end = recordEnd(pos);
      if (end !== -1) return end;
      if (!(await fill())) {
        if (pos < buf.length) throw new RecordFormatError(file, 'the last row is cut short');
        return -1;
      }
    }
  }

  const cursor: RecordCursor = {
    key: null,
    status: '',
    buf,
    start: 0,
    end: 0,
    async advance() {
      const end = await nextEnd();
      if (end === -1) cursor.key = null;
      else take(pos, end);
    },
    async copyBefore(bound, writer) {
      const limit = bound === null ? null : Buffer.from(bound, 'latin1');
      const keyOffset = format === 'csv' ? 0 : JSON_PREFIX.length;
      const keyStop = format === 'csv' ? COMMA : QUOTE;
      const statusOffset = format === 'csv' ? 1 : JSON_STATUS.length;
      let live = TOMBSTONE_INITIALS.has(cursor.status.charCodeAt(0)) ? 0 : 1;
      await writer.append(cursor.buf, cursor.start, cursor.end);
      let rangeStart = pos;
      // The previous key as offsets into this chunk (-1: it is in lastKey), so the hot loop copies nothing.
      let prevStart = -1;
      let prevEnd = -1;
      for (;;) {
        const end = recordEnd(pos);
        if (end === -1) {
          if (prevStart >= 0) rememberKey(prevStart, prevEnd);
          prevStart = -1;
          await writer.append(buf, rangeStart, pos);
          const more = await fill();
          rangeStart = 0;
          if (!more) {
            if (pos < buf.length) throw new RecordFormatError(file, 'the last row is cut short');
            cursor.key = null;
            return live;
          }
          continue;
        }
        const keyStart = pos + keyOffset;
        const keyEnd = buf.indexOf(keyStop, keyStart);
        if (keyEnd === -1 || keyEnd >= end) throw new RecordFormatError(file, 'a row has no contact_id');
        if (limit && buf.compare(limit, 0, limit.length, keyStart, keyEnd) >= 0) {
          if (prevStart >= 0) rememberKey(prevStart, prevEnd);
          await writer.append(buf, rangeStart, pos);
          take(pos, end);
          return live;
        }
        const order =
          prevStart >= 0
            ? buf.compare(buf, prevStart, prevEnd, keyStart, keyEnd)
            : buf.compare(lastKey, 0, lastKeyLength, keyStart, keyEnd);
        if (order <= 0) {
          throw new RecordFormatError(
            file,
            `rows are not sorted by contact_id at ${buf.toString('latin1', keyStart, keyEnd)}`,
          );
        }
        prevStart = keyStart;
        prevEnd = keyEnd;
        if (!TOMBSTONE_INITIALS.has(buf[keyEnd + statusOffset]!)) live++;
        pos = end;
      }
    },
    close: () => handle.close(),
  };

  try {
    if (format === 'csv') {
      while (recordEnd(0) === -1 && (await fill())) {}
      const headerEnd = recordEnd(0);
      if (headerEnd === -1 || buf.toString('utf8', 0, headerEnd) !== CSV_HEADER) {
        throw new RecordFormatError(file, 'the header row differs');
      }
      pos = headerEnd;
    }
    await cursor.advance();
  } catch (error) {
    await handle.close();
    throw error;
  }
  return cursor;
}
