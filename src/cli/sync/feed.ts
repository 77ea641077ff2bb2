// Reads the change feed (GET /v3/contacts/changes) one page at a time and turns each change into the
// contact's sync status, derived from its current state: deleted, removed from the synced lists,
// unsubscribed or active.
import { ApiRefusal, type ApiClient } from '../client/api-client.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import type { ContactChange, SyncFormat, SyncStatus } from './contact-rows.ts';

type FeedContact = Record<string, unknown> & { contact_id: string; status?: string; deleted_at?: string };
type FeedResponse = {
  changes: { change: string; contact: FeedContact }[];
  next_sync_token: string;
  more: boolean;
};

export type FeedPage = { changes: ContactChange[]; next: string; more: boolean };

/** The feed refused the stored sync token (400: foreign or altered; 410: older than the kept history). */
export class SyncTokenRejected extends Error {}

const CONTACT_ID = /^[A-Za-z0-9-]{1,64}$/;

export function includesFor(format: SyncFormat): string {
  return format === 'csv'
    ? 'list_memberships,phone_numbers'
    : 'custom_fields,list_memberships,phone_numbers,street_addresses,taggings';
}

export function statusOf(contact: FeedContact, lists: ReadonlySet<string> | null): SyncStatus {
  if (contact.status === 'deleted' || contact.deleted_at) return 'deleted';
  if (lists) {
    const memberships = Array.isArray(contact.list_memberships) ? (contact.list_memberships as string[]) : [];
    if (!memberships.some((id) => lists.has(id))) return 'removed';
  }
  const email = contact.email_address as { permission_to_send?: string } | undefined;
  return email?.permission_to_send === 'unsubscribed' ? 'unsubscribed' : 'active';
}

export function createFeedReader(
  api: ApiClient,
  options: { lists: string[] | 'all'; format: SyncFormat; limit: number },
) {
  const lists = options.lists === 'all' ? null : new Set(options.lists);
  const base = new URLSearchParams({ limit: String(options.limit), include: includesFor(options.format) });
  if (lists) base.set('lists', [...lists].join(','));

  return async function readPage(token: string | null): Promise<FeedPage> {
    const query = new URLSearchParams(base);
    if (token !== null) query.set('sync_token', token);
    let body: FeedResponse;
    try {
      body = await api.get<FeedResponse>(`/v3/contacts/changes?${query}`);
    } catch (error) {
      if (
        error instanceof ApiRefusal &&
        token !== null &&
        (error.status === 410 || error.errorKey.includes('cursor'))
      ) {
        throw new SyncTokenRejected(error.message);
      }
      throw error;
    }
    if (!Array.isArray(body?.changes) || typeof body.next_sync_token !== 'string') {
      throw new CliError(
        'the server answered the change feed with an unexpected shape; is it a Listgate server?',
        EXIT.SERVER,
      );
    }
    const changes = body.changes.map(({ contact }): ContactChange => {
      if (!CONTACT_ID.test(String(contact?.contact_id))) {
        throw new CliError(
          `the change feed returned an invalid contact_id ${JSON.stringify(contact?.contact_id)}`,
          EXIT.SERVER,
        );
      }
      return { contact_id: contact.contact_id, status: statusOf(contact, lists), contact };
    });
    return { changes, next: body.next_sync_token, more: Boolean(body.more) };
  };
}
