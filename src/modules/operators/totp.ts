// RFC 6238 time-based one-time passwords through the maintained `otpauth` package: 6 digits, 30-second
// steps, SHA-1 (what every authenticator app reads from an otpauth:// URI), one step of clock drift allowed.
import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Listgate';

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** A new 160-bit secret in base32 (RFC 4226 §4 recommends 160 bits). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app imports (as a QR code or pasted). */
export function totpUri(secret: string, label: string): string {
  return totpOf(secret, label).toString();
}

/** The time step the code matches (to refuse a replay of the same step), or null when it matches none. */
export function matchTotp(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret, 'check').validate({ token: code, timestamp: nowMs, window: 1 });
  return delta === null ? null : Math.floor(nowMs / 30_000) + delta;
}
