// Schemas of the dialect's sms_channel on a contact (response) and in request bodies: stored and returned,
// never used to send anything (Listgate sends no SMS).
import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../http/api-schemas.ts';
import { Enum, Items, LENGTHS, LIMITS, PERMISSIONS, SMS_CONSENT_TYPES, Text } from './contact-rules.ts';

const SMS_ADDRESS = `^\\+?[0-9\\s().-]{4,${LENGTHS.smsAddress}}$`;

const SmsConsent = Type.Object({
  sms_consent_permission: Type.String(),
  consent_type: Type.String(),
  advertised_frequency: Type.Optional(Type.Number()),
  advertised_interval: Type.Optional(Type.String()),
  created_at: Type.Optional(Timestamp('When the consent was recorded')),
  updated_at: Type.Optional(Timestamp('When the consent last changed')),
});
export const SmsChannel = Type.Object(
  {
    sms_channel_id: Type.Optional(Uuid('ID of the SMS channel')),
    sms_address: Type.String(),
    dial_code: Type.Optional(Type.String()),
    country_code: Type.Optional(Type.String()),
    create_source: Type.Optional(Type.String()),
    update_source: Type.Optional(Type.String()),
    sms_channel_consents: Type.Array(SmsConsent),
  },
  { description: 'The SMS channel, stored and returned as given: Listgate sends no SMS' },
);
const SmsAddress = Type.Optional(
  Type.String({
    maxLength: LENGTHS.smsAddress,
    pattern: SMS_ADDRESS,
    errorMessage: `must be a phone number (digits, spaces, + ( ) . -) of 4 to ${LENGTHS.smsAddress} characters`,
  }),
);

/** The channel as a request sends it: `full_sms_address`, or `sms_address` with dial and country codes. */
export const SmsChannelInput = Type.Optional(
  Type.Object(
    {
      full_sms_address: SmsAddress,
      sms_address: SmsAddress,
      dial_code: Text(LENGTHS.dialCode),
      country_code: Text(LENGTHS.countryCode),
      sms_channel_consents: Type.Optional(
        Items(
          Type.Object({
            sms_consent_permission: Enum(PERMISSIONS),
            consent_type: Enum(SMS_CONSENT_TYPES),
            consent_medium_type: Type.Optional(Type.String()),
            consent_medium_url: Type.Optional(Type.String()),
            consent_medium_details: Type.Optional(Type.String()),
            advertised_frequency: Type.Optional(Type.Number()),
            advertised_interval: Text(LENGTHS.smsInterval),
          }),
          LIMITS.smsConsents,
          'Consents to SMS',
        ),
      ),
    },
    { description: 'Stored and returned; Listgate sends no SMS', 'x-one-required': ['full_sms_address', 'sms_address'] },
  ),
);
