// Request and response schemas of /v3/contact_tags (the dialect's Tag and its collection).
import { Type } from '@sinclair/typebox';
import { Body, Cursor, IncludeCount, Limit, PageLinks, Timestamp, Uuid } from '../../http/api-schemas.ts';

export const Tag = Type.Object(
  {
    tag_id: Uuid('Unique ID of the tag'),
    name: Type.String({ description: 'Unique name of the tag' }),
    tag_source: Type.Optional(Type.String({ description: 'Where the tag came from, set at creation' })),
    contacts_count: Type.Optional(Type.Integer({ description: 'Tagged contacts, with include_count' })),
    created_at: Timestamp('When the tag was created'),
    updated_at: Timestamp('When the tag last changed'),
  },
  { description: 'A contact tag' },
);

export const TagParams = Type.Object({ tag_id: Uuid('The ID of the tag') });

export const TagsQuery = Type.Object({
  limit: Limit(500),
  include_count: IncludeCount('Adds contacts_count to each tag'),
  cursor: Cursor,
});

export const TagQuery = Type.Object({ include_count: IncludeCount('Adds contacts_count') });

export const TagPostBody = Body(
  {
    name: Type.String({ description: 'Unique tag name (1–255 characters)' }),
    tag_source: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  'A new tag',
);

export const TagPutBody = Body({ name: Type.String({ description: 'The new unique name (1–255 characters)' }) }, 'A tag rename');

export const TagPage = Type.Object({ tags: Type.Array(Tag), _links: PageLinks });
