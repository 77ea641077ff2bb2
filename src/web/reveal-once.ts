// Post/redirect/get for pages that show a secret once: the POST seals the secret into a short-lived
// cookie and redirects; the GET opens and clears it, so a reload shows the page but creates nothing.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const MAX_AGE_S = 600;


/** `path` binds the sealed value to the page it is for (AES-256-GCM additional data). */
export function createRevealOnce(deps: { key: Buffer; secureCookies: boolean }) {
  const key = createHmac('sha256', deps.key).update('reveal-once').digest();
  const name = `${deps.secureCookies ? '__Host-' : ''}lg_reveal`;
  const options = { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies } as const;

  function stash(reply: FastifyReply, path: string, value: Record<string, string>): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(path));
    const data = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()]);
    const sealed = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
    reply.setCookie(name, sealed, { ...options, maxAge: MAX_AGE_S });
  }

  /** The value stashed for `path`, once: the cookie is cleared whether or not it opens. */
  function take(request: FastifyRequest, reply: FastifyReply, path: string): Record<string, string> | null {
    const sealed = request.cookies[name];
    if (!sealed) return null;
    reply.clearCookie(name, options);
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !data || iv.length !== 12 || tag.length !== 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(path)).setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')) as Record<string, string>;
    } catch {
      return null;
    }
  }

  return { stash, take };
}
