// The multipart form of addcontacts and removefromlists (DOCS bulk-activities-addcontact-multipart and
// -removecontacts-multipart): `file_name` (its extension says CSV or TXT), `lists` (comma-separated list
// numbers) and `data` (the file: a file part as PHP sends it, or a plain field as RB's RestClient does).
import { AppError, invalidFields } from '../../errors.ts';
import { CsvError, parseCsvRecords } from '../../shared/csv.ts';
import { normalizeEmail } from '../../shared/validate.ts';

/** DOCS: "The size of the request payload (import file) must be less than 4 megabytes". */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

type Form = Record<string, unknown>;
type Format = 'csv' | 'txt';

/** CSV: comma-separated values (RFC 4180 quoting). TXT: tab-separated values, one line per contact. */
function formatOf(form: Form): Format {
  const name = typeof form.file_name === 'string' ? form.file_name.trim() : '';
  if (!name) throw invalidFields({ file_name: 'file_name is required: the name of the file, ending in .csv or .txt' });
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return ext;
  throw invalidFields({ file_name: `file_name must end in .csv or .txt (${ext ? `.${ext} files are not read; save the sheet as CSV` : 'no extension'})` });
}

/** `data` as text: UTF-8 (a byte-order mark is dropped); 400 when absent, empty or not UTF-8. */
function textOf(form: Form): string {
  const data = form.data;
  const bytes = Buffer.isBuffer(data) ? data : typeof data === 'string' ? Buffer.from(data, 'utf8') : null;
  if (!bytes?.length) throw invalidFields({ data: 'data is required: the file, as the multipart part named data' });
  // A text part longer than the limit arrives cut at limit + 1 bytes (the route's fieldSize): refused, never cut.
  if (bytes.length > MAX_UPLOAD_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than 4 MB, the limit of a v2 import');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a leading byte-order mark
  } catch {
    throw invalidFields({ data: 'data is not valid UTF-8; save the file as UTF-8 and send it again' });
  }
}

/** The file's lines as cells; blank lines are skipped. */
function tableOf(text: string, format: Format): string[][] {
  if (format === 'txt') {
    return text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== '').map((line) => line.split('\t'));
  }
  try {
    return parseCsvRecords(Buffer.from(text, 'utf8'), true).records.map((r) => r.fields).filter((f) => f.some((c) => c.trim() !== ''));
  } catch (error) {
    if (error instanceof CsvError) throw invalidFields({ data: `the CSV file cannot be read: ${error.message}` });
    throw error;
  }
}

/** `lists`: "1,2" (RB, PHP), repeated fields, or a JSON array, as the JSON form's `lists`. */
function listsOf(form: Form): unknown[] {
  const values = Array.isArray(form.lists) ? form.lists : form.lists === undefined ? [] : [form.lists];
  return values.flatMap((v) => {
    const text = typeof v === 'string' ? v.trim() : '';
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

/** addcontacts: the header row (v2 column names, any case) and the contact rows, with the form's lists. */
export function parseAddContactsForm(form: Form): { header: string[]; rows: string[][]; lists: unknown[] } {
  const format = formatOf(form);
  const [header, ...rows] = tableOf(textOf(form), format);
  if (!header || !rows.length) throw invalidFields({ data: 'the file needs a header row of column names and at least one contact row' });
  return { header, rows, lists: listsOf(form) };
}

/**
 * removefromlists: the file holds only email addresses (no header, no other column), one per line, or
 * several per line separated by commas (CSV) or tabs (TXT). 400 naming the first entry that is not one.
 */
export function parseRemoveForm(form: Form, max: number): { emails: string[]; lists: unknown[] } {
  const format = formatOf(form);
  const lines = tableOf(textOf(form), format);
  const emails: string[] = [];
  for (const [i, cells] of lines.entries()) {
    for (const cell of cells.map((c) => c.trim()).filter(Boolean)) {
      const email = normalizeEmail(cell);
      if (!email) throw invalidFields({ data: `line ${i + 1}: ${JSON.stringify(cell.slice(0, 100))} is not an email address (the file holds only addresses, no header)` });
      emails.push(email);
    }
  }
  if (!emails.length) throw invalidFields({ data: 'the file holds no email address' });
  if (emails.length > max) throw invalidFields({ data: `the file holds ${emails.length} addresses; at most ${max} per call` });
  return { emails: [...new Set(emails)], lists: listsOf(form) };
}
