// Authenticated encryption (AES-256-GCM) of the few values the authorization server must keep but may not
// store in clear: a refresh grace window's token response, and the device code behind a user code.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export type Sealed = { iv: string; tag: string; data: string };

/** A 32-byte key for `purpose`, bound to `context` (a client id, a user code). */
export function deriveSealKey(secret: string | Buffer, purpose: string, context: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, `listgate:${purpose}`, context, 32));
}

/** A lookup key that only the server can compute (a keyed hash), for low-entropy values such as user codes. */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

export function seal(key: Buffer, value: unknown): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

/** The sealed value, or throws when the key is wrong or the record was altered. */
export function unseal(key: Buffer, sealed: Sealed): unknown {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}
