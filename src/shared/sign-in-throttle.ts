// Sign-in throttling shared by every realm that signs in with a password (customer accounts, developers):
// failures are counted per email, per IP and per known device in a sliding window (so a limit spent at the
// end of one window is not granted again at the start of the next). A device that signed in
// to the address before is held to its own counter instead of the address's, so a stranger's failures
// slow guessing down without locking the owner out (soft lockout, OWASP ASVS 2.2.1).
import { AppError } from '../errors.ts';
import type { CounterStore } from './counter-store.ts';
import { sha256 } from './crypto.ts';
import { slidingRetryAt } from './sliding-window.ts';

export type SignInLimits = {
  /** Failures per email address within a window before that address is throttled on unknown devices. */
  failuresPerEmail: number;
  /** Failures per client IP in one window, across addresses. */
  failuresPerIp: number;
  /** Failures per known device in one window. */
  failuresPerDevice: number;
  windowMs: number;
};

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  failuresPerEmail: 10,
  failuresPerIp: 100,
  failuresPerDevice: 10,
  windowMs: 15 * 60_000,
};

export const SIGN_IN_FAILED = 'The email address or password is not correct';

/** The 429 message: true in both realms, since both can reset a password. */
export function throttledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or reset your password with "Forgot your password?".`;
}


/**
 * `device` is the id of a known device for this email (read from a signed cookie by the page), or null.
 * Keys hold sha256 of the email, so no user input ever reaches the store's key space as such.
 */
export function createSignInThrottle(counters: CounterStore, realm: string, limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS, now: () => number = Date.now) {
  const { windowMs } = limits;
  const keys = (email: string, ip: string, device: string | null) => ({
    emailKey: `signin:${realm}:email:${sha256(email)}`,
    ipKey: `signin:${realm}:ip:${ip}`,
    deviceKey: device ? `signin:${realm}:device:${sha256(device)}` : null,
  });

  /** Throws 429 with Retry-After when this email (or this known device) or this IP failed too often. */
  async function check(email: string, ip: string, device: string | null): Promise<void> {
    const { emailKey, ipKey, deviceKey } = keys(email, ip, device);
    const [byOwner, byIp] = await Promise.all([
      counters.peekWindows(deviceKey ?? emailKey, windowMs),
      counters.peekWindows(ipKey, windowMs),
    ]);
    const ownerLimit = deviceKey ? limits.failuresPerDevice : limits.failuresPerEmail;
    const t = now();
    const retryAt = Math.max(slidingRetryAt(byOwner, windowMs, ownerLimit, t), slidingRetryAt(byIp, windowMs, limits.failuresPerIp, t));
    if (!retryAt) return;
    const retryAfter = Math.max(1, Math.ceil((retryAt - t) / 1000));
    throw new AppError('THROTTLED', throttledMessage(retryAfter), { headers: { 'Retry-After': String(retryAfter) } });
  }

  /** Records a failure and throws the one message for an unknown email and a wrong password alike. */
  async function fail(email: string, ip: string, device: string | null): Promise<never> {
    const { emailKey, ipKey, deviceKey } = keys(email, ip, device);
    await Promise.all([emailKey, ipKey, deviceKey].filter((k) => k !== null).map((k) => counters.hit(k, windowMs)));
    throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED, { fields: { email: SIGN_IN_FAILED } });
  }

  /** Clears the address's (and the device's) failures; call only once every check has passed. */
  async function succeed(email: string, ip: string, device: string | null): Promise<void> {
    const { emailKey, deviceKey } = keys(email, ip, device);
    await Promise.all([emailKey, deviceKey].filter((k) => k !== null).map((k) => counters.reset(k, windowMs)));
  }

  return { check, fail, succeed };
}
