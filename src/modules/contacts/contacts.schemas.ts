// Request and response schemas of /v3/contacts (the dialect's contact resource, its collection, counts,
// the sign-up form) and of the change feed. The service re-checks every rule with field-named messages.
import { type TSchema, Type } from '@sinclair/typebox';
import { Body, IncludeCount, Limit, PageLinks, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';
import { PERMISSIONS, SOURCES } from './contact-input.ts';
import { INCLUDES } from './contact-view.ts';
import { SmsChannel, SmsChannelInput } from './sms-channel.schemas.ts';

const Text = (max: number, description?: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: max, description }));
const Int = (min: number, max: number, description: string) =>
  Type.Optional(
    Type.Unsafe<number | null>({ type: ['integer', 'null'], minimum: min, maximum: max, description }),
  );
const Items = <T extends TSchema>(item: T, max: number, description: string) =>
  Type.Optional(Type.Array(item, { maxItems: max, description }));
const Ids = (max: number, description: string) => Items(Type.String({ format: 'uuid' }), max, description);

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
  kind: Type.String({ description: 'home, work, mobile or other' }),
  create_source: Type.Optional(Type.String({ description: 'Contact or Account' })),
  update_source: Type.Optional(Type.String({ description: 'Contact or Account' })),
  created_at: Timestamp('When it was added'),
  updated_at: Timestamp('When it last changed'),
});
const StreetAddress = Type.Object({
  street_address_id: Uuid('ID of the address'),
  kind: Type.String({ description: 'home, work or other' }),
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
  create_source: Type.Optional(Type.String({ description: 'Contact or Account' })),
  update_source: Type.Optional(Type.String({ description: 'Contact or Account' })),
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

const CustomValueInput = Type.Object({
  custom_field_id: Type.String({ format: 'uuid' }),
  value: Text(1000, 'Checked against the field type (text_area: 1000 characters, other text: 255)'),
  choice_ids: Type.Optional(
    Type.Array(Type.Union([Type.String(), Type.Integer()]), { maxItems: 100, description: 'Choices of a select field' }),
  ),
});

const bodyProperties = {
  email_address: Type.Optional(
    Type.Object({
      address: Type.String({
        description: 'The email address (unique in the account, deleted contacts included)',
      }),
      permission_to_send: Type.Optional(StringEnum(PERMISSIONS)),
      opt_out_reason: Text(255),
    }),
  ),
  first_name: Text(255),
  last_name: Text(255),
  job_title: Text(255),
  company_name: Text(255),
  birthday_month: Int(1, 12, 'With birthday_day'),
  birthday_day: Int(1, 31, 'With birthday_month'),
  anniversary: Text(10, 'A date: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY or M-D-YYYY'),
  custom_fields: Items(CustomValueInput, 25, 'Custom field values'),
  sms_channel: SmsChannelInput,
  phone_numbers: Items(
    Type.Object({ phone_number: Type.String(), kind: Type.Optional(Type.String()) }),
    3,
    'Up to 3',
  ),
  street_addresses: Items(
    Type.Object({
      kind: Type.String(),
      street: Text(255),
      city: Text(50),
      state: Text(50),
      postal_code: Text(50),
      country: Text(50),
    }),
    3,
    'Up to 3',
  ),
  list_memberships: Ids(50, 'List IDs; PUT replaces the memberships'),
  taggings: Ids(50, 'Tag IDs; PUT replaces the taggings'),
  notes: Items(
    Type.Object({
      note_id: Type.Optional(Type.String()),
      content: Type.String(),
      created_at: Type.Optional(Type.String()),
    }),
    150,
    'Notes',
  ),
};

export const ContactCreateBody = Body(
  { ...bodyProperties, create_source: StringEnum(SOURCES, { description: 'Who adds the contact' }) },
  'A new contact: create_source, and an email address or a name',
);

export const ContactUpdateBody = Body(
  { ...bodyProperties, update_source: StringEnum(SOURCES, { description: 'Who changes the contact' }) },
  'Replaces the core fields (absent ones are cleared); the email address and sub-resources only when given',
);

export const SignUpBody = Body(
  {
    email_address: Type.String({ description: 'The email address that identifies the contact' }),
    list_memberships: Type.Array(Type.String({ format: 'uuid' }), {
      minItems: 1,
      maxItems: 50,
      description: 'Lists to add',
    }),
    first_name: Text(255),
    last_name: Text(255),
    job_title: Text(255),
    company_name: Text(255),
    phone_number: Text(25),
    anniversary: Text(10),
    birthday_month: Int(1, 12, 'With birthday_day'),
    birthday_day: Int(1, 31, 'With birthday_month'),
    custom_fields: Items(CustomValueInput, 50, 'Custom field values (up to 50)'),
    sms_channel: SmsChannelInput,
    street_address: Type.Optional(
      Type.Object({
        kind: Type.String(),
        street: Text(255),
        city: Text(50),
        state: Text(50),
        postal_code: Text(50),
        country: Text(50),
      }),
    ),
  },
  'Create-or-update by email address: a partial update that appends lists and custom fields',
);

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
