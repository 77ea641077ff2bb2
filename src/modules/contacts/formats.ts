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

/** The dialect's date spellings for anniversaries (YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, M-D-YYYY) → YYYY-MM-DD. */
export function parseAnniversary(value: string): string | null {
  const raw = value.trim();
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(raw);
  let parts = m ? [m[1]!, m[2]!, m[3]!] : null;
  m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(raw);
  if (m) parts = [m[3]!, m[1]!, m[2]!];
  if (!parts) return null;
  const iso = `${parts[0]}-${parts[1]!.padStart(2, '0')}-${parts[2]!.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso ? iso : null;
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
