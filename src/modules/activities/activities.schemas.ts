// Request and response schemas of /v3/activities: the dialect's activity status report and its collection.
import { Type } from '@sinclair/typebox';
import { Cursor, Limit, PageLinks, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';
import { ACTIVITY_STATES } from './activities.service.ts';

const Href = Type.Object({ href: Type.String() });

export const Activity = Type.Object(
  {
    activity_id: Uuid('Unique ID of the activity'),
    state: StringEnum(ACTIVITY_STATES, { description: 'Processing state of the activity' }),
    created_at: Timestamp('When the activity was created'),
    updated_at: Timestamp('When the activity last changed'),
    started_at: Type.Optional(Timestamp('When processing began')),
    completed_at: Type.Optional(Timestamp('When processing ended')),
    percent_done: Type.Integer({ minimum: 0, maximum: 100 }),
    activity_errors: Type.Array(Type.String(), { description: 'Messages describing the errors that occurred' }),
    status: Type.Object(
      {
        items_total_count: Type.Integer(),
        items_completed_count: Type.Integer(),
        error_count: Type.Integer(),
        list_count: Type.Optional(Type.Integer({ description: 'Lists processed (list activities)' })),
      },
      { additionalProperties: Type.Integer() },
    ),
    _links: Type.Object({
      self: Href,
      results: Type.Optional(Href),
      errors: Type.Optional(Type.Object({ href: Type.String({ description: 'Every bad row of an import, as CSV' }) })),
    }),
  },
  { description: 'An activity (bulk job) status report' },
);

export const ActivityParams = Type.Object({ activity_id: Uuid('The ID of the activity') });

export const ActivityListQuery = Type.Object({
  limit: Limit(500),
  state: Type.Optional(StringEnum(ACTIVITY_STATES, { description: 'Only activities in this state' })),
  cursor: Cursor,
});

export const ActivityPage = Type.Object({ activities: Type.Array(Activity), _links: PageLinks });
