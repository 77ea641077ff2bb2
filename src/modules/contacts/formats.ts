// Formats the contacts API accepts in ids and dates: UUIDs, and ISO-8601 dates or date-times normalised to
// the `toISOString()` form the database stores (so that string comparison is time order). CONTACT_FORMATS
// gives them to the schema validators by name, so a route, a file row and a service check them alike.
import { hasControlChars, normalizeEmail } from '../../shared/validate.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** ISO-8601 date or date-time → canonical `toISOString()` form, or null. */
export function parseTimestamp(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value))
    return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const YMD = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/;
const MDY = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/;

/** Whether year-month-day is a day of the proleptic Gregorian calendar (year 0000 to 9999). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** The dialect's date spellings for anniversaries (YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, M-D-YYYY) → YYYY-MM-DD. */
export function parseAnniversary(value: string): string | null {
  const raw = value.trim();
  const ymd = YMD.exec(raw);
  const mdy = ymd ? null : MDY.exec(raw);
  const [year, month, day] = ymd ? [ymd[1]!, ymd[2]!, ymd[3]!] : mdy ? [mdy[3]!, mdy[1]!, mdy[2]!] : [];
  if (!year || !month || !day) return null;
  // Arithmetic rather than a Date: this runs for every row of an import.
  if (!isCalendarDay(Number(year), Number(month), Number(day))) return null;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/**
 * The `format` keywords of the contact schemas: `text` has no control characters (tab and line breaks are
 * fine), `non-blank-text` has more than spaces too; an empty anniversary clears the field.
 */
export const CONTACT_FORMATS = {
  text: (value: string) => !hasControlChars(value),
  'non-blank-text': (value: string) => value.trim() !== '' && !hasControlChars(value),
  email: (value: string) => normalizeEmail(value) !== null,
  uuid: isUuid,
  anniversary: (value: string) => value.trim() === '' || parseAnniversary(value) !== null,
};
