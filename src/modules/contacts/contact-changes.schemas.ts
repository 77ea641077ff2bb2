// Request and response schemas of the change feed, GET /v3/contacts/changes (beyond the dialect; the
// response shape is described at the top of contact-changes.service.ts).
import { Type } from '@sinclair/typebox';
import { Limit, PageLinks, StringEnum, Timestamp } from '../../http/api-schemas.ts';
import { contactProperties, Include } from './contacts.schemas.ts';

export const ChangesQuery = Type.Object({
  sync_token: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 8192,
      description: 'next_sync_token of the previous page; none to start a full sync',
    }),
  ),
  limit: Limit(1000, 500),
  lists: Type.Optional(
    Type.String({ description: 'Comma-separated list IDs: only their members, plus removed_from_list' }),
  ),
  include: Include,
});

export const ChangesPage = Type.Object({
  changes: Type.Array(
    Type.Object({
      seq: Type.Integer({ description: "Position in the account's change sequence" }),
      change: StringEnum([
        'created',
        'updated',
        'unsubscribed',
        'deleted',
        'added_to_list',
        'removed_from_list',
      ] as const),
      list_id: Type.Optional(Type.String({ description: 'For added_to_list and removed_from_list' })),
      changed_at: Timestamp('When the change was made'),
      contact: Type.Object(
        {
          ...contactProperties,
          status: Type.Optional(StringEnum(['deleted'] as const, { description: 'Only on tombstones' })),
        },
        {
          description:
            "The contact's current state, or a tombstone {contact_id, status: deleted, deleted_at}",
        },
      ),
    }),
  ),
  next_sync_token: Type.String({
    description: 'Store it after applying the page; pass it as sync_token next time',
  }),
  more: Type.Boolean({ description: 'True when more changes are waiting: call again at once' }),
  _links: Type.Optional(PageLinks),
});
