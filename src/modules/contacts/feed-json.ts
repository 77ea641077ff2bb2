// The change feed's JSON text, written piece by piece around the contacts' JSON from the database, in the
// field order of the FeedChange and FeedPage objects (contact-changes.service.ts) that JSON.stringify
// would write.
import { type JsonChunks, joinJsonChunks } from '../../shared/json-chunks.ts';

const quote = JSON.stringify;

/** `{seq, change, changed_at, contact}`; `contact` is JSON text already. */
export function changeJson(seq: number, change: string, changedAt: string, contact: string): string {
  return `{"seq":${seq},"change":${quote(change)},"changed_at":${quote(changedAt)},"contact":${contact}}`;
}

/** A deleted contact: `{contact_id, status: "deleted", deleted_at}`. */
export function tombstoneJson(contactId: string, deletedAt: string): string {
  return `{"contact_id":${quote(contactId)},"status":"deleted","deleted_at":${quote(deletedAt)}}`;
}

/** `{changes, next_sync_token, more, _links?}`; `changes` are JSON texts already. */
export function feedPageJson(changes: readonly string[], nextSyncToken: string, more: boolean): JsonChunks {
  const token = quote(nextSyncToken);
  const next = more ? `,"_links":{"next":{"href":${quote(`/v3/contacts/changes?sync_token=${nextSyncToken}`)}}}` : '';
  return joinJsonChunks('{"changes":[', changes, `],"next_sync_token":${token},"more":${more}${next}}`);
}
