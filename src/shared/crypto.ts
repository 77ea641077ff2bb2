// Random identifiers and hashes of secrets. Every secret the platform hands out is a 256-bit random value;
// only sha256 of it is stored, so a database dump holds nothing usable.
import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** URL-safe random string with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function newId(): string {
  return randomUUID();
}

export function sha256(value: string): string {
  // the one-shot form: several times cheaper than createHash on the API's per-request token hash
  return hash('sha256', value, 'base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
