// Schemas of the dialect's sms_channel on a contact (response) and in request bodies: stored and returned,
// never used to send anything (Listgate sends no SMS).
import { Type } from '@sinclair/typebox';
import { Timestamp, Uuid } from '../../http/api-schemas.ts';

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
export const SmsChannelInput = Type.Optional(
  Type.Object(
    {
      full_sms_address: Type.Optional(Type.String({ maxLength: 25 })),
      sms_address: Type.Optional(Type.String({ maxLength: 25 })),
      dial_code: Type.Optional(Type.String({ maxLength: 8 })),
      country_code: Type.Optional(Type.String({ maxLength: 2 })),
      sms_channel_consents: Type.Optional(
        Type.Array(
          Type.Object({
            sms_consent_permission: Type.String(),
            consent_type: Type.String(),
            consent_medium_type: Type.Optional(Type.String()),
            consent_medium_url: Type.Optional(Type.String()),
            consent_medium_details: Type.Optional(Type.String()),
            advertised_frequency: Type.Optional(Type.Number()),
            advertised_interval: Type.Optional(Type.String()),
          }),
          { maxItems: 5 },
        ),
      ),
    },
    { description: 'Stored and returned; Listgate sends no SMS' },
  ),
);
