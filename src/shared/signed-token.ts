// Opaque, tamper-proof tokens (pagination cursors, sync tokens): base64url JSON plus a truncated
// HMAC-SHA256 bound to a context string, so a token only verifies for the account and query it was made for.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedTokenCodec = {
  /** Signs `payload` for `context` (e.g. `contacts:<account id>`). */
  encode(context: string, payload: unknown): string;
  /** The payload, or null when the token is malformed, tampered with or made for another context. */
  decode(context: string, token: string): unknown;
};

const MAC_BYTES = 16;

/** `keys[0]` signs; every key verifies, so keys can be rotated without breaking cursors in flight. */
export function createSignedTokenCodec(keys: readonly Buffer[]): SignedTokenCodec {
  if (!keys.length) throw new Error('createSignedTokenCodec needs at least one key');
  const mac = (key: Buffer, context: string, body: string) =>
    createHmac('sha256', key).update(context).update('\0').update(body).digest().subarray(0, MAC_BYTES);

  return {
    encode(context, payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(keys[0]!, context, body).toString('base64url')}`;
    },
    decode(context, token) {
      if (token.length > 8192) return null;
      const dot = token.indexOf('.');
      if (dot <= 0) return null;
      const body = token.slice(0, dot);
      const given = Buffer.from(token.slice(dot + 1), 'base64url');
      if (given.length !== MAC_BYTES) return null;
      if (!keys.some((key) => timingSafeEqual(mac(key, context, body), given))) return null;
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch {
        return null;
      }
    },
  };
}
