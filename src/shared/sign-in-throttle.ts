// Sign-in throttling shared by every realm that signs in with a password (customer accounts, developers):
// failures are counted per email and per IP in a fixed window, so guessing slows down without a long lockout.
import { AppError } from '../errors.ts';
import type { CounterStore } from './counter-store.ts';

// OWASP ASVS: slow down guessing on one account without letting an attacker lock the owner out for long.
export const FAILURES_PER_EMAIL = 10;
export const FAILURES_PER_IP = 100;
export const FAILURE_WINDOW_MS = 15 * 60_000;

export const SIGN_IN_FAILED = 'The email address or password is not correct';
export const SIGN_IN_THROTTLED = 'Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password.';


export function createSignInThrottle(counters: CounterStore, realm: string) {
  const keys = (email: string, ip: string) => ({
    emailKey: `signin:${realm}:email:${email}`,
    ipKey: `signin:${realm}:ip:${ip}`,
  });

  /** Throws 429 when the email or the IP has failed too often in the current window. */
  async function check(email: string, ip: string): Promise<void> {
    const { emailKey, ipKey } = keys(email, ip);
    const [byEmail, byIp] = await Promise.all([
      counters.peek(emailKey, FAILURE_WINDOW_MS),
      counters.peek(ipKey, FAILURE_WINDOW_MS),
    ]);
    if (byEmail.count >= FAILURES_PER_EMAIL || byIp.count >= FAILURES_PER_IP) {
      const resetAt = Math.max(byEmail.resetAt, byIp.resetAt);
      throw new AppError('THROTTLED', SIGN_IN_THROTTLED, {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))) },
      });
    }
  }

  /** Records a failure and throws the one message for an unknown email and a wrong password alike. */
  async function fail(email: string, ip: string): Promise<never> {
    const { emailKey, ipKey } = keys(email, ip);
    await Promise.all([counters.hit(emailKey, FAILURE_WINDOW_MS), counters.hit(ipKey, FAILURE_WINDOW_MS)]);
    throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED, { fields: { email: SIGN_IN_FAILED } });
  }

  async function succeed(email: string, ip: string): Promise<void> {
    await counters.reset(keys(email, ip).emailKey);
  }

  return { check, fail, succeed };
}
