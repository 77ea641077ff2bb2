// Server-side web sessions for the two realms that sign in through pages (customer accounts and
// developers) and the CSRF token every form carries. The cookie holds a random id; the table holds its hash.
import { createRevealOnce } from './reveal-once.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { randomToken, safeEqual, sha256 } from '../shared/crypto.ts';
import { AppError } from '../errors.ts';

export type Realm = 'account' | 'developer' | 'operator' | 'operator-2fa';

const SESSION_DAYS = 14;
const CSRF_COOKIE = 'lg_csrf';

export type WebSessions = ReturnType<typeof createWebSessions>;

export function createWebSessions(deps: { db: Db; clock: Clock; csrfKey: Buffer; secureCookies: boolean }) {
  const { db, clock, csrfKey, secureCookies } = deps;
  // `__Host-` cookies must be Secure; plain-HTTP development servers use the bare name.
  const cookieName = (realm: Realm) => `${secureCookies ? '__Host-' : ''}lg_${realm}`;
  const csrfCookie = `${secureCookies ? '__Host-' : ''}${CSRF_COOKIE}`;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookies } as const;

  async function start(reply: FastifyReply, realm: Realm, subjectId: string): Promise<void> {
    const value = randomToken();
    const now = clock.now();
    const expires = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
    await db
      .insertInto('web_sessions')
      .values({ id: sha256(value), realm, subject_id: subjectId, created_at: now.toISOString(), expires_at: expires.toISOString() })
      .execute();
    reply.setCookie(cookieName(realm), value, { ...cookieOptions, expires });
  }

  /** The signed-in subject of `realm`, or null. */
  async function current(request: FastifyRequest, realm: Realm): Promise<string | null> {
    const value = request.cookies[cookieName(realm)];
    if (!value) return null;
    const row = await db
      .selectFrom('web_sessions')
      .select(['subject_id', 'expires_at'])
      .where('id', '=', sha256(value))
      .where('realm', '=', realm)
      .executeTakeFirst();
    if (!row || row.expires_at <= clock.now().toISOString()) return null;
    return row.subject_id;
  }

  async function end(request: FastifyRequest, reply: FastifyReply, realm: Realm): Promise<void> {
    const value = request.cookies[cookieName(realm)];
    if (value) await db.deleteFrom('web_sessions').where('id', '=', sha256(value)).execute();
    reply.clearCookie(cookieName(realm), cookieOptions);
  }

  /** Ends every session of a subject (password reset, account deletion). */
  async function endAll(subjectId: string): Promise<void> {
    await db.deleteFrom('web_sessions').where('subject_id', '=', subjectId).execute();
  }

  function csrfFor(value: string): string {
    return createHmac('sha256', csrfKey).update(value).digest('base64url');
  }

  /** The token to put in a form; sets the double-submit cookie when the browser has none yet. */
  function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    let value = request.cookies[csrfCookie];
    if (!value || value.length < 20) {
      value = randomToken();
      request.cookies[csrfCookie] = value;
      reply.setCookie(csrfCookie, value, cookieOptions);
    }
    return csrfFor(value);
  }

  /** preHandler for every form POST: the body's `_csrf` must be the HMAC of the browser's CSRF cookie. */
  async function verifyCsrf(request: FastifyRequest): Promise<void> {
    return verifyCsrfValue(request, (request.body as Record<string, unknown> | undefined)?._csrf);
  }

  /** The same check for a token read elsewhere than a parsed body (the first part of a multipart form). */
  async function verifyCsrfValue(request: FastifyRequest, sent: unknown): Promise<void> {
    const cookie = request.cookies[csrfCookie];
    if (!cookie || typeof sent !== 'string' || !safeEqual(sent, csrfFor(cookie))) {
      throw new AppError('FORBIDDEN', 'The form has expired or did not come from this site. Reload the page and try again.');
    }
  }

  const reveal = createRevealOnce({ key: csrfKey, secureCookies });

  return { start, current, end, endAll, csrfToken, verifyCsrf, verifyCsrfValue, cookieName, reveal };
}
