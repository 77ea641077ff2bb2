// Parsing of the GET /contacts query string (every filter of the dialect) into a normalised query, which
// is also what a cursor carries, so that a cursor can be checked against the query it is used with.
import { invalidFields } from '../../errors.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { isUuid, parseTimestamp } from './formats.ts';
import { INCLUDES, type Include } from './contact-view.ts';
import type { ContactFilter, StatusFilter } from './contacts.repository.ts';

const STATUSES: readonly StatusFilter[] = [
  'active',
  'deleted',
  'not_set',
  'pending_confirmation',
  'temp_hold',
  'unsubscribed',
];
const DATE_PARAMS = {
  updated_after: 'updatedAfter',
  updated_before: 'updatedBefore',
  created_after: 'createdAfter',
  created_before: 'createdBefore',
  optout_after: 'optoutAfter',
  optout_before: 'optoutBefore',
} as const;

export type RawContactQuery = Partial<Record<string, string | number | boolean | undefined>>;

/** The canonical form of a query: sorted lists, canonical dates; equal queries give equal JSON. */
export type ContactQuery = {
  filter: ContactFilter;
  include: Include[];
  includeCount: boolean;
  limit: number;
};

/** Query-string parameters that shape the result; a cursor fixes them all. */
export const QUERY_PARAMS = [
  'status',
  'email',
  'email_prefix',
  'lists',
  'tags',
  ...Object.keys(DATE_PARAMS),
  'include',
  'include_count',
  'limit',
];

function csv(value: string | number | boolean | undefined): string[] {
  if (value === undefined || value === '') return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseIncludes(
  value: string | number | boolean | undefined,
  errors: Record<string, string>,
): Include[] {
  const names = [...new Set(csv(value))].sort();
  const unknown = names.find((n) => !(INCLUDES as readonly string[]).includes(n));
  if (unknown) errors.include = `include accepts only ${INCLUDES.join(', ')} (got "${unknown}")`;
  return names as Include[];
}

function ids(
  errors: Record<string, string>,
  name: string,
  value: string | number | boolean | undefined,
  max: number,
): string[] | undefined {
  const list = [...new Set(csv(value).map((s) => s.toLowerCase()))].sort();
  if (!list.length) return undefined;
  if (list.length > max) errors[name] = `${name} accepts at most ${max} ids`;
  else if (!list.every(isUuid)) errors[name] = `${name} must be a comma-separated list of UUIDs`;
  return list;
}

export function parseLimit(
  value: unknown,
  errors: Record<string, string>,
  max: number,
  fallback: number,
): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) errors.limit = `limit must be an integer from 1 to ${max}`;
  return n;
}

export function parseContactQuery(raw: RawContactQuery): ContactQuery {
  const errors: Record<string, string> = {};
  const filter: ContactFilter = { statuses: null };
  const statuses = [...new Set(csv(raw.status))].sort();
  if (statuses.includes('all')) filter.statuses = 'all';
  else if (statuses.length) {
    const bad = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
    if (bad) errors.status = `status accepts only all, ${STATUSES.join(', ')} (got "${bad}")`;
    filter.statuses = statuses as StatusFilter[];
  }
  if (raw.email !== undefined && raw.email !== '') {
    const email = normalizeEmail(raw.email);
    if (!email) errors.email = 'email must be a valid email address';
    else filter.email = email;
  }
  // Not a parameter of the API (its schema refuses it): the customer pages search by the start of an address.
  if (raw.email_prefix !== undefined && raw.email_prefix !== '') {
    const prefix = String(raw.email_prefix).trim().toLowerCase();
    if (prefix.length > 254) errors.email_prefix = 'email_prefix must be at most 254 characters';
    else if (prefix) filter.emailPrefix = prefix;
  }
  const lists = ids(errors, 'lists', raw.lists, 25);
  if (lists) filter.lists = lists;
  const tags = ids(errors, 'tags', raw.tags, 50);
  if (tags) filter.tags = tags;
  for (const [param, key] of Object.entries(DATE_PARAMS)) {
    const value = raw[param];
    if (value === undefined || value === '') continue;
    const iso = parseTimestamp(String(value));
    if (!iso) errors[param] = `${param} must be an ISO-8601 date or date-time, such as 2026-01-31T12:00:00Z`;
    else filter[key] = iso;
  }
  const include = parseIncludes(raw.include, errors);
  const count = raw.include_count;
  if (count !== undefined && ![true, false, 'true', 'false'].includes(count as string | boolean)) {
    errors.include_count = 'include_count must be true or false';
  }
  const limit = parseLimit(raw.limit, errors, 500, 50);
  if (Object.keys(errors).length) throw invalidFields(errors);
  return { filter, include, includeCount: count === true || count === 'true', limit };
}

/** True when the query string carries any parameter that shapes the result (besides the cursor). */
export function hasQueryParams(raw: RawContactQuery): boolean {
  return QUERY_PARAMS.some((p) => raw[p] !== undefined && raw[p] !== '');
}
