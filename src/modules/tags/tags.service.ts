// Contact tags: create, rename, read and page (by name) with tagged-contact counts, and delete through a
// tag_delete activity that untags every contact first.
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { nextCursor, openPage, pageLinks } from '../../shared/page-cursor.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { cleanText } from '../../shared/validate.ts';
import type { ApiActivity } from '../activities/activities.repository.ts';
import type { ActivitiesService } from '../activities/activities.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { type AuditRequester, bulkJobEntry } from '../audit/requester.ts';
import { TAG_DELETE } from './tag-delete.job.ts';
import * as repo from './tags.repository.ts';
import type { ApiTag, TagRow } from './tags.repository.ts';

export type TagInput = { name?: unknown; tag_source?: unknown };
export type TagsQuery = { limit?: number; include_count?: boolean; cursor?: string };

export type TagsService = ReturnType<typeof createTagsService>;

function parseName(value: unknown): string {
  const name = cleanText(value, 255);
  if (!name) throw invalidFields({ name: 'name is required: 1 to 255 characters on one line' });
  return name;
}

export function createTagsService(deps: { db: Db; clock: Clock; cursors: SignedTokenCodec; activities: ActivitiesService; audit: AuditService }) {
  const { db, clock, cursors, activities } = deps;
  const notFound = () => new AppError('NOT_FOUND', 'Tag not found');
  const duplicate = (name: string) => new AppError('CONFLICT', `A tag named "${name}" already exists`);

  async function withCounts(accountId: string, rows: TagRow[], includeCount: boolean | undefined): Promise<ApiTag[]> {
    const counts = includeCount ? await repo.countTagged(db, accountId, rows.map((r) => r.tag_id)) : null;
    return rows.map((row) => repo.toApiTag(row, counts ? (counts.get(row.tag_id) ?? 0) : undefined));
  }

  async function listTags(accountId: string, input: TagsQuery) {
    const { cursor, ...given } = input;
    const scope = { resource: 'contact_tags', accountId };
    const page = openPage<string>(cursors, scope, given, cursor);
    const q = page.query as Omit<TagsQuery, 'cursor'>;
    const limit = q.limit ?? 50;
    const rows = await repo.listTags(db, accountId, page.position, limit);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const next = rows.length > limit && last ? nextCursor(cursors, scope, page.query, last.name) : null;
    return { tags: await withCounts(accountId, shown, q.include_count), _links: pageLinks('/v3/contact_tags', next) };
  }

  async function getTag(accountId: string, tagId: string, includeCount?: boolean): Promise<ApiTag> {
    const row = await repo.findTag(db, accountId, tagId);
    if (!row) throw notFound();
    return (await withCounts(accountId, [row], includeCount))[0]!;
  }

  async function createTag(accountId: string, input: TagInput): Promise<ApiTag> {
    const name = parseName(input.name);
    const source = input.tag_source === undefined || input.tag_source === null ? null : cleanText(input.tag_source, 64);
    if (source === null && input.tag_source !== undefined && input.tag_source !== null) {
      throw invalidFields({ tag_source: 'tag_source must be 1 to 64 characters on one line' });
    }
    const now = clock.now().toISOString();
    const row = { tag_id: newId(), account_id: accountId, name, tag_source: source, created_at: now, updated_at: now };
    try {
      await repo.insertTag(db, row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(name);
      throw error;
    }
    return repo.toApiTag(row);
  }

  /** Renames the tag; tag_source cannot change after creation (as in the dialect). */
  async function renameTag(accountId: string, tagId: string, input: TagInput): Promise<ApiTag> {
    const name = parseName(input.name);
    const now = clock.now().toISOString();
    try {
      if (!(await repo.renameTag(db, accountId, tagId, name, now))) throw notFound();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(name);
      throw error;
    }
    return getTag(accountId, tagId);
  }

  /** Records the tag_delete job (a bulk deletion by `by` in the audit log), then runs it. */
  async function deleteTag(accountId: string, tagId: string, by?: AuditRequester): Promise<ApiActivity> {
    const activityId = await db.transaction().execute(async (trx) => {
      if (!(await repo.findTag(trx, accountId, tagId))) throw notFound();
      return activities.enqueue(trx, { accountId, kind: TAG_DELETE, payload: { tag_ids: [tagId] }, itemsTotal: 1 });
    });
    await deps.audit.record(bulkJobEntry('bulk.deleted', accountId, activityId, by, { kind: TAG_DELETE, tag_ids: [tagId] }));
    return activities.runNow(accountId, activityId);
  }

  return { listTags, getTag, createTag, renameTag, deleteTag };
}
