// Developer accounts (separate from customer accounts): sign-up with a verification email, sign-in only
// once verified, resend, and password reset by email. Email links are single-use, expire, stored as sha256.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { newId, randomToken, sha256 } from '../../shared/crypto.ts';
import type { Mailer } from '../../shared/mailer.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../shared/passwords.ts';
import { createSignInThrottle } from '../../shared/sign-in-throttle.ts';
import { cleanText, normalizeEmail } from '../../shared/validate.ts';
import { resetMail, verificationMail } from './developers.emails.ts';
import * as repo from './developers.repository.ts';

export const VERIFY_PURPOSE = 'developer-verify';
export const RESET_PURPOSE = 'developer-reset';
const VERIFY_HOURS = 24;
const RESET_MINUTES = 60;
// At most this many verification or reset mails per address per hour: a form must not become a mail cannon.
const MAILS_PER_HOUR = 5;

export const NOT_VERIFIED =
  'Verify your email address before signing in: open the link we emailed you, or send a new one below.';
export const LINK_INVALID = 'This link is not valid. It may have been mistyped or replaced by a newer one.';
export const LINK_EXPIRED = 'This link has expired or was already used. Ask for a new one below.';

export type DeveloperView = { id: string; email: string; name: string | null; verified: boolean; created_at: string };

export type DevelopersService = ReturnType<typeof createDevelopersService>;

export function createDevelopersService(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  mailer: Mailer;
  publicUrl: string;
}) {
  const { db, clock, counters, mailer, publicUrl } = deps;
  const throttle = createSignInThrottle(counters, 'developer');
  const now = () => clock.now().toISOString();
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  /** Creates a fresh single-use token for `purpose`, retiring older ones, and returns its plaintext. */
  async function issueToken(subjectId: string, purpose: string, ttlMs: number): Promise<string> {
    const token = randomToken(32);
    await db.transaction().execute(async (trx) => {
      await repo.retireEmailTokens(trx, subjectId, purpose, now());
      await repo.insertEmailToken(trx, {
        id: sha256(token),
        purpose,
        subject_id: subjectId,
        expires_at: later(ttlMs),
        used_at: null,
        created_at: now(),
      });
    });
    return token;
  }

  async function underMailLimit(email: string): Promise<boolean> {
    const hit = await counters.hit(`mail:developer:${email}`, 3_600_000);
    return hit.count <= MAILS_PER_HOUR;
  }

  async function sendVerification(developer: repo.DeveloperRow): Promise<void> {
    const token = await issueToken(developer.id, VERIFY_PURPOSE, VERIFY_HOURS * 3_600_000);
    const link = `${publicUrl}/developer/verify?token=${encodeURIComponent(token)}`;
    try {
      await mailer.send(verificationMail(developer.email, link, VERIFY_HOURS));
    } catch (error) {
      throw new AppError('UNAVAILABLE', 'The verification email could not be sent. Try "Send a new link" in a minute.', { cause: error });
    }
  }

  async function signUp(input: { email?: unknown; password?: unknown; name?: unknown }): Promise<DeveloperView> {
    const errors: Record<string, string> = {};
    const email = normalizeEmail(input.email);
    if (!email) errors.email = 'Enter a valid email address';
    const password = typeof input.password === 'string' ? input.password : '';
    const weak = checkPasswordStrength(password, [email?.split('@')[0] ?? '']);
    if (weak) errors.password = weak;
    const name = input.name ? cleanText(input.name, 255) : null;
    if (input.name && !name) errors.name = 'Use up to 255 characters for your name';
    if (Object.keys(errors).length || !email) throw invalidFields(errors);
    if (await repo.findDeveloperByEmail(db, email)) {
      throw new AppError('CONFLICT', 'A developer account with this email address already exists', {
        fields: { email: 'A developer account with this email address already exists; sign in instead' },
      });
    }
    const timestamp = now();
    const developer: repo.DeveloperRow = {
      id: newId(),
      email,
      password_hash: await hashPassword(password),
      name,
      verified_at: null,
      created_at: timestamp,
      updated_at: timestamp,
    };
    await repo.insertDeveloper(db, developer);
    await underMailLimit(email);
    await sendVerification(developer);
    return toView(developer);
  }

  /** Verifies the address behind a link. A link already used by its own, verified owner is not an error. */
  async function verifyEmail(token: unknown): Promise<DeveloperView> {
    if (typeof token !== 'string' || !token || token.length > 200) throw new AppError('NOT_FOUND', LINK_INVALID);
    const id = sha256(token);
    const row = await repo.findEmailToken(db, id, VERIFY_PURPOSE);
    if (!row) throw new AppError('NOT_FOUND', LINK_INVALID);
    const developer = await repo.findDeveloperById(db, row.subject_id);
    if (!developer) throw new AppError('NOT_FOUND', LINK_INVALID);
    if (!(await repo.consumeEmailToken(db, id, VERIFY_PURPOSE, now()))) {
      if (developer.verified_at) return toView(developer);
      throw new AppError('GONE', LINK_EXPIRED);
    }
    if (!developer.verified_at) await repo.updateDeveloper(db, developer.id, { verified_at: now(), updated_at: now() });
    return toView({ ...developer, verified_at: developer.verified_at ?? now() });
  }

  async function signIn(emailInput: unknown, passwordInput: unknown, ip: string): Promise<DeveloperView> {
    const email = normalizeEmail(emailInput) ?? String(emailInput ?? '').slice(0, 320).toLowerCase();
    const password = typeof passwordInput === 'string' ? passwordInput.slice(0, 1024) : '';
    await throttle.check(email, ip);
    const developer = email ? await repo.findDeveloperByEmail(db, email) : undefined;
    const ok = await verifyPassword(developer?.password_hash ?? null, password);
    if (!developer || !ok) return throttle.fail(email, ip);
    await throttle.succeed(email, ip);
    // Told only after the password matched, so the message reveals nothing to a guesser.
    if (!developer.verified_at) throw new AppError('FORBIDDEN', NOT_VERIFIED, { fields: { email: NOT_VERIFIED } });
    return toView(developer);
  }

  /** Sends a new verification link when the address belongs to an unverified developer; silent otherwise. */
  async function resendVerification(emailInput: unknown): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) throw invalidFields({ email: 'Enter a valid email address' });
    const developer = await repo.findDeveloperByEmail(db, email);
    if (!developer || developer.verified_at || !(await underMailLimit(email))) return;
    await sendVerification(developer);
  }

  /** Sends a reset link when the address belongs to a developer; the same answer either way. */
  async function requestPasswordReset(emailInput: unknown): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) throw invalidFields({ email: 'Enter a valid email address' });
    const developer = await repo.findDeveloperByEmail(db, email);
    if (!developer || !(await underMailLimit(email))) return;
    const token = await issueToken(developer.id, RESET_PURPOSE, RESET_MINUTES * 60_000);
    const link = `${publicUrl}/developer/reset-password?token=${encodeURIComponent(token)}`;
    try {
      await mailer.send(resetMail(developer.email, link, RESET_MINUTES));
    } catch (error) {
      throw new AppError('UNAVAILABLE', 'The email could not be sent. Try again in a minute.', { cause: error });
    }
  }

  /** Whether a reset link can still be used (the page shows the form or says the link expired). */
  async function isResetTokenUsable(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || !token || token.length > 200) return false;
    const row = await repo.findEmailToken(db, sha256(token), RESET_PURPOSE);
    return !!row && !row.used_at && row.expires_at > now();
  }

  /** Sets a new password through a reset link; the caller ends the developer's other sessions. */
  async function resetPassword(token: unknown, passwordInput: unknown): Promise<DeveloperView> {
    if (typeof token !== 'string' || !token || token.length > 200) throw new AppError('NOT_FOUND', LINK_INVALID);
    const id = sha256(token);
    const row = await repo.findEmailToken(db, id, RESET_PURPOSE);
    const developer = row ? await repo.findDeveloperById(db, row.subject_id) : undefined;
    if (!row || !developer) throw new AppError('NOT_FOUND', LINK_INVALID);
    const password = typeof passwordInput === 'string' ? passwordInput : '';
    const weak = checkPasswordStrength(password, [developer.email.split('@')[0] ?? '']);
    if (weak) throw invalidFields({ password: weak });
    const passwordHash = await hashPassword(password);
    if (!(await repo.consumeEmailToken(db, id, RESET_PURPOSE, now()))) throw new AppError('GONE', LINK_EXPIRED);
    // Following the link proved the address, so a reset also verifies it.
    await repo.updateDeveloper(db, developer.id, {
      password_hash: passwordHash,
      verified_at: developer.verified_at ?? now(),
      updated_at: now(),
    });
    await repo.deleteExpiredEmailTokens(db, later(-86_400_000));
    return toView({ ...developer, verified_at: developer.verified_at ?? now() });
  }

  async function getDeveloper(id: string): Promise<DeveloperView | null> {
    const row = await repo.findDeveloperById(db, id);
    return row ? toView(row) : null;
  }

  return { signUp, verifyEmail, signIn, resendVerification, requestPasswordReset, isResetTokenUsable, resetPassword, getDeveloper };
}

function toView(row: repo.DeveloperRow): DeveloperView {
  return { id: row.id, email: row.email, name: row.name, verified: !!row.verified_at, created_at: row.created_at };
}
