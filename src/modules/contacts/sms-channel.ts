// The dialect's `sms_channel` of a contact: accepted on create, replace and the sign-up form, stored and
// returned as the dialect shows it. Listgate sends no SMS; the channel is kept so that nothing is lost.
import { hasControlChars } from '../../shared/validate.ts';

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

const PERMISSIONS = ['explicit', 'implicit', 'not_set', 'unsubscribed', 'pending_confirmation', 'temp_hold'];
const CONSENT_TYPES = ['promotional_sms'];
type Errors = Record<string, string>;

function str(errors: Errors, name: string, value: unknown, max: number, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) errors[name] = `${name} is required`;
    return undefined;
  }
  if (typeof value !== 'string' || value.length > max || hasControlChars(value)) {
    errors[name] = `${name} must be a string of at most ${max} characters`;
    return undefined;
  }
  return value.trim();
}

export function parseSmsChannel(errors: Errors, value: unknown): SmsChannelInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    errors.sms_channel = 'sms_channel must be an object';
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const full = str(errors, 'sms_channel.full_sms_address', v.full_sms_address, 25, false);
  const address = full ?? str(errors, 'sms_channel.sms_address', v.sms_address, 25, true) ?? '';
  if (address && !/^\+?[\d\s().-]{4,25}$/.test(address))
    errors['sms_channel.sms_address'] = 'sms_channel: the SMS address must be a phone number';
  const consents = Array.isArray(v.sms_channel_consents) ? v.sms_channel_consents : [];
  if (v.sms_channel_consents !== undefined && !Array.isArray(v.sms_channel_consents))
    errors['sms_channel.sms_channel_consents'] = 'sms_channel.sms_channel_consents must be an array';
  const input: SmsChannelInput = {
    sms_address: address,
    sms_channel_consents: consents.slice(0, 5).map((c: Record<string, unknown>, i) => {
      const name = `sms_channel.sms_channel_consents[${i}]`;
      const permission = String(c?.sms_consent_permission ?? '');
      if (!PERMISSIONS.includes(permission))
        errors[`${name}.sms_consent_permission`] = `${name}.sms_consent_permission must be one of: ${PERMISSIONS.join(', ')}`;
      const type = String(c?.consent_type ?? '');
      if (!CONSENT_TYPES.includes(type)) errors[`${name}.consent_type`] = `${name}.consent_type must be promotional_sms`;
      const consent: SmsChannelInput['sms_channel_consents'][number] = { sms_consent_permission: permission, consent_type: type };
      if (typeof c?.advertised_frequency === 'number') consent.advertised_frequency = c.advertised_frequency;
      const interval = str(errors, `${name}.advertised_interval`, c?.advertised_interval, 16, false);
      if (interval) consent.advertised_interval = interval;
      return consent;
    }),
  };
  const dial = str(errors, 'sms_channel.dial_code', v.dial_code, 8, false);
  const country = str(errors, 'sms_channel.country_code', v.country_code, 2, false);
  if (dial) input.dial_code = dial;
  if (country) input.country_code = country.toUpperCase();
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
