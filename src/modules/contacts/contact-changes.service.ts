// The change feed (beyond the dialect): GET /v3/contacts/changes?sync_token=…&limit=…[&lists=…][&include=…]
// and the compaction of the change log behind it.
//
// Response (200):
//   {
//     "changes": [                                  // in change order (seq ascending), at most `limit`
//       { "seq": 41,                                // position in the account's change sequence
//         "change": "created" | "updated" | "unsubscribed" | "deleted" | "added_to_list" | "removed_from_list",
//         "list_id": "…",                           // only for added_to_list / removed_from_list
//         "changed_at": "2026-01-31T12:00:00.000Z",
//         "contact": { …the contact's CURRENT state, as GET /contacts/{id} with `include`… }
//                 | { "contact_id": "…", "status": "deleted", "deleted_at": "…" }   // tombstone
//       }, …],
//     "next_sync_token": "…",                       // always present; store it after applying the page
//     "more": true | false,                         // true: call again at once with next_sync_token
//     "_links": { "next": { "href": "/v3/contacts/changes?sync_token=…" } }   // only when more
//   }
// - Without sync_token the feed starts a full sync: first a snapshot, every contact once in change order
//   ("created", or "deleted" with a tombstone), then every change made since the snapshot began. The
//   token carries `lists` and `include`, so the next call needs nothing else. The current state comes with
//   every change, so one contact may appear several times (once per change); applying the pages in order
//   as upserts (tombstones as deletes, removed_from_list as "drop from this list's replica") leaves the
//   client equal to the server. `seq` only grows from one entry to the next.
// - With `lists`, the feed reports changes of contacts currently in those lists, their additions, and
//   `removed_from_list` when one leaves them; other contacts are skipped.
// - A token that is malformed, altered or made for another account or other `lists`: 400. A token older
//   than the compacted part of the log: 410; both messages say to start a full sync without sync_token.
// Why no change is lost or repeated: seqs are taken under the account row lock in the writer's transaction
// (seq order = commit order), and a page never reads past the log head it read first, so every seq up to
// the token is committed and applied exactly once, whatever commits concurrently. The snapshot runs up to
// the head read when it began; a contact changed during it moves above that head, into the log phase.
import type { Db } from '../../db/database.ts';
import type { ContactChangeKind } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { type JsonChunks, jsonText } from '../../shared/json-chunks.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { isUuid } from './formats.ts';
import { parseIncludes, parseLimit } from './contact-query.ts';
import { contactJsonTexts, type ContactView, type Include } from './contact-view.ts';
import { findContactJsonByIds, listContactJsonPage, listJsonTexts } from './contact-json.repository.ts';
import { changeJson, feedPageJson, tombstoneJson } from './feed-json.ts';
import * as changes from './contact-changes.repository.ts';
import type { ContactFilter } from './contacts.repository.ts';
import { throwIfInvalid } from './contact-input.ts';

export type Tombstone = { contact_id: string; status: 'deleted'; deleted_at: string };
export type FeedChange = {
  seq: number;
  change: 'created' | 'updated' | 'unsubscribed' | 'deleted' | 'added_to_list' | 'removed_from_list';
  list_id?: string;
  changed_at: string;
  contact: ContactView | Tombstone;
};
export type FeedPage = {
  changes: FeedChange[];
  next_sync_token: string;
  more: boolean;
  _links?: { next: { href: string } };
};
export type FeedQuery = { sync_token?: string; limit?: number | string; lists?: string; include?: string };

/** s: last seq delivered; h: the log head a full sync's snapshot phase runs up to (absent in the log phase). */
type SyncToken = { v: 1; s: number; l: string[]; i: Include[]; h?: number };

const NAMES: Record<ContactChangeKind, FeedChange['change']> = {
  created: 'created',
  updated: 'updated',
  unsubscribed: 'unsubscribed',
  deleted: 'deleted',
  list_added: 'added_to_list',
  list_removed: 'removed_from_list',
};

const badToken = (why: string) =>
  new AppError(
    'INVALID_CURSOR',
    `The sync_token is not valid (${why}); start a full sync without sync_token`,
    {
      fields: { sync_token: `sync_token is not valid (${why}); start a full sync without sync_token` },
    },
  );

export function createContactChangesService(deps: { db: Db; clock: Clock; tokens: SignedTokenCodec }) {
  const { db, clock, tokens } = deps;
  const context = (accountId: string) => `contact-changes:${accountId}`;

  function parseFeedQuery(accountId: string, query: FeedQuery): { token: SyncToken; limit: number } {
    const errors: Record<string, string> = {};
    const limit = parseLimit(query.limit, errors, 1000, 500);
    const include = query.include === undefined ? undefined : parseIncludes(query.include, errors);
    let lists: string[] | undefined;
    if (query.lists !== undefined && query.lists !== '') {
      lists = [...new Set(query.lists.split(',').map((s) => s.trim().toLowerCase()))].sort();
      if (lists.length > 25 || !lists.every(isUuid))
        errors.lists = 'lists must be a comma-separated list of at most 25 list ids';
    }
    throwIfInvalid(errors);
    if (query.sync_token === undefined)
      return { token: { v: 1, s: 0, l: lists ?? [], i: include ?? [] }, limit };
    const token = tokens.decode(context(accountId), query.sync_token) as SyncToken | null;
    const validHead = token?.h === undefined || Number.isInteger(token.h);
    if (token?.v !== 1 || !Number.isInteger(token.s) || !Array.isArray(token.l) || !validHead)
      throw badToken('malformed, altered or made for another account');
    if (lists && JSON.stringify(lists) !== JSON.stringify(token.l))
      throw badToken('it was made for other lists');
    return { token: { ...token, i: include ?? token.i }, limit };
  }

  /** The JSON text of log rows, each with its contact's current state (or a tombstone). */
  async function toChanges(accountId: string, rows: changes.ChangeRow[], include: Include[]): Promise<string[]> {
    const found = await findContactJsonByIds(db, accountId, [...new Set(rows.map((r) => r.contact_id))]);
    const live = found.filter((c) => !c.deleted_at);
    const texts = await contactJsonTexts(db, accountId, live, new Set(include));
    const contacts = new Map(live.map((c, i) => [c.contact_id, texts[i]!]));
    const deleted = new Map(found.filter((c) => c.deleted_at).map((c) => [c.contact_id, c.deleted_at!]));
    return rows.map((row) => {
      const contact =
        contacts.get(row.contact_id) ??
        tombstoneJson(row.contact_id, deleted.get(row.contact_id) ?? row.created_at);
      const change = changeJson(row.seq, NAMES[row.kind], row.created_at, contact);
      return row.list_id ? `${change.slice(0, -1)},"list_id":${JSON.stringify(row.list_id)}}` : change;
    });
  }

  function pageOf(accountId: string, changed: string[], next: SyncToken, more: boolean): JsonChunks {
    return feedPageJson(changed, tokens.encode(context(accountId), next), more);
  }

  type SnapshotPage = { changed: string[]; last: number; more: boolean };
  type Range = { order: 'changed'; after: number; through: number; limit: number };

  /** Snapshot entries written whole by the database (no sub-resources to add). */
  async function snapshotEntries(accountId: string, filter: ContactFilter, page: Range): Promise<SnapshotPage> {
    const rows = await listJsonTexts(db, accountId, filter, { ...page, limit: page.limit + 1 }, 'snapshot');
    const more = rows.length > page.limit;
    if (more) rows.length = page.limit;
    return { changed: rows.map((r) => r.json), last: rows.length ? Number(rows[rows.length - 1]!.seq) : 0, more };
  }

  /** Snapshot entries around the contacts' JSON with the sub-resources of `include` appended. */
  async function snapshotWithIncludes(
    accountId: string,
    filter: ContactFilter,
    page: Range,
    include: Include[],
  ): Promise<SnapshotPage> {
    const rows = await listContactJsonPage(db, accountId, filter, { ...page, limit: page.limit + 1 });
    const more = rows.length > page.limit;
    if (more) rows.length = page.limit;
    const live = rows.filter((r) => !r.deleted_at);
    const texts = await contactJsonTexts(db, accountId, live, new Set(include));
    let i = 0;
    const changed = rows.map((row) =>
      row.deleted_at
        ? changeJson(row.seq, 'deleted', row.deleted_at, tombstoneJson(row.contact_id, row.deleted_at))
        : changeJson(row.seq, 'created', row.updated_at, texts[i++]!),
    );
    return { changed, last: rows.length ? Number(rows[rows.length - 1]!.seq) : 0, more };
  }

  /**
   * The first phase of a full sync: every contact once, in change_seq order, up to the log head read when
   * the sync began (a sequential index walk, not one lookup per log row). A contact changed meanwhile
   * moves above that head and is met in the log phase that follows, as in an updated_after walk.
   */
  async function readSnapshot(accountId: string, token: SyncToken, limit: number): Promise<JsonChunks> {
    const head = token.h ?? (await changes.headSeq(db, accountId));
    const filter = { statuses: 'all' as const, ...(token.l.length ? { lists: token.l } : {}) };
    const page = { order: 'changed' as const, after: token.s, through: head, limit };
    const { changed, last, more } = token.i.length
      ? await snapshotWithIncludes(accountId, filter, page, token.i)
      : await snapshotEntries(accountId, filter, page);
    if (more)
      return pageOf(
        accountId,
        changed,
        { ...token, s: last, h: head },
        true,
      );
    const { h: _done, ...logPhase } = token;
    const pending = (await changes.headSeq(db, accountId)) > head;
    return pageOf(accountId, changed, { ...logPhase, s: head }, pending);
  }

  /** The log phase: every change after the token, in seq order. */
  async function readLog(accountId: string, token: SyncToken, limit: number): Promise<JsonChunks> {
    const page = await changes.readChanges(db, accountId, {
      after: token.s,
      limit: limit + 1,
      lists: token.l,
    });
    // Read after the rows: a compaction that committed meanwhile is seen here, never missed.
    const horizon = await changes.findHorizon(db, accountId);
    if (token.s < horizon) {
      throw new AppError(
        'GONE',
        'The sync_token is older than the retained change history; start a full sync without sync_token',
        {
          fields: { sync_token: 'sync_token is too old; start a full sync without sync_token' },
        },
      );
    }
    const more = page.rows.length > limit;
    const rows = more ? page.rows.slice(0, limit) : page.rows;
    const last = more ? rows[rows.length - 1]!.seq : Math.max(token.s, page.head);
    return pageOf(accountId, await toChanges(accountId, rows, token.i), { ...token, s: last }, more);
  }

  /** A page of the feed as the JSON text of the response body. */
  async function readFeedJson(accountId: string, query: FeedQuery): Promise<JsonChunks> {
    const { token, limit } = parseFeedQuery(accountId, query);
    // A client that has seen nothing (no token, or a token at seq 0) gets the snapshot first.
    return token.h !== undefined || token.s === 0
      ? readSnapshot(accountId, token, limit)
      : readLog(accountId, token, limit);
  }

  /** The same page as an object. */
  async function readFeed(accountId: string, query: FeedQuery): Promise<FeedPage> {
    return JSON.parse(jsonText(await readFeedJson(accountId, query))) as FeedPage;
  }

  /**
   * Drops log rows up to `throughSeq` that a later row of the same contact supersedes (each contact keeps
   * its newest row, so a full sync still sees everyone); sync tokens older than `throughSeq` then get 410.
   */
  async function compact(
    accountId: string,
    throughSeq: number,
  ): Promise<{ deleted: number; horizon: number }> {
    const now = clock.now().toISOString();
    return db.transaction().execute(async (trx) => {
      const horizon = await changes.findHorizon(trx, accountId);
      if (throughSeq <= horizon) return { deleted: 0, horizon };
      const deleted = await changes.compactChanges(trx, accountId, throughSeq, now);
      return { deleted, horizon: throughSeq };
    });
  }

  return { readFeed, readFeedJson, compact };
}
