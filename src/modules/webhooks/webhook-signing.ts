// Standard Webhooks signing (https://www.standardwebhooks.com): secrets `whsec_<base64 key>`, and
// `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, several separated by spaces.
// Secrets are kept sealed (AES-256-GCM under a key derived from SECRET_KEYS): the server needs them to sign.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export type SecretBox = { seal(secret: string): string; open(sealed: string): string };

/** Seals with the first key; opens with any (so SECRET_KEYS can rotate). */
export function createSecretBox(keys: readonly Buffer[]): SecretBox {
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0]!, iv);
      const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
    },
    open(sealed) {
      const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, iv!);
          decipher.setAuthTag(tag!);
          return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
        } catch {
          // another key
        }
      }
      throw new Error('webhook secret cannot be opened with any configured SECRET_KEYS');
    },
  };
}
