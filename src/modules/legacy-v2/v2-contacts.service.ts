// GET /v2/contacts and /v2/lists/{id}/contacts: v2 pages over the v3 tables. `next` tokens are the /v3
// signed cursors (one codec), carrying every filter, so the client sends `next` alone. The walk follows the
// same sequences as /v3 (contacts-query.service.ts explains why it is stable while contacts change):
// created_seq without modified_since, change_seq with it, so a contact changed during a modified_since walk
// comes again at its new place and no change is lost or repeated.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { parseLimit } from '../contacts/contact-query.ts';
import type { ContactRow, PageOrder } from '../contacts/contacts.repository.ts';
import { parseTimestamp } from '../contacts/formats.ts';
import { CUSTOM_FIELD_SLOTS, V2_STATUSES, type V2Status } from './v2-mapping.ts';
import { loadV2Parts } from './v2-contact-parts.ts';
import { toV2Contact, type V2Contact, type V2ViewContext } from './v2-contact-view.ts';
import * as repo from './v2.repository.ts';

export type V2Query = {
  email?: string;
  status?: string;
  limit?: string | number;
  modified_since?: string;
  next?: string;
  include_contact_id?: string | boolean;
};
export type V2Page = { meta: { pagination: { next_link?: string } }; results: V2Contact[] };

type Cursor = { v: 2; f: repo.V2Filter; l: number; i: boolean; o: PageOrder; p: number };

const MAC_CHARS = 22; // 16 bytes of base64url: the signed token's tail

/** The codec's `body.mac` without the dot, so the token is base64url only (PHP and RB cut it out of the link). */
const toNext = (token: string) => token.replace('.', '');
const fromNext = (next: string) => `${next.slice(0, -MAC_CHARS)}.${next.slice(-MAC_CHARS)}`;

export const includeFlag = (name: string, value: unknown): boolean => {
  if (value === undefined || value === '' || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw invalidFields({ [name]: `${name} must be true or false` });
};

function parseQuery(raw: V2Query): Omit<Cursor, 'v' | 'o' | 'p'> {
  const errors: Record<string, string> = {};
  const f: repo.V2Filter = {};
  if (raw.status !== undefined && raw.status !== '' && raw.status.toUpperCase() !== 'ALL') {
    const status = raw.status.toUpperCase();
    if ((V2_STATUSES as readonly string[]).includes(status)) f.status = status as V2Status;
    else errors.status = `status must be one of ALL, ${V2_STATUSES.join(', ')}`;
  }
  if (raw.email !== undefined && raw.email !== '') {
    const email = normalizeEmail(raw.email);
    if (email) f.email = email;
    else errors.email = 'email must be a valid email address';
  }
  if (raw.modified_since !== undefined) {
    const since = parseTimestamp(String(raw.modified_since));
    if (since) f.since = since;
    else errors.modified_since = 'modified_since must be an ISO-8601 date-time, such as 2024-01-02T03:04:05.000Z';
  }
  const l = parseLimit(raw.limit, errors, 500, 50);
  let i = false;
  try {
    i = includeFlag('include_contact_id', raw.include_contact_id);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    errors.include_contact_id = error.message;
  }
  if (Object.keys(errors).length) throw invalidFields(errors);
  return { f, l, i };
}

/** The v2-only fields a page's rows brought, for the rows that have any. */
function keptFields(rows: readonly repo.V2ContactRow[]): Map<string, repo.V2OnlyFields> {
  const kept = new Map<string, repo.V2OnlyFields>();
  for (const r of rows) {
    if (r.v2_prefix_name !== null || r.v2_middle_name !== null || r.v2_department_name !== null) {
      kept.set(r.contact_id, { prefix_name: r.v2_prefix_name, middle_name: r.v2_middle_name, department_name: r.v2_department_name });
    }
  }
  return kept;
}

export function createV2ContactsReader(deps: { db: Db; tokens: SignedTokenCodec }) {
  const { db, tokens } = deps;

  /** List numbers and statuses, slot field names and the v2-only fields (unless the rows brought them). */
  async function viewContext(accountId: string, rows: readonly ContactRow[], includeContactId: boolean): Promise<V2ViewContext> {
    const joined = 'v2_prefix_name' in rows[0]!;
    const [lists, fields, v2Fields] = await Promise.all([
      repo.listAllLists(db, accountId),
      repo.findSlotFields(db, accountId, CUSTOM_FIELD_SLOTS),
      joined ? keptFields(rows as repo.V2ContactRow[]) : repo.findV2Fields(db, accountId, rows.map((r) => r.contact_id)),
    ]);
    return {
      listNumbers: new Map(lists.filter((l) => !l.deleted_at).map((l) => [l.list_id, Number(l.sequence_id)])),
      hiddenLists: new Set(lists.filter((l) => l.v2_status === 'HIDDEN').map((l) => l.list_id)),
      v2Fields,
      slotNames: new Map(fields.map((f) => [f.custom_field_id, f.name])),
      includeContactId,
    };
  }

  async function toV2(accountId: string, rows: ContactRow[], includeContactId: boolean): Promise<V2Contact[]> {
    if (!rows.length) return [];
    const ctx = await viewContext(accountId, rows, includeContactId);
    // v2 shows only the custom fields of its slots: none defined, none to load.
    const parts = await loadV2Parts(db, accountId, rows.map((r) => r.contact_id), ctx.slotNames.size > 0);
    const contacts = new Array<V2Contact>(rows.length);
    for (let i = 0; i < rows.length; i++) contacts[i] = toV2Contact(rows[i]!, parts.get(rows[i]!.contact_id), ctx);
    return contacts;
  }

  /** One page; `path` is the collection's own path (its next_link repeats it), `listId` the list it walks. */
  async function readPage(accountId: string, path: string, raw: V2Query, listId?: string): Promise<V2Page> {
    const context = `v2:${accountId}:${listId ?? ''}`;
    let cursor: Cursor;
    if (raw.next !== undefined) {
      const found = /^[A-Za-z0-9_-]{23,8000}$/.test(raw.next) ? (tokens.decode(context, fromNext(raw.next)) as Cursor | null) : null;
      if (found?.v !== 2 || typeof found.p !== 'number') {
        throw invalidFields({ next: 'next is not valid for this request: start again from the first page' });
      }
      cursor = found;
    } else {
      const q = parseQuery(raw);
      if (listId) q.f.listId = listId;
      let first: number | null = 0;
      if (q.f.since) first = await repo.firstChangeSeqSince(db, accountId, q.f.since);
      if (first === null) return { meta: { pagination: {} }, results: [] };
      cursor = { v: 2, ...q, o: q.f.since ? 'changed' : 'created', p: q.f.since ? first - 1 : 0 };
    }
    const rows = await repo.listV2ContactsPage(db, accountId, cursor.f, { order: cursor.o, after: cursor.p, limit: cursor.l + 1 });
    const more = rows.length > cursor.l;
    if (more) rows.length = cursor.l;
    const page: V2Page = { meta: { pagination: {} }, results: await toV2(accountId, rows, cursor.i) };
    if (more) {
      const last = rows[rows.length - 1]!;
      const p = Number(cursor.o === 'created' ? last.created_seq : last.change_seq);
      page.meta.pagination.next_link = `${path}?next=${toNext(tokens.encode(context, { ...cursor, p }))}`;
    }
    return page;
  }

  return { readPage, toV2 };
}

export type V2ContactsReader = ReturnType<typeof createV2ContactsReader>;
