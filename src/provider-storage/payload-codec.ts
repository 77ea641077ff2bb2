// The one reader of oidc-provider's stored payloads outside its adapter: each model the API or the pages
// read is a checked shape, so a payload written by another provider version is refused, not misread.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** AccessToken and ClientCredentials: who holds the token, for whom, for what, until when. */
const TokenPayload = Type.Object({
  clientId: Type.String(),
  accountId: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  exp: Type.Optional(Type.Number()),
  grantId: Type.Optional(Type.String()),
});
export type TokenPayload = Static<typeof TokenPayload>;

/** Grant: the client, when it was granted, and the scopes granted for OpenID and for each resource. */
const GrantPayload = Type.Object({
  clientId: Type.String(),
  iat: Type.Optional(Type.Number()),
  openid: Type.Optional(Type.Object({ scope: Type.Optional(Type.String()) })),
  resources: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type GrantPayload = Static<typeof GrantPayload>;

function decode<T extends TSchema>(schema: T, json: string): Static<T> | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  return Value.Check(schema, value) ? value : null;
}

export const decodeTokenPayload = (json: string): TokenPayload | null => decode(TokenPayload, json);
export const decodeGrantPayload = (json: string): GrantPayload | null => decode(GrantPayload, json);

/** Every scope a grant holds, OpenID and resource scopes together, without repeats. */
export function grantedScopes(grant: GrantPayload): string[] {
  const all = [...(grant.openid?.scope?.split(' ') ?? []), ...Object.values(grant.resources ?? {}).flatMap((s) => s.split(' '))];
  return [...new Set(all.filter(Boolean))];
}
