// TypeBox building blocks shared by the /v3 route schemas: ids, enums, page limits, cursors and links,
// written once so every resource validates and documents them alike.
import { type TUnsafe, Type } from '@sinclair/typebox';

export const Uuid = (description: string) => Type.String({ format: 'uuid', description });

/** A string enum as plain JSON Schema `enum` (one clear validation message, listed in the document). */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `limit` has no schema default: a default would make a cursor's own limit look like a conflicting one. */
export const Limit = (max: number, fallback = 50) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: max, description: `Results per page, 1–${max} (default ${fallback})` }));

export const Cursor = Type.Optional(
  Type.String({ minLength: 1, maxLength: 4096, description: 'Opaque cursor from `_links.next.href`; carries the query' }),
);

export const IncludeCount = (description: string) => Type.Optional(Type.Boolean({ description }));

export const PageLinks = Type.Object(
  { next: Type.Optional(Type.Object({ href: Type.String({ description: 'The next page; absent on the last page' }) })) },
  { description: 'Pagination links' },
);

export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });

/**
 * A request body: unknown fields are dropped by validation (never reach a service, never stored). `rules`
 * adds keywords over several fields (`x-together`, `x-one-required`: src/http/schema-check.ts).
 */
export function Body<T extends Parameters<typeof Type.Object>[0]>(properties: T, description: string, rules: Record<string, unknown> = {}) {
  return Type.Object(properties, { ...rules, additionalProperties: false, description });
}

