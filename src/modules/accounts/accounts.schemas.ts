// TypeBox schemas of the account resources in the API.
import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const PhysicalAddress = Type.Object(
  {
    address_line1: Type.String({ minLength: 1, maxLength: 80 }),
    address_line2: Type.Optional(Type.String({ maxLength: 80 })),
    address_line3: Type.Optional(Type.String({ maxLength: 80 })),
    city: Type.String({ minLength: 1, maxLength: 50 }),
    state_code: Type.Optional(Type.String({ maxLength: 8 })),
    state_name: Type.Optional(Type.String({ maxLength: 50 })),
    postal_code: Type.Optional(Type.String({ maxLength: 25 })),
    country_code: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  { additionalProperties: false, description: "The organization's postal address (shown in email footers)" },
);
export type PhysicalAddress = Static<typeof PhysicalAddress>;

export const AccountSummary = Type.Object({
  encoded_account_id: Type.String(),
  organization_name: Type.String(),
  contact_email: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  time_zone_id: Type.String(),
  country_code: Nullable(Type.String()),
  state_code: Nullable(Type.String()),
  contact_phone: Type.Optional(Type.String()),
  organization_phone: Type.Optional(Type.String()),
  website: Type.Optional(Type.String()),
  physical_address: Type.Optional(PhysicalAddress),
  company_logo: Type.Optional(
    Type.Object({ url: Type.Optional(Type.String()), external_url: Type.Optional(Type.String()) }),
  ),
});

export const AccountSummaryUpdate = Type.Object({
  organization_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  contact_email: Type.Optional(Type.String({ maxLength: 320 })),
  first_name: Type.Optional(Type.String({ maxLength: 255 })),
  last_name: Type.Optional(Type.String({ maxLength: 255 })),
  time_zone_id: Type.Optional(Type.String({ maxLength: 64 })),
  country_code: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  state_code: Type.Optional(Nullable(Type.String({ maxLength: 8 }))),
  contact_phone: Type.Optional(Type.String({ maxLength: 25 })),
  organization_phone: Type.Optional(Type.String({ maxLength: 25 })),
  website: Type.Optional(Type.String({ maxLength: 255 })),
});

export const SummaryQuery = Type.Object({
  extra_fields: Type.Optional(
    Type.String({ description: 'Comma-separated: physical_address, company_logo' }),
  ),
});
export type AccountSummaryUpdate = Static<typeof AccountSummaryUpdate>;
