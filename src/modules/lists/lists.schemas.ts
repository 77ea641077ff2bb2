// Request and response schemas of /v3/contact_lists (the dialect's ContactList and its collection).
import { Type } from '@sinclair/typebox';
import { Body, Cursor, IncludeCount, Limit, PageLinks, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';

const MembershipCount = Type.Optional(
  StringEnum(['all', 'active'] as const, {
    description: 'Adds membership_count: `all` counts every contact that is not deleted, `active` also leaves out unsubscribed ones',
  }),
);

export const ContactList = Type.Object(
  {
    list_id: Uuid('Unique ID of the list'),
    name: Type.String({ description: 'Name of the list, unique among the account\'s lists that are not deleted' }),
    description: Type.Optional(Type.String()),
    favorite: Type.Boolean(),
    created_at: Timestamp('When the list was created'),
    updated_at: Timestamp('When the list last changed'),
    deleted_at: Type.Optional(Timestamp('When the list was deleted')),
    membership_count: Type.Optional(Type.Integer({ description: 'Members, with include_membership_count' })),
  },
  { description: 'A contact list' },
);

export const ListParams = Type.Object({ list_id: Uuid('The ID of the list') });

export const ListsQuery = Type.Object({
  limit: Limit(1000),
  include_count: IncludeCount('Adds lists_count, the number of lists matching the filters'),
  include_membership_count: MembershipCount,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only the list with exactly this name' })),
  status: Type.Optional(
    Type.String({ description: 'Comma-separated: all, active, deleted (default active)', examples: ['active,deleted'] }),
  ),
  cursor: Cursor,
});

export const ListQuery = Type.Object({ include_membership_count: MembershipCount });

export const ListBody = Body(
  {
    name: Type.String({ description: 'Name of the list (1–255 characters)' }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    favorite: Type.Optional(Type.Boolean()),
  },
  'The list\'s editable fields; PUT replaces all of them',
);

export const ListPage = Type.Object({
  lists: Type.Array(ContactList),
  lists_count: Type.Optional(Type.Integer({ description: 'With include_count' })),
  _links: PageLinks,
});

export const ListXrefsQuery = Type.Object({
  sequence_ids: Type.String({ description: 'Comma-separated legacy v2 list ids (at most 500)', examples: ['1,2,3'] }),
});

export const ListXrefs = Type.Object(
  {
    xrefs: Type.Array(
      Type.Object({
        sequence_id: Type.String({ description: 'The legacy v2 list id' }),
        list_id: Uuid('The v3 list id'),
      }),
    ),
  },
  { description: 'v2 ids and their v3 list ids, ascending by sequence_id; unknown ids are left out' },
);
