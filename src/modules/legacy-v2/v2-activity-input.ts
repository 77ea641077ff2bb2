// The bodies of the v2 bulk activities, checked whole and turned into the v3 jobs' input: import_data rows
// (v2 contact keys) → v3 import rows, column_names → v3 columns, list numbers kept for the caller to resolve.
import { invalidFields } from '../../errors.ts';
import { EXPORT_COLUMNS, IMPORT_COLUMNS } from './v2-mapping.ts';
import { slotName } from './v2-contact-input.ts';

type Body = Record<string, unknown>;
type Cell = string | number | null;

/** DOCS bulk-activities-import-contacts: 40,000 contacts per call. */
export const MAX_IMPORT_ROWS = 40_000;
/** removefromlists goes through remove_list_memberships, whose source takes up to 500 contact ids. */
export const MAX_REMOVE_ROWS = 500;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');

export function bodyOf(body: unknown): Body {
  if (!isObject(body)) throw invalidFields({ body: 'the body must be a JSON object' });
  return body;
}

/** `lists`: 1 to 50 list numbers (strings of digits, or numbers; RB also sends `{id}` objects). */
export function parseListNumbers(body: Body): number[] {
  const value = body.lists;
  const numbers = Array.isArray(value) ? value.map((l) => Number(text(isObject(l) ? l.id : l))) : [];
  if (!Array.isArray(value) || !value.length || value.length > 50 || numbers.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw invalidFields({ lists: 'lists must be an array of 1 to 50 list ids (numbers)' });
  }
  return [...new Set(numbers)];
}

function parseRows(body: Body, max: number): Body[] {
  const rows = body.import_data;
  if (!Array.isArray(rows) || !rows.length || rows.length > max) {
    throw invalidFields({ import_data: `import_data must be an array of 1 to ${max} contacts` });
  }
  const bad = rows.findIndex((r) => !isObject(r));
  if (bad >= 0) throw invalidFields({ [`import_data[${bad}]`]: `import_data[${bad}] must be an object` });
  return rows as Body[];
}

/** The first address of a row: `email_addresses` holds plain strings (RB), or `{email_address}` objects. */
export function rowEmail(row: Body): string {
  const first = Array.isArray(row.email_addresses) ? row.email_addresses[0] : undefined;
  return text(isObject(first) ? first.email_address : first);
}

/** One import_data row as v2 column name → value (the names of RB util/config.rb activities_columns). */
function v2Cells(row: Body): Record<string, string> {
  const cells: Record<string, string> = { EMAIL: rowEmail(row) };
  const flat: [string, string][] = [
    ['first_name', 'FIRST NAME'], ['last_name', 'LAST NAME'], ['job_title', 'JOB TITLE'], ['company_name', 'COMPANY NAME'],
    ['work_phone', 'WORK PHONE'], ['home_phone', 'HOME PHONE'], ['birthday_day', 'BIRTHDAY_DAY'],
    ['birthday_month', 'BIRTHDAY_MONTH'], ['anniversary', 'ANNIVERSARY'],
  ];
  for (const [key, column] of flat) cells[column] = text(row[key]);
  const address = Array.isArray(row.addresses) && isObject(row.addresses[0]) ? row.addresses[0] : {};
  cells['ADDRESS LINE 1'] = text(address.line1);
  cells['ADDRESS LINE 2'] = text(address.line2);
  cells['ADDRESS LINE 3'] = text(address.line3);
  cells.CITY = text(address.city);
  cells.STATE = text(address.state_code) || text(address.state);
  cells.COUNTRY = text(address.country_code).toUpperCase();
  const sub = text(address.sub_postal_code);
  cells['ZIP/POSTAL CODE'] = sub ? `${text(address.postal_code)}-${sub}` : text(address.postal_code);
  for (const field of Array.isArray(row.custom_fields) ? row.custom_fields : []) {
    const slot = isObject(field) ? slotName(field.name) : null;
    if (slot) cells[`CUSTOM FIELD ${slot.slice('CustomField'.length)}`] = text((field as Body).value);
  }
  return cells;
}

/** `column_names`: which v2 columns to use (all when absent); 400 for a name v2 does not know. */
function parseColumns(body: Body, known: Record<string, string>, fallback: string[]): string[] {
  const value = body.column_names ?? fallback;
  if (!Array.isArray(value) || !value.length || value.some((c) => typeof c !== 'string')) {
    throw invalidFields({ column_names: 'column_names must be an array of column names' });
  }
  const names = value.map((c: string) => c.trim().toUpperCase());
  const unknown = names.filter((n) => !known[n]);
  if (unknown.length) throw invalidFields({ column_names: `column_names: ${unknown.join(', ')} unknown; use ${Object.keys(known).join(', ')}` });
  return [...new Set(names)];
}

/** v2 cells (column → value) as v3 import rows: only declared columns, blanks left out; and the slots used. */
function toImportRows(cellRows: Record<string, string>[], columns: string[]): { rows: Record<string, Cell>[]; slots: string[] } {
  if (!columns.includes('EMAIL')) throw invalidFields({ column_names: 'column_names must include EMAIL' });
  const slots = new Set<string>();
  const out = cellRows.map((cells) => {
    const v3: Record<string, Cell> = {};
    for (const column of columns) {
      const value = cells[column] ?? '';
      const name = IMPORT_COLUMNS[column]!;
      if (value === '' && name !== 'email') continue;
      v3[name] = name === 'street2' && v3.street2 ? `${v3.street2}, ${value}` : value;
      if (name.startsWith('cf:')) slots.add(name.slice(3));
    }
    return v3;
  });
  return { rows: out, slots: [...slots] };
}

/** addcontacts: the rows as v3 import rows (only declared columns; blanks left out) and the slots they use. */
export function parseAddContacts(body: Body): { rows: Record<string, Cell>[]; slots: string[] } {
  const rows = parseRows(body, MAX_IMPORT_ROWS);
  const columns = parseColumns(body, IMPORT_COLUMNS, Object.keys(IMPORT_COLUMNS));
  return toImportRows(rows.map(v2Cells), columns);
}

/** Other spellings of EMAIL in a file's header (techblog "Import Contacts using the Multipart form"). */
const EMAIL_ALIASES = new Set(['EMAIL ADDRESS', 'E-MAIL', 'E-MAIL ADDRESS']);
/** DOCS: deprecated since May 2014, "the API ignores these columns and any values". */
export const IGNORED_FILE_COLUMNS = new Set(['MIDDLE NAME', 'SUB ZIP/POSTAL CODE', 'US STATE/CA PROVINCE']);

/** addcontacts from a file: the header's v2 column names (any case) pick the cells of each row. */
export function parseAddContactsFile(header: string[], rows: string[][]): { rows: Record<string, Cell>[]; slots: string[] } {
  if (rows.length > MAX_IMPORT_ROWS) throw invalidFields({ data: `the file holds ${rows.length} contacts; at most ${MAX_IMPORT_ROWS} per call` });
  const names = header.map((h) => {
    const name = h.trim().toUpperCase().replace(/\s+/g, ' ');
    return EMAIL_ALIASES.has(name) ? 'EMAIL' : name;
  });
  const unknown = names.filter((n) => !IMPORT_COLUMNS[n] && !IGNORED_FILE_COLUMNS.has(n));
  if (unknown.length) throw invalidFields({ data: `the header names unknown columns: ${unknown.map((n) => n.slice(0, 50)).join(', ')}; use ${Object.keys(IMPORT_COLUMNS).join(', ')}` });
  const twice = names.filter((n, i) => names.indexOf(n) !== i && !IGNORED_FILE_COLUMNS.has(n));
  if (twice.length) throw invalidFields({ data: `the header names ${twice[0]} twice` });
  const columns = names.filter((n) => IMPORT_COLUMNS[n]);
  if (!columns.includes('EMAIL')) throw invalidFields({ data: 'the header has no EMAIL column (also EMAIL ADDRESS, E-MAIL)' });
  const cellRows = rows.map((cells) => Object.fromEntries(names.map((n, i) => [n, (cells[i] ?? '').trim()])));
  return toImportRows(cellRows, columns);
}

/** removefromlists: the distinct addresses of `import_data[].email_addresses`. */
export function parseRemoveEmails(body: Body): string[] {
  const rows = parseRows(body, MAX_REMOVE_ROWS);
  const emails = rows.map(rowEmail);
  const bad = emails.findIndex((e) => !e);
  if (bad >= 0) throw invalidFields({ [`import_data[${bad}]`]: `import_data[${bad}].email_addresses must hold one email address` });
  return [...new Set(emails.map((e) => e.toLowerCase()))];
}

/** v2 sort_by → the export's row order; file_type → its format. */
const EXPORT_ORDERS = { EMAIL_ADDRESS: 'email', DATE_DESC: 'created_desc' } as const;
const EXPORT_FORMATS = { CSV: 'csv', TXT: 'txt' } as const;
type ExportLayout = { order: (typeof EXPORT_ORDERS)[keyof typeof EXPORT_ORDERS]; format: (typeof EXPORT_FORMATS)[keyof typeof EXPORT_FORMATS] };

/**
 * exportcontacts: file_type (CSV default, TXT = tab-separated), sort_by (EMAIL_ADDRESS default, DATE_DESC),
 * export_date_added and export_added_by (both true by default, as the SDKs send them) and the columns as
 * v3 export fields. `null` counts as absent (PHP sends unset fields as null).
 */
export function parseExport(body: Body): { fields: string[]; layout: ExportLayout } {
  const errors: Record<string, string> = {};
  const fileType = String(body.file_type ?? 'CSV');
  const sortBy = String(body.sort_by ?? 'EMAIL_ADDRESS');
  if (!Object.hasOwn(EXPORT_FORMATS, fileType)) errors.file_type = 'file_type must be CSV or TXT';
  if (!Object.hasOwn(EXPORT_ORDERS, sortBy)) errors.sort_by = 'sort_by must be EMAIL_ADDRESS or DATE_DESC';
  for (const flag of ['export_date_added', 'export_added_by']) {
    if (body[flag] !== undefined && body[flag] !== null && typeof body[flag] !== 'boolean') errors[flag] = `${flag} must be true or false`;
  }
  if (Object.keys(errors).length) throw invalidFields(errors);
  const columns = parseColumns({ column_names: body.column_names ?? undefined }, EXPORT_COLUMNS, ['EMAIL ADDRESS', 'FIRST NAME', 'LAST NAME']);
  const fields = [...new Set(columns.map((c) => EXPORT_COLUMNS[c]!))];
  if (body.export_date_added !== false) fields.push('created_at');
  if (body.export_added_by !== false) fields.push('create_source');
  const layout = { order: EXPORT_ORDERS[sortBy as keyof typeof EXPORT_ORDERS], format: EXPORT_FORMATS[fileType as keyof typeof EXPORT_FORMATS] };
  return { fields, layout };
}
