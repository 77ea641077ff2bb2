// CSV (RFC 4180) on bytes: records parsed from a buffer that may end mid-record, each with the byte offset
// where it ends, so a reader can stop after any record and resume there; and cells written for spreadsheets.

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

export type CsvRecord = { fields: string[]; end: number };

export class CsvError extends Error {}

/**
 * Parses the complete records of `buf` (starting at its first byte, which begins a record). With `eof`
 * false, a record not yet ended by a line break is left for the next call: `consumed` says how many bytes
 * the returned records cover. At most `max` records are returned. A quote inside an unquoted cell, or
 * bytes after a closing quote, throw CsvError.
 */
export function parseCsvRecords(buf: Buffer, eof: boolean, max = Number.POSITIVE_INFINITY): { records: CsvRecord[]; consumed: number } {
  const records: CsvRecord[] = [];
  let pos = 0;
  while (pos < buf.length && records.length < max) {
    const parsed = parseRecord(buf, pos, eof);
    if (!parsed) break;
    pos = parsed.end;
    // A blank line is no record (a trailing newline, or an empty line between rows).
    if (!(parsed.fields.length === 1 && parsed.fields[0] === '')) records.push(parsed);
  }
  return { records, consumed: pos };
}

function parseRecord(buf: Buffer, start: number, eof: boolean): CsvRecord | null {
  const fields: string[] = [];
  let pos = start;
  for (;;) {
    let value: string;
    if (buf[pos] === QUOTE) {
      const parts: Buffer[] = [];
      let from = pos + 1;
      for (;;) {
        const q = buf.indexOf(QUOTE, from);
        if (q < 0) {
          if (eof) throw new CsvError('a quoted cell is not closed');
          return null;
        }
        if (q + 1 >= buf.length && !eof) return null;
        if (buf[q + 1] === QUOTE) {
          parts.push(buf.subarray(from, q + 1));
          from = q + 2;
          continue;
        }
        parts.push(buf.subarray(from, q));
        pos = q + 1;
        break;
      }
      value = Buffer.concat(parts).toString('utf8');
      const next = buf[pos];
      if (pos < buf.length && next !== COMMA && next !== CR && next !== LF) {
        throw new CsvError('a quoted cell is followed by characters other than a comma or a line break');
      }
    } else {
      let end = pos;
      while (end < buf.length) {
        const b = buf[end];
        if (b === COMMA || b === LF || b === CR) break;
        if (b === QUOTE) throw new CsvError('a quote appears inside an unquoted cell');
        end++;
      }
      if (end >= buf.length && !eof) return null;
      value = buf.toString('utf8', pos, end);
      pos = end;
    }
    fields.push(value);
    if (pos >= buf.length) {
      if (!eof) return null;
      return { fields, end: pos };
    }
    const b = buf[pos];
    if (b === COMMA) {
      pos++;
      continue;
    }
    if (b === CR) {
      if (pos + 1 >= buf.length && !eof) return null;
      return { fields, end: buf[pos + 1] === LF ? pos + 2 : pos + 1 };
    }
    return { fields, end: pos + 1 };
  }
}

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;
/** Either of the above: most cells have neither, and one test tells (an export writes millions of cells). */
const PLAIN = /^[=+\-@\t\r]|[",\r\n]/;

/**
 * One cell: quoted when needed, and a value a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe (OWASP's advice for CSV injection).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' && !PLAIN.test(value)) return value;
  let text = String(value);
  if (typeof value === 'string' && FORMULA.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += i ? `,${csvCell(values[i])}` : csvCell(values[i]);
  return `${line}\r\n`;
}

/** A line of tab-separated values: the CSV rules with a tab for the comma (a cell with a tab is quoted). */
export function tsvLine(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map((v) => { const cell = csvCell(v); return cell.startsWith('"') || !/\t/.test(cell) ? cell : `"${cell.replaceAll('"', '""')}"`; }).join('\t')}\r\n`;
}
