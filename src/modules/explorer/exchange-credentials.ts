// Single-use credentials with which the API Tester's server-side code exchange authenticates a web app at
// the token endpoint. App secrets are stored only as hashes, so the server cannot present the real one.
//
// Why this is safe: a credential is 256 random bits, bound to one client id, lives 60 s in this process's
// memory only, is used once by the /explorer/callback handler through an in-process request, and never
// reaches a browser or the database. It is issued only after the callback checked the state bound to the
// browser that started the flow and that the signed-in developer owns the app. The token endpoint still
// enforces everything else itself: the code, its redirect URI and the PKCE verifier.
import { randomToken, safeEqual, sha256 } from '../../shared/crypto.ts';

const TTL_MS = 60_000;

export type ExchangeCredentials = ReturnType<typeof createExchangeCredentials>;

export function createExchangeCredentials(now: () => number = Date.now) {
  const live = new Map<string, { clientId: string; expiresAt: number }>();

  function sweep(): void {
    const t = now();
    for (const [key, entry] of live) if (entry.expiresAt <= t) live.delete(key);
  }

  /** A fresh credential for one token request of `clientId`. */
  function issue(clientId: string): string {
    sweep();
    const value = `lg-explorer.${randomToken(32)}`;
    live.set(sha256(value), { clientId, expiresAt: now() + TTL_MS });
    return value;
  }

  /** True once for a live credential of this client; the credential is spent either way. */
  function consume(clientId: string, presented: string): boolean {
    if (typeof presented !== 'string' || !presented.startsWith('lg-explorer.')) return false;
    const key = sha256(presented);
    const entry = live.get(key);
    live.delete(key);
    return !!entry && entry.expiresAt > now() && safeEqual(entry.clientId, clientId);
  }

  return { issue, consume, size: () => live.size };
}
