// Receives an import file: streams it to disk while checking it (UTF-8, CSV syntax, row size) and counting
// its rows, so that a file of any size costs a few hundred kilobytes of memory and a bad one is refused
// with a 400 before any job exists.
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, invalidFields } from '../../errors.ts';
import { CsvError, parseCsvRecords } from '../../shared/csv.ts';
import { MAX_ROW_BYTES } from './import.job.ts';

export type ScannedCsv = { header: string[]; rows: number; start: number };

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Copies `source` to `file`, returning its header, its data row count and the offset of the first row. */
export async function receiveCsv(source: Readable, file: string): Promise<ScannedCsv> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer = Buffer.alloc(0);
  let total = 0;
  let header: string[] | null = null;
  let start = 0;
  let rows = 0;
  const scan = (chunk: Buffer, eof: boolean) => {
    try {
      decoder.decode(chunk, { stream: !eof });
    } catch {
      throw invalidFields({ file: `the file is not valid UTF-8 (near byte ${total}); save it as UTF-8 and send it again` });
    }
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let base = total - pending.length;
    total += chunk.length;
    if (base === 0 && buf.length >= 3 && buf.subarray(0, 3).equals(BOM)) {
      buf = buf.subarray(3);
      base = 3;
    }
    if (base === 0 && buf.length < 3 && !eof) {
      pending = buf;
      return;
    }
    let parsed: ReturnType<typeof parseCsvRecords>;
    try {
      parsed = parseCsvRecords(buf, eof);
    } catch (error) {
      if (error instanceof CsvError) throw invalidFields({ file: `row ${rows + 2} cannot be read: ${error.message}` });
      throw error;
    }
    for (const record of parsed.records) {
      if (!header) {
        header = record.fields;
        start = base + record.end;
      } else rows++;
    }
    pending = buf.subarray(parsed.consumed);
    if (pending.length > MAX_ROW_BYTES) {
      throw invalidFields({ file: `row ${rows + 2} is longer than ${MAX_ROW_BYTES} bytes (a cell that large is no contact field)` });
    }
  };
  const scanner = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        scan(chunk, false);
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        scan(Buffer.alloc(0), true);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  try {
    await pipeline(source, scanner, createWriteStream(file));
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than this server accepts (IMPORT_MAX_BYTES)');
    }
    throw error;
  }
  if (!header) throw invalidFields({ file: 'the file is empty: it needs a header row and at least one contact' });
  return { header, rows, start };
}
