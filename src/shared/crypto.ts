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

/**
 * A UUID of version 7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, a 24-bit `sequence` (§6.2,
 * method 1: ids made in one batch at one moment keep the batch's order), then 50 random bits. Ids made one
 * after another sort in about the order they were made, so a table keyed by them keeps its rows, and its
 * index, in that order: inserts append, and a walk in id order reads the pages in sequence.
 */
export function newTimeOrderedId(now: Date, sequence = 0): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now.getTime(), 0, 6);
  const seq = sequence & 0xffffff;
  bytes[6] = 0x70 | (seq >>> 20);
  bytes[7] = (seq >>> 12) & 0xff;
  bytes[8] = 0x80 | ((seq >>> 6) & 0x3f);
  bytes[9] = ((seq & 0x3f) << 2) | (bytes[9]! & 0x03);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
