// The dialect's `sms_channel` of a contact: accepted on create, replace and the sign-up form, stored and
// returned as the dialect shows it. Listgate sends no SMS; the channel is kept so that nothing is lost.
import type { Static } from '@sinclair/typebox';
import type { SmsChannelInput as SmsChannelInputSchema } from './sms-channel.schemas.ts';

export type SmsConsent = {
  sms_consent_permission: string;
  consent_type: string;
  advertised_frequency?: number;
  advertised_interval?: string;
  created_at: string;
  updated_at: string;
};

export type SmsChannel = {
  sms_channel_id: string;
  sms_address: string;
  dial_code?: string;
  country_code?: string;
  create_source: string;
  update_source: string;
  sms_channel_consents: SmsConsent[];
};

/** What a request may send: `full_sms_address` (PUT/POST) or `sms_address` with dial and country codes. */
export type SmsChannelInput = Omit<SmsChannel, 'sms_channel_id' | 'create_source' | 'update_source' | 'sms_channel_consents'> & {
  sms_channel_consents: Omit<SmsConsent, 'created_at' | 'updated_at'>[];
};

type Checked = NonNullable<Static<typeof SmsChannelInputSchema>>;

/** A checked channel as stored: trimmed, the country code upper-cased, only the consents' own fields. */
export function parseSmsChannel(v: Checked): SmsChannelInput {
  const input: SmsChannelInput = {
    sms_address: (v.full_sms_address?.trim() || v.sms_address?.trim()) ?? '',
    sms_channel_consents: (v.sms_channel_consents ?? []).map((c) => {
      const consent: SmsChannelInput['sms_channel_consents'][number] = { sms_consent_permission: c.sms_consent_permission, consent_type: c.consent_type };
      if (c.advertised_frequency !== undefined) consent.advertised_frequency = c.advertised_frequency;
      if (c.advertised_interval?.trim()) consent.advertised_interval = c.advertised_interval.trim();
      return consent;
    }),
  };
  if (v.dial_code?.trim()) input.dial_code = v.dial_code.trim();
  if (v.country_code?.trim()) input.country_code = v.country_code.trim().toUpperCase();
  return input;
}

/** The stored channel after a write: ids and creation data kept from `previous`, consents stamped. */
export function nextSmsChannel(
  input: SmsChannelInput,
  previous: SmsChannel | null,
  ctx: { id: string; source: string; now: string },
): SmsChannel {
  const before = new Map((previous?.sms_channel_consents ?? []).map((c) => [c.consent_type, c]));
  return {
    ...input,
    sms_channel_id: previous?.sms_channel_id ?? ctx.id,
    create_source: previous?.create_source ?? ctx.source,
    update_source: ctx.source,
    sms_channel_consents: input.sms_channel_consents.map((c) => ({
      ...c,
      created_at: before.get(c.consent_type)?.created_at ?? ctx.now,
      updated_at: ctx.now,
    })),
  };
}
