// The "known device" cookie of the soft lockout: set on a successful sign-in, it names a random device id
// signed for one realm and one email address. A device carrying it is throttled on its own counter rather
// than the address's, so an attacker's failures cannot lock the owner out of a browser they used before.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomToken } from '../shared/crypto.ts';
import type { SignedTokenCodec } from '../shared/signed-token.ts';
import type { Realm } from './sessions.ts';

const DEVICE_DAYS = 365;

export type KnownDevices = ReturnType<typeof createKnownDevices>;

export function createKnownDevices(deps: { codec: SignedTokenCodec; secureCookies: boolean }) {
  const { codec, secureCookies } = deps;
  const cookieName = (realm: Realm) => `${secureCookies ? '__Host-' : ''}lg_device_${realm}`;
  const context = (realm: Realm, email: string) => `device:${realm}:${email.trim().toLowerCase()}`;

  /** The device id when the browser's cookie was signed for this realm and email; null otherwise. */
  function read(request: FastifyRequest, realm: Realm, email: unknown): string | null {
    const value = request.cookies[cookieName(realm)];
    if (!value || typeof email !== 'string') return null;
    const payload = codec.decode(context(realm, email), value) as { d?: unknown } | null;
    return typeof payload?.d === 'string' ? payload.d : null;
  }

  /** Marks this browser as a known device of `email` (keeping its id when it already had one). */
  function remember(request: FastifyRequest, reply: FastifyReply, realm: Realm, email: string): void {
    const device = read(request, realm, email) ?? randomToken(16);
    reply.setCookie(cookieName(realm), codec.encode(context(realm, email), { d: device }), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      maxAge: DEVICE_DAYS * 86_400,
    });
  }

  return { read, remember };
}
