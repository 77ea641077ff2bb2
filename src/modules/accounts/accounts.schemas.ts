// TypeBox schemas of the account resources in the API.
import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const AccountSummary = Type.Object({
  encoded_account_id: Type.String(),
  organization_name: Type.String(),
  contact_email: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  time_zone_id: Type.String(),
  country_code: Nullable(Type.String()),
  state_code: Nullable(Type.String()),
});

export const AccountSummaryUpdate = Type.Object({
  organization_name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  contact_email: Type.Optional(Type.String({ maxLength: 320 })),
  first_name: Type.Optional(Type.String({ maxLength: 255 })),
  last_name: Type.Optional(Type.String({ maxLength: 255 })),
  time_zone_id: Type.Optional(Type.String({ maxLength: 64 })),
  country_code: Type.Optional(Nullable(Type.String({ maxLength: 2 }))),
  state_code: Type.Optional(Nullable(Type.String({ maxLength: 8 }))),
});
export type AccountSummaryUpdate = Static<typeof AccountSummaryUpdate>;
