// Request bodies of POST/PUT /v3/contacts and the sign-up form, built from the field rules
// (contact-rules.ts): the routes validate with them, the OpenAPI document shows them, the service checks
// bodies that come another way (v2, direct calls) with them.
import { Type } from '@sinclair/typebox';
import { Body } from '../../http/api-schemas.ts';
import {
  Anniversary,
  BIRTHDAY_TOGETHER,
  CustomValueInput,
  EmailRule,
  Enum,
  Ids,
  Int,
  Items,
  LENGTHS,
  LIMITS,
  PERMISSIONS,
  PhoneNumber,
  PHONE_KINDS,
  RequiredText,
  SOURCES,
  StreetAddressInput,
  Text,
} from './contact-rules.ts';
import { SmsChannelInput } from './sms-channel.schemas.ts';

const coreProperties = {
  first_name: Text(LENGTHS.name),
  last_name: Text(LENGTHS.name),
  job_title: Text(LENGTHS.name),
  company_name: Text(LENGTHS.name),
  birthday_month: Int(1, 12, 'With birthday_day'),
  birthday_day: Int(1, 31, 'With birthday_month'),
  anniversary: Anniversary,
  sms_channel: SmsChannelInput,
};

const bodyProperties = {
  ...coreProperties,
  email_address: Type.Optional(
    Type.Object({
      address: EmailRule('The email address (unique in the account, deleted contacts included)'),
      permission_to_send: Type.Optional(Enum(PERMISSIONS)),
      opt_out_reason: Text(LENGTHS.optOutReason),
    }),
  ),
  custom_fields: Type.Optional(Items(CustomValueInput, LIMITS.customFields, 'Custom field values')),
  phone_numbers: Type.Optional(
    Items(
      Type.Object({ phone_number: PhoneNumber, kind: Type.Optional(Enum(PHONE_KINDS, 'Default: other')) }),
      LIMITS.phones,
      `Up to ${LIMITS.phones}`,
    ),
  ),
  street_addresses: Type.Optional(Items(StreetAddressInput, LIMITS.addresses, `Up to ${LIMITS.addresses}`)),
  list_memberships: Type.Optional(Ids(LIMITS.lists, 'List IDs; PUT replaces the memberships')),
  taggings: Type.Optional(Ids(LIMITS.tags, 'Tag IDs; PUT replaces the taggings')),
  notes: Type.Optional(
    Items(
      Type.Object({
        note_id: Type.Optional(Type.String()),
        content: RequiredText(LENGTHS.note),
        created_at: Type.Optional(Type.String()),
      }),
      LIMITS.notes,
      'Notes',
    ),
  ),
};

export const ContactCreateBody = Body(
  { ...bodyProperties, create_source: Enum(SOURCES, 'Who adds the contact') },
  'A new contact: create_source, and an email address, an SMS channel or a name',
  { ...BIRTHDAY_TOGETHER, 'x-one-required': ['email_address', 'sms_channel', 'first_name', 'last_name'] },
);

export const ContactUpdateBody = Body(
  { ...bodyProperties, update_source: Enum(SOURCES, 'Who changes the contact') },
  'Replaces the core fields (absent ones are cleared); the email address and sub-resources only when given',
  BIRTHDAY_TOGETHER,
);

export const SignUpBody = Body(
  {
    ...coreProperties,
    email_address: EmailRule('The email address that identifies the contact'),
    list_memberships: Ids(LIMITS.lists, 'Lists to add', 1),
    phone_number: Text(LENGTHS.phone),
    custom_fields: Type.Optional(
      Items(CustomValueInput, LIMITS.signUpCustomFields, `Custom field values (up to ${LIMITS.signUpCustomFields})`),
    ),
    street_address: Type.Optional(StreetAddressInput),
  },
  'Create-or-update by email address: a partial update that appends lists and custom fields',
  BIRTHDAY_TOGETHER,
);
