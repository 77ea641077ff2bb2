// The rules of a contact's fields, written once: each is a schema whose limit, format, enum and message
// (`errorMessage`) drive the route validation, the OpenAPI document, the service and the file imports.
import { type TSchema, Type } from '@sinclair/typebox';
import type { PermissionToSend } from '../../db/schema.ts';
import { createSchemaCheck } from '../../http/schema-check.ts';
import { EMAIL_MAX } from '../../shared/validate.ts';
import { CONTACT_FORMATS } from './formats.ts';

export const PERMISSIONS = [
  'explicit',
  'implicit',
  'not_set',
  'pending_confirmation',
  'temp_hold',
  'unsubscribed',
] as const satisfies readonly PermissionToSend[];
export const SOURCES = ['Contact', 'Account'] as const;
export type Source = (typeof SOURCES)[number];
export const PHONE_KINDS = ['home', 'work', 'mobile', 'other'] as const;
export const ADDRESS_KINDS = ['home', 'work', 'other'] as const;
export const SMS_CONSENT_TYPES = ['promotional_sms'] as const;

/** Rules between fields (src/http/schema-check.ts): a birthday is a month and a day, or nothing. */
export const BIRTHDAY_TOGETHER = { 'x-together': [['birthday_month', 'birthday_day']] };

/** How many of each part a contact (or one request) may carry. */
export const LIMITS = {
  phones: 3,
  addresses: 3,
  lists: 50,
  tags: 50,
  customFields: 25,
  signUpCustomFields: 50,
  notes: 150,
  choices: 100,
  smsConsents: 5,
} as const;

/** The longest value of each text field (characters). */
export const LENGTHS = {
  name: 255,
  street: 255,
  city: 50,
  region: 50,
  postalCode: 50,
  country: 50,
  optOutReason: 255,
  phone: 25,
  note: 2000,
  /** custom values by field type; the widest one bounds a value before its field is known */
  customValue: { string: 255, text_area: 1000 },
  anniversary: 10,
  smsAddress: 25,
  dialCode: 8,
  countryCode: 2,
  smsInterval: 16,
} as const;


/** Text of at most `max` characters without control characters; '' and null clear the field. */
export const Text = (max: number, description?: string) =>
  Type.Optional(
    Type.Unsafe<string | null>({
      type: ['string', 'null'],
      maxLength: max,
      format: 'text',
      errorMessage: `must be at most ${max} characters of text, without control characters`,
      ...(description ? { description } : {}),
    }),
  );

/** Text that must be there: 1 to `max` characters, not only spaces, without control characters. */
export const RequiredText = (max: number, description?: string) =>
  Type.Unsafe<string>({
    type: 'string',
    maxLength: max,
    format: 'non-blank-text',
    errorMessage: `is required: 1 to ${max} characters of text, without control characters`,
    ...(description ? { description } : {}),
  });

export const Int = (min: number, max: number, description: string) =>
  Type.Optional(
    Type.Unsafe<number | null>({
      type: ['integer', 'null'],
      minimum: min,
      maximum: max,
      errorMessage: `must be an integer from ${min} to ${max}`,
      description,
    }),
  );

export const Enum = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    errorMessage: `must be one of: ${values.join(', ')}`,
    ...(description ? { description } : {}),
  });

export const IdRule = (description?: string) =>
  Type.String({ format: 'uuid', errorMessage: 'must be a UUID', ...(description ? { description } : {}) });

export const Ids = (max: number, description: string, min = 0) =>
  Type.Array(IdRule(), {
    ...(min ? { minItems: min } : {}),
    maxItems: max,
    errorMessage: min ? `must be an array of ${min} to ${max} ids` : `must be an array of at most ${max} ids`,
    description,
  });

export const Items = <T extends TSchema>(item: T, max: number, description: string) =>
  Type.Array(item, { maxItems: max, errorMessage: `must be an array of at most ${max} items`, description });

export const EmailRule = (description: string) =>
  Type.String({ format: 'email', maxLength: EMAIL_MAX, errorMessage: 'must be a valid email address', description });

export const Anniversary = Type.Optional(
  Type.Unsafe<string | null>({
    type: ['string', 'null'],
    format: 'anniversary',
    maxLength: LENGTHS.anniversary,
    errorMessage: 'must be a date such as 2026-05-31 or 05/31/2026',
    description: 'A date: YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY or M-D-YYYY',
  }),
);

export const PhoneNumber = RequiredText(LENGTHS.phone, 'The phone number');

export const StreetAddressInput = Type.Object({
  kind: Enum(ADDRESS_KINDS),
  street: Text(LENGTHS.street),
  city: Text(LENGTHS.city),
  state: Text(LENGTHS.region),
  postal_code: Text(LENGTHS.postalCode),
  country: Text(LENGTHS.country),
});

/** One value as sent: `value`, or `choice_ids` of a select field; checked against its field by the service. */
export const CustomValueInput = Type.Object({
  custom_field_id: IdRule(),
  value: Text(
    LENGTHS.customValue.text_area,
    `Checked against the field type (text_area: ${LENGTHS.customValue.text_area} characters, other text: ${LENGTHS.customValue.string})`,
  ),
  choice_ids: Type.Optional(
    Items(
      Type.Unsafe<string | number>({
        type: ['string', 'integer'],
        pattern: '^[0-9]{1,9}$',
        minimum: 0,
        maximum: 999_999_999,
        errorMessage: 'must be a choice id (a number)',
      }),
      LIMITS.choices,
      'Choices of a select field',
    ),
  ),
});

/** Checks by these rules what no route has checked: a file row, a translated v2 body, a direct service call. */
export const checkFields = createSchemaCheck(CONTACT_FORMATS);
