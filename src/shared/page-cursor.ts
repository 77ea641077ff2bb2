// Keyset pagination cursors over the signed-token codec: a cursor carries its listing's query and the
// position after the page, and verifies only for the same resource and account.
import { AppError } from '../errors.ts';
import type { SignedTokenCodec } from './signed-token.ts';

export type PageScope = { resource: string; accountId: string };

export type PageRequest<P> = { query: Record<string, unknown>; position: P | null };

const invalid = () => new AppError('INVALID_CURSOR', 'The cursor is not valid for this request; start again without it');

const context = (scope: PageScope) => `${scope.resource}:${scope.accountId}`;

/**
 * The listing a request asks for: its own parameters on a first page; the cursor's query on later pages,
 * where any parameter given next to the cursor must agree with the one the cursor was issued for.
 */
export function openPage<P>(
  codec: SignedTokenCodec,
  scope: PageScope,
  given: Record<string, unknown>,
  cursor: string | undefined,
): PageRequest<P> {
  if (cursor === undefined) return { query: given, position: null };
  const payload = codec.decode(context(scope), cursor) as { q?: Record<string, unknown>; p?: P } | null;
  if (!payload?.q || typeof payload.q !== 'object' || payload.p === undefined) throw invalid();
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && JSON.stringify(payload.q[name]) !== JSON.stringify(value)) {
      throw new AppError('INVALID_CURSOR', `The cursor belongs to another query: ${name} differs from the one it was issued for`);
    }
  }
  return { query: payload.q, position: payload.p };
}

/** The cursor of the page after the one that ended at `position`. */
export function nextCursor<P>(codec: SignedTokenCodec, scope: PageScope, query: Record<string, unknown>, position: P): string {
  return codec.encode(context(scope), { q: query, p: position });
}

/** `_links` of a page: `next` only when there is one. */
export function pageLinks(path: string, next: string | null): { next?: { href: string } } {
  return next ? { next: { href: `${path}?cursor=${next}` } } : {};
}
