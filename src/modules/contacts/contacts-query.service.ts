// GET /contacts: filtered keyset pages with opaque, signed cursors bound to the account and the query.
// Cursors carry the whole normalised query, so `_links.next.href` is `/v3/contacts?cursor=…` alone.
//
// Why the walks are stable while contacts change (no row skipped, no change lost, nothing repeated twice
// for one change):
// - change_seq comes from the account's sequence, taken under a row lock inside the writer's transaction,
//   so seq order is commit order and every change moves the contact to a seq above every seq already
//   committed. updated_at cannot give that: two writers take timestamps, then commit in either order, and
//   clocks of several nodes disagree; a (updated_at, contact_id) cursor can pass a row that commits later
//   with an earlier timestamp, and that change is lost.
// - With `updated_after`, pages are ordered by change_seq and resume after the last seq returned. A contact
//   changed during the walk jumps past the cursor and comes again with its new state (a new change, not a
//   duplicate); one not yet reached is met once, at its new place. The first page starts just below the
//   smallest change_seq among contacts updated after the date (through the updated_at index), so an
//   incremental sync does not scan the whole account.
// - Without `updated_after`, pages are ordered by created_seq, which never changes: updates never move a
//   row (nothing repeated), and contacts created during the walk have higher seqs, so they come at the end.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { parseSequenceIds } from '../../shared/sequence-ids.ts';
import { type JsonChunks, joinJsonChunks, jsonText } from '../../shared/json-chunks.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import {
  type ContactQuery,
  hasQueryParams,
  parseContactQuery,
  type RawContactQuery,
} from './contact-query.ts';
import { type ContactJsonRow, listContactJsonPage, listJsonTexts } from './contact-json.repository.ts';
import { contactJsonTexts, type ContactView } from './contact-view.ts';
import * as repo from './contacts.repository.ts';

export type ContactPage = {
  contacts: ContactView[];
  contacts_count?: number;
  _links?: { next: { href: string } };
};

type Cursor = { v: 1; q: ContactQuery; o: repo.PageOrder; p: number };

const invalidCursor = (why: string) =>
  new AppError(
    'INVALID_CURSOR',
    `The cursor is not valid for this request (${why}); start again from the first page`,
    {
      fields: { cursor: `cursor is not valid for this request (${why}); start again from the first page` },
    },
  );

export function createContactsQueryService(deps: { db: Db; tokens: SignedTokenCodec }) {
  const { db, tokens } = deps;
  const context = (accountId: string) => `contacts:${accountId}`;

  function readCursor(accountId: string, token: string, raw: RawContactQuery): Cursor {
    const cursor = tokens.decode(context(accountId), token) as Cursor | null;
    if (cursor?.v !== 1 || typeof cursor.p !== 'number' || !cursor.q)
      throw invalidCursor('malformed, altered or made for another account');
    if (hasQueryParams(raw) && JSON.stringify(parseContactQuery(raw)) !== JSON.stringify(cursor.q)) {
      throw invalidCursor('it belongs to a query with other parameters');
    }
    return cursor;
  }

  /** Where the first page of a query starts, or null when nothing can match. */
  async function firstPosition(
    accountId: string,
    query: ContactQuery,
  ): Promise<Omit<Cursor, 'v' | 'q'> | null> {
    const since = query.filter.updatedAfter;
    if (!since) return { o: 'created', p: 0 };
    const first = await repo.firstChangeSeqUpdatedAfter(db, accountId, since);
    return first === null ? null : { o: 'changed', p: first - 1 };
  }

  /** The contacts' JSON of the page at `position`, the seq of its last contact, and whether more follow. */
  async function readPage(
    accountId: string,
    query: ContactQuery,
    position: Omit<Cursor, 'v' | 'q'>,
  ): Promise<{ texts: string[]; last: number; more: boolean }> {
    const range = { order: position.o, after: position.p, limit: query.limit + 1 };
    const include = new Set(query.include);
    const rows = include.size
      ? await listContactJsonPage(db, accountId, query.filter, range)
      : await listJsonTexts(db, accountId, query.filter, range, 'contact');
    const more = rows.length > query.limit;
    if (more) rows.length = query.limit;
    const texts = include.size
      ? await contactJsonTexts(db, accountId, rows as ContactJsonRow[], include)
      : rows.map((r) => r.json);
    return { texts, last: rows.length ? Number(rows[rows.length - 1]!.seq) : 0, more };
  }

  /**
   * A page as the JSON text of the response body: the database writes each contact's JSON (see
   * contact-json.repository.ts), so a page of 500 is never 500 objects to build and serialise.
   */
  async function listContactsJson(
    accountId: string,
    raw: RawContactQuery & { cursor?: string },
  ): Promise<JsonChunks> {
    let query: ContactQuery;
    let position: Omit<Cursor, 'v' | 'q'> | null;
    if (raw.cursor !== undefined) {
      const cursor = readCursor(accountId, raw.cursor, raw);
      query = cursor.q;
      position = { o: cursor.o, p: cursor.p };
    } else {
      query = parseContactQuery(raw);
      position = await firstPosition(accountId, query);
    }
    const { texts, last, more } = position
      ? await readPage(accountId, query, position)
      : { texts: [], last: 0, more: false };
    let tail = ']';
    if (query.includeCount) tail += `,"contacts_count":${await repo.countContacts(db, accountId, query.filter)}`;
    if (more && position) {
      const next: Cursor = { v: 1, q: query, o: position.o, p: last };
      const href = `/v3/contacts?cursor=${tokens.encode(context(accountId), next)}`;
      tail += `,"_links":{"next":{"href":${JSON.stringify(href)}}}`;
    }
    return joinJsonChunks('{"contacts":[', texts, `${tail}}`);
  }

  /** The same page as an object (callers inside the server: the customer pages). */
  async function listContacts(accountId: string, raw: RawContactQuery & { cursor?: string }): Promise<ContactPage> {
    return JSON.parse(jsonText(await listContactsJson(accountId, raw))) as ContactPage;
  }

  /** GET /contacts/contact_id_xrefs: legacy v2 ids → contact_id, ascending; unknown ids are left out. */
  async function contactIdXrefs(accountId: string, sequenceIds: string | undefined) {
    const rows = await repo.findContactsBySequence(db, accountId, parseSequenceIds(sequenceIds));
    return { xrefs: rows.map((r) => ({ sequence_id: String(r.created_seq), contact_id: r.contact_id })) };
  }

  return { listContacts, listContactsJson, contactIdXrefs };
}
