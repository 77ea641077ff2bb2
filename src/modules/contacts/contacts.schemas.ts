// Response and query schemas of /v3/contacts (the dialect's contact resource, its collection, counts, id
// cross-references). Request bodies are built from the field rules in contact-bodies.schemas.ts.
import { Type } from '@sinclair/typebox';
import { IncludeCount, Limit, PageLinks, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';
import { ADDRESS_KINDS, PERMISSIONS, PHONE_KINDS, SOURCES } from './contact-rules.ts';
import { INCLUDES } from './contact-view.ts';
import { SmsChannel } from './sms-channel.schemas.ts';

const oneOf = (values: readonly string[]) => values.join(', ');

export const Include = Type.Optional(
  Type.String({
    description: `Comma-separated sub-resources to add: ${INCLUDES.join(', ')}`,
    examples: ['list_memberships,custom_fields'],
  }),
);

export const EmailAddress = Type.Object(
  {
    address: Type.String({ format: 'email' }),
    permission_to_send: StringEnum(PERMISSIONS),
    created_at: Type.Optional(Timestamp('When the address was added')),
    updated_at: Type.Optional(Timestamp('When the address or its permission last changed')),
    opt_in_source: Type.Optional(Type.String()),
    opt_in_date: Type.Optional(Timestamp('When the contact opted in')),
    opt_out_source: Type.Optional(Type.String()),
    opt_out_date: Type.Optional(Timestamp('When the contact unsubscribed')),
    opt_out_reason: Type.Optional(Type.String()),
    confirm_status: Type.Optional(Type.String({ description: 'confirmed, pending or off' })),
  },
  { description: 'The email address and its permission to send' },
);

const PhoneNumber = Type.Object({
  phone_number_id: Uuid('ID of the phone number'),
  phone_number: Type.String(),
  kind: Type.String({ description: oneOf(PHONE_KINDS) }),
  create_source: Type.Optional(Type.String({ description: oneOf(SOURCES) })),
  update_source: Type.Optional(Type.String({ description: oneOf(SOURCES) })),
  created_at: Timestamp('When it was added'),
  updated_at: Timestamp('When it last changed'),
});
const StreetAddress = Type.Object({
  street_address_id: Uuid('ID of the address'),
  kind: Type.String({ description: oneOf(ADDRESS_KINDS) }),
  street: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  city: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  state: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  postal_code: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  country: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  created_at: Timestamp('When it was added'),
  updated_at: Timestamp('When it last changed'),
});
const Note = Type.Object({
  note_id: Uuid('ID of the note'),
  created_at: Timestamp('When it was written'),
  content: Type.String(),
});
const CustomValue = Type.Object({
  custom_field_id: Uuid('The custom field'),
  value: Type.Optional(Type.String({ description: 'The value of a field that is not a select type' })),
  choice_ids: Type.Optional(Type.Array(Type.String(), { description: 'The choices of a select-type field' })),
});
export const contactProperties = {
  contact_id: Uuid('Unique ID of the contact'),
  email_address: Type.Optional(EmailAddress),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
  job_title: Type.Optional(Type.String()),
  company_name: Type.Optional(Type.String()),
  birthday_month: Type.Optional(Type.Integer()),
  birthday_day: Type.Optional(Type.Integer()),
  anniversary: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
  create_source: Type.Optional(Type.String({ description: oneOf(SOURCES) })),
  update_source: Type.Optional(Type.String({ description: oneOf(SOURCES) })),
  created_at: Type.Optional(Timestamp('When the contact was created')),
  updated_at: Type.Optional(
    Timestamp('When the contact last changed (any change, list memberships included)'),
  ),
  deleted_at: Type.Optional(Timestamp('When the contact was deleted (status deleted)')),
  sms_channel: Type.Optional(SmsChannel),
  custom_fields: Type.Optional(Type.Array(CustomValue)),
  phone_numbers: Type.Optional(Type.Array(PhoneNumber)),
  street_addresses: Type.Optional(Type.Array(StreetAddress)),
  list_memberships: Type.Optional(
    Type.Array(Type.String(), { description: 'IDs of the lists the contact belongs to' }),
  ),
  taggings: Type.Optional(Type.Array(Type.String(), { description: "IDs of the contact's tags" })),
  notes: Type.Optional(Type.Array(Note)),
};

export const Contact = Type.Object(contactProperties, { description: 'A contact' });

export const ContactParams = Type.Object({ contact_id: Uuid('The ID of the contact') });

export const ContactQuery = Type.Object({ include: Include });

export const ContactsQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      description:
        'Comma-separated: all, active, deleted, not_set, pending_confirmation, temp_hold, unsubscribed (default: all but deleted)',
    }),
  ),
  email: Type.Optional(Type.String({ description: 'Only the contact with this email address' })),
  lists: Type.Optional(
    Type.String({ description: 'Comma-separated list IDs (up to 25): members of any of them' }),
  ),
  tags: Type.Optional(
    Type.String({ description: 'Comma-separated tag IDs (up to 50): contacts with any of them' }),
  ),
  updated_after: Type.Optional(
    Type.String({ description: 'ISO-8601; pages then follow the change order, see the change feed' }),
  ),
  updated_before: Type.Optional(Type.String({ description: 'ISO-8601' })),
  created_after: Type.Optional(Type.String({ description: 'ISO-8601' })),
  created_before: Type.Optional(Type.String({ description: 'ISO-8601' })),
  optout_after: Type.Optional(Type.String({ description: 'ISO-8601: unsubscribed after' })),
  optout_before: Type.Optional(Type.String({ description: 'ISO-8601: unsubscribed before' })),
  include: Include,
  include_count: IncludeCount('Adds contacts_count, the number of contacts matching the filters'),
  limit: Limit(500),
  // A contacts cursor carries up to 25 list and 50 tag ids of its query: longer than other resources' cursors.
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 8192,
      description: 'Opaque cursor from `_links.next.href`; carries the query',
    }),
  ),
});

export const ContactPage = Type.Object({
  contacts: Type.Array(Contact),
  contacts_count: Type.Optional(Type.Integer({ description: 'With include_count' })),
  _links: Type.Optional(PageLinks),
});

export const SignUpResult = Type.Object({
  contact_id: Uuid('The contact created or updated'),
  action: StringEnum(['created', 'updated'] as const),
});

export const CountsQuery = Type.Object({
  include: Type.Optional(
    StringEnum(['new_subscriber'] as const, { description: 'Adds new_subscriber (last 30 days)' }),
  ),
});

export const ContactCounts = Type.Object({
  total: Type.Integer(),
  explicit: Type.Integer(),
  implicit: Type.Integer(),
  pending: Type.Integer(),
  unsubscribed: Type.Integer(),
  new_subscriber: Type.Optional(Type.Integer()),
});

export const XrefsQuery = Type.Object({
  sequence_ids: Type.String({
    description: 'Comma-separated legacy v2 contact ids (at most 500)',
    examples: ['1,2,3'],
  }),
});

export const ContactXrefs = Type.Object(
  {
    xrefs: Type.Array(
      Type.Object({
        sequence_id: Type.String({ description: 'The legacy v2 contact id' }),
        contact_id: Type.String({ format: 'uuid', description: 'The v3 contact id' }),
      }),
    ),
  },
  { description: 'v2 ids and their v3 contact ids, ascending by sequence_id; unknown ids are left out' },
);
