// Request and response schemas of /v3/webhooks: subscriptions, their secret (shown at creation and rotation
// only), the delivery log, resend and replay.
import { Type } from '@sinclair/typebox';
import { Body, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';
import { CONTACT_EVENTS } from './webhook-events.ts';

const EventType = StringEnum(CONTACT_EVENTS, { description: 'An event type' });
const Events = Type.Array(EventType, { minItems: 1, maxItems: CONTACT_EVENTS.length, uniqueItems: true, description: 'The event types to receive' });
const ListIds = Type.Array(Uuid('A contact list ID'), {
  maxItems: 25,
  uniqueItems: true,
  description: 'Only contacts in these lists (and membership changes of these lists); empty or absent: every contact',
});
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'The https endpoint receiving the events' });
const Description = Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description: 'A note for the developer' });

export const Webhook = Type.Object(
  {
    webhook_id: Uuid('Unique ID of the subscription'),
    url: Type.String({ description: 'The endpoint' }),
    description: Type.Optional(Type.String()),
    events: Type.Array(Type.String(), { description: 'Event types delivered' }),
    list_ids: Type.Array(Type.String(), { description: 'List filter; empty: every contact' }),
    status: StringEnum(['active', 'disabled'] as const, { description: 'Disabled subscriptions keep their position and resume from it' }),
    disabled_reason: Type.Optional(
      StringEnum(['user', 'receiver_gone', 'failing', 'access_revoked'] as const, {
        description: 'Why it is disabled: by request, the receiver answered 410, every retry failed, or the app lost its access to the account',
      }),
    ),
    backlog: Type.Integer({ description: 'Changes recorded after the last one delivered (an upper bound when filtered)' }),
    failed_attempts: Type.Integer({ description: 'Failed attempts in a row' }),
    next_attempt_at: Type.Optional(Timestamp('When the next retry is due')),
    secret_rotated_until: Type.Optional(Timestamp('Until when the previous secret also signs')),
    created_at: Timestamp('When the subscription was created'),
    updated_at: Timestamp('When the subscription last changed'),
  },
  { description: 'A webhook subscription of the calling app on the account' },
);

export const WebhookWithSecret = Type.Composite([Webhook, Type.Object({ secret: Type.String({ description: 'whsec_… signing secret: shown only now' }) })], {
  description: 'A subscription with its signing secret',
});

export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook) });

export const WebhookParams = Type.Object({ webhook_id: Uuid('The ID of the subscription') });

export const WebhookPostBody = Body(
  { url: Url, events: Events, list_ids: Type.Optional(ListIds), description: Type.Optional(Description) },
  'A new subscription',
);

export const WebhookPatchBody = Body(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    list_ids: Type.Optional(ListIds),
    description: Type.Optional(Description),
    status: Type.Optional(StringEnum(['active', 'disabled'] as const, { description: 'active re-enables from where it stopped' })),
  },
  'Changes to a subscription',
);

export const Attempt = Type.Object({
  attempt_id: Uuid('Unique ID of the attempt'),
  message_id: Type.String({ description: 'The webhook-id header sent' }),
  event_ids: Type.Array(Type.String(), { description: 'Event ids in the request (first and last when more than two)' }),
  event_count: Type.Integer(),
  outcome: StringEnum(['delivered', 'failed'] as const),
  status_code: Type.Optional(Type.Integer({ description: 'The receiver’s HTTP status, absent when no response came' })),
  error: Type.Optional(Type.String()),
  latency_ms: Type.Integer(),
  response_excerpt: Type.Optional(Type.String({ description: 'The first 512 characters of the response body' })),
  attempted_at: Timestamp('When the request was sent'),
});

export const AttemptList = Type.Object({ attempts: Type.Array(Attempt) });

export const ResendBody = Body({ event_id: Type.String({ minLength: 1, maxLength: 200, description: 'The id of a delivered event (evt_…)' }) }, 'One event to send again');

export const ReplayBody = Body(
  { since: Type.String({ format: 'date-time', description: 'Every change recorded at or after this time is sent again, in order' }) },
  'A replay',
);

export const ReplayResult = Type.Object({ webhook_id: Type.String(), replay_from_seq: Type.Integer({ description: 'Delivery restarts after this change' }) });

export const ListenQuery = Type.Object({
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'The cursor of the previous answer; absent: start at the newest change' })),
  events: Type.Optional(Type.String({ maxLength: 500, description: 'Comma-separated event types to receive (default: every type)' })),
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 30, description: 'Seconds to wait for a change when there is none (default 25)' })),
});

const ListenEvent = Type.Object(
  {
    id: Type.String({ description: 'evt_…, stable for the change' }),
    type: Type.String({ description: 'An event type' }),
    timestamp: Timestamp('When the change was recorded'),
    account_id: Type.String(),
    seq: Type.Integer({ description: "The change's position in the account's log" }),
    data: Type.Object({}, { additionalProperties: true, description: 'The contact (or its tombstone) and, for membership events, list_id' }),
  },
  { description: 'An event, as in a webhook request' },
);

export const ListenBatch = Type.Object({
  events: Type.Array(ListenEvent, { description: 'The next events after the cursor, in log order; empty when none came while waiting' }),
  cursor: Type.String({ description: 'Pass it to the next call' }),
});
