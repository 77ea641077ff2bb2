// Streaming reader of a sync output file (CSV or JSONL, sorted by contact_id): yields each record's key,
// status and bytes from 1 MiB chunks, so a file of millions of rows is read in constant memory.
import { type FileHandle, open } from 'node:fs/promises';
import { CSV_HEADER, type SyncFormat } from './contact-rows.ts';

const NL = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const JSON_PREFIX = Buffer.from('{"contact_id":"');
const JSON_STATUS = Buffer.from('","status":"');

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
  close(): Promise<void>;
};

export async function openRecordFile(
  file: string,
  format: SyncFormat,
  chunkSize = 1 << 20,
): Promise<RecordCursor> {
  const handle: FileHandle = await open(file, 'r');
  let buf = Buffer.alloc(0);
  let pos = 0;
  let eof = false;
  let lastKey = '';
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

  async function fill(): Promise<boolean> {
    if (eof) return false;
    const chunk = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
    if (bytesRead === 0) {
      eof = true;
      return false;
    }
    // A fresh buffer each time: the writer may still hold slices of the previous one.
    buf =
      pos < buf.length
        ? Buffer.concat([buf.subarray(pos), chunk.subarray(0, bytesRead)])
        : chunk.subarray(0, bytesRead);
    pos = 0;
    quoteAt = -2;
    return true;
  }

  function parse(start: number, end: number): { key: string; status: string } {
    if (format === 'csv') {
      const comma = buf.indexOf(COMMA, start);
      const second = comma === -1 ? -1 : buf.indexOf(COMMA, comma + 1);
      if (comma === -1 || second === -1 || second > end)
        throw new RecordFormatError(file, 'a row has too few columns');
      return { key: buf.toString('latin1', start, comma), status: buf.toString('latin1', comma + 1, second) };
    }
    const keyStart = start + JSON_PREFIX.length;
    const keyEnd = buf.indexOf(QUOTE, keyStart);
    if (
      buf.compare(JSON_PREFIX, 0, JSON_PREFIX.length, start, keyStart) !== 0 ||
      keyEnd === -1 ||
      keyEnd > end
    ) {
      throw new RecordFormatError(file, 'a line does not start with contact_id');
    }
    const statusStart = keyEnd + JSON_STATUS.length;
    const statusEnd = buf.indexOf(QUOTE, statusStart);
    if (
      buf.compare(JSON_STATUS, 0, JSON_STATUS.length, keyEnd, statusStart) !== 0 ||
      statusEnd === -1 ||
      statusEnd > end
    ) {
      throw new RecordFormatError(file, 'a line has no status after contact_id');
    }
    return {
      key: buf.toString('latin1', keyStart, keyEnd),
      status: buf.toString('latin1', statusStart, statusEnd),
    };
  }

  const cursor: RecordCursor = {
    key: null,
    status: '',
    buf,
    start: 0,
    end: 0,
    async advance() {
      for (;;) {
        const end = recordEnd(pos);
        if (end !== -1) {
          const { key, status } = parse(pos, end);
          if (key <= lastKey)
            throw new RecordFormatError(file, `rows are not sorted by contact_id at ${key}`);
          lastKey = key;
          Object.assign(cursor, { key, status, buf, start: pos, end });
          pos = end;
          return;
        }
        if (!(await fill())) {
          if (pos < buf.length) throw new RecordFormatError(file, 'the last row is cut short');
          cursor.key = null;
          return;
        }
      }
    },
    close: () => handle.close(),
  };

  if (format === 'csv') {
    while (recordEnd(0) === -1 && (await fill())) {}
    const headerEnd = recordEnd(0);
    if (headerEnd === -1 || buf.toString('utf8', 0, headerEnd) !== CSV_HEADER) {
      await handle.close();
      throw new RecordFormatError(file, 'the header row differs');
    }
    pos = headerEnd;
  }
  await cursor.advance();
  return cursor;
}
