// Change-log rows → webhook events: the change's type, when it happened, and the contact's current state
// (as GET /v3/contacts/{id} with list memberships, custom fields and taggings) or its tombstone.
import type { Db } from '../../db/database.ts';
import type { ContactChangeKind } from '../../db/schema.ts';
import * as changes from '../contacts/contact-changes.repository.ts';
import { buildContactViews, type ContactView } from '../contacts/contact-view.ts';
import { findContactsByIds } from '../contacts/contacts.repository.ts';

export const CONTACT_EVENTS = [
  'contact.created',
  'contact.updated',
  'contact.unsubscribed',
  'contact.deleted',
  'contact.list_membership.added',
  'contact.list_membership.removed',
] as const;
export type WebhookEventType = (typeof CONTACT_EVENTS)[number];

const TYPES: Record<ContactChangeKind, WebhookEventType> = {
  created: 'contact.created',
  updated: 'contact.updated',
  unsubscribed: 'contact.unsubscribed',
  deleted: 'contact.deleted',
  list_added: 'contact.list_membership.added',
  list_removed: 'contact.list_membership.removed',
};

/** The event type of a change-log row. */
export const eventTypeOf = (kind: ContactChangeKind): WebhookEventType => TYPES[kind];

export type Tombstone = { contact_id: string; status: 'deleted'; deleted_at: string };
export type WebhookEvent = {
  id: string;
  type: WebhookEventType;
  timestamp: string;
  account_id: string;
  seq: number;
  data: { contact: ContactView | Tombstone; list_id?: string };
};

/** Stable for a change, whatever the attempt or subscription: receivers deduplicate on it. */
export const eventId = (accountId: string, seq: number) => `evt_${seq}_${accountId}`;

export function seqOfEventId(accountId: string, id: string): number | null {
  const match = /^evt_(\d+)_(.+)$/.exec(id);
  return match && match[2] === accountId ? Number(match[1]) : null;
}

export async function toEvents(db: Db, accountId: string, rows: readonly changes.ChangeRow[]): Promise<WebhookEvent[]> {
  const ids = [...new Set(rows.map((r) => r.contact_id))];
  const found = await findContactsByIds(db, accountId, ids);
  const include = new Set(['list_memberships', 'custom_fields', 'taggings'] as const);
  const live = await buildContactViews(db, accountId, found.filter((c) => !c.deleted_at), include);
  const views = new Map(live.map((v) => [v.contact_id, v]));
  const deletedAt = new Map(found.filter((c) => c.deleted_at).map((c) => [c.contact_id, c.deleted_at!]));
  return rows.map((row) => {
    const contact = views.get(row.contact_id) ?? {
      contact_id: row.contact_id,
      status: 'deleted' as const,
      deleted_at: deletedAt.get(row.contact_id) ?? row.created_at,
    };
    const data: WebhookEvent['data'] = row.list_id ? { contact, list_id: row.list_id } : { contact };
    const seq = Number(row.seq);
    return { id: eventId(accountId, seq), type: TYPES[row.kind], timestamp: row.created_at, account_id: accountId, seq, data };
  });
}

/** The next page of the log after `after` (list-filtered), and the seq a reader may resume after. */
export async function readPage(
  db: Db,
  accountId: string,
  after: number,
  limit: number,
  lists: readonly string[],
): Promise<{ rows: changes.ChangeRow[]; end: number }> {
  const page = await changes.readChanges(db, accountId, { after, limit, ...(lists.length ? { lists } : {}) });
  const end = page.rows.length === limit ? page.rows[page.rows.length - 1]!.seq : Math.max(after, page.head);
  return { rows: page.rows, end };
}
