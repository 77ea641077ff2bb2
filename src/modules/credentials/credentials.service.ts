// The one credential core behind every realm that signs in with an email and a password (customer accounts,
// developers): sign-up that answers the same whether the address is taken or not, email verification,
// throttled sign-in, resend, and password reset. Email links are single-use, expire, stored as sha256.
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { randomToken, sha256 } from '../../shared/crypto.ts';
import type { Mailer, MailMessage } from '../../shared/mailer.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../shared/passwords.ts';
import { createSignInThrottle, DEFAULT_SIGN_IN_LIMITS, type SignInLimits } from '../../shared/sign-in-throttle.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import { alreadyRegisteredMail, type RealmWording, resetMail, verificationMail } from './credentials.emails.ts';
import * as repo from './credentials.repository.ts';
import type { AuditService } from '../audit/audit.service.ts';

const VERIFY_HOURS = 24;
const RESET_MINUTES = 60;
// At most this many mails per address per hour: a form must not become a mail cannon.
const MAILS_PER_HOUR = 5;
const HOUR_MS = 3_600_000;

export const NOT_VERIFIED =
  'Verify your email address before signing in: open the link we emailed you, or send a new one below.';
export const LINK_INVALID = 'This link is not valid. It may have been mistyped or replaced by a newer one.';
export const LINK_EXPIRED = 'This link has expired or was already used. Ask for a new one below.';

/** What the core needs of a realm's stored identity. */
export type CredentialSubject = { id: string; email: string; password_hash: string; verified_at: string | null };

export type CredentialRealm<S extends CredentialSubject> = {
  name: 'account' | 'developer' | 'operator';
  /** Where the realm's pages live: `/account` or `/developer`. */
  basePath: string;
  wording: RealmWording;
  findByEmail(email: string): Promise<S | undefined>;
  findById(id: string): Promise<S | undefined>;
  update(id: string, changes: { password_hash?: string; verified_at?: string; updated_at: string }): Promise<void>;
  /** Who signs in, as the audit log names them, and the customer account concerned (customers only). */
  actorType: 'customer' | 'developer' | 'operator';
  accountIdOf?(subject: S): string | null;
  /** Why an operator suspended this subject, or null: a suspended subject cannot sign in. */
  suspendedReason?(subject: S): Promise<string | null>;
};

export type CredentialLimits = SignInLimits & { signUpsPerIpPerHour: number };

export const DEFAULT_CREDENTIAL_LIMITS: CredentialLimits = { ...DEFAULT_SIGN_IN_LIMITS, signUpsPerIpPerHour: 20 };

export type SignUpRequest<S> = {
  email: unknown;
  password: unknown;
  /** The client's IP for the per-IP limit; null when the call does not come from a form (CLI, tests). */
  ip: string | null;
  /** Safe path on this server that the verification link leads back to after sign-in. */
  returnTo?: string;
  /** Messages for the realm's own fields, shown together with the core's. */
  fieldErrors?: Record<string, string>;
  /** Stores a new, unverified subject. */
  create(email: string, passwordHash: string): Promise<S>;
};

export function createCredentials<S extends CredentialSubject>(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  mailer: Mailer;
  publicUrl: string;
  realm: CredentialRealm<S>;
  limits?: CredentialLimits;
  audit: AuditService;
}) {
  const { db, clock, counters, mailer, publicUrl, realm } = deps;
  const limits = deps.limits ?? DEFAULT_CREDENTIAL_LIMITS;
  const throttle = createSignInThrottle(counters, realm.name, limits, () => clock.now().getTime());
  const verifyPurpose = `${realm.name}-verify`;
  const resetPurpose = `${realm.name}-reset`;
  const now = () => clock.now().toISOString();
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();
  const page = (path: string, query: Record<string, string> = {}) => {
    const search = new URLSearchParams(query).toString();
    return `${publicUrl}${realm.basePath}${path}${search ? `?${search}` : ''}`;
  };

  /** Creates a fresh single-use token for `purpose`, retiring older ones, and returns its plaintext. */
  async function issueToken(subjectId: string, purpose: string, ttlMs: number): Promise<string> {
    const token = randomToken(32);
    await db.transaction().execute(async (trx) => {
      await repo.retireEmailTokens(trx, subjectId, purpose, now());
      await repo.insertEmailToken(trx, { id: sha256(token), purpose, subject_id: subjectId, expires_at: later(ttlMs), used_at: null, created_at: now() });
    });
    return token;
  }

  async function underMailLimit(email: string): Promise<boolean> {
    const hit = await counters.hit(`mail:${realm.name}:${sha256(email)}`, HOUR_MS);
    return hit.count <= MAILS_PER_HOUR;
  }

  async function send(message: MailMessage, failure: string): Promise<void> {
    try {
      await mailer.send(message);
    } catch (error) {
      throw new AppError('UNAVAILABLE', failure, { cause: error });
    }
  }

  async function sendVerification(subject: S, returnTo?: string): Promise<void> {
    const token = await issueToken(subject.id, verifyPurpose, VERIFY_HOURS * HOUR_MS);
    const link = page('/verify', { token, ...(returnTo ? { return_to: returnTo } : {}) });
    await send(verificationMail(realm.wording, subject.email, link, VERIFY_HOURS), 'The verification email could not be sent. Try "Send a new link" in a minute.');
  }

  /** Throws 429 with Retry-After once an IP has signed up too often this hour (each sign-up costs a hash). */
  async function limitSignUps(ip: string | null): Promise<void> {
    if (ip === null) return;
    const hit = await counters.hit(`signup:${realm.name}:ip:${ip}`, HOUR_MS);
    if (hit.count <= limits.signUpsPerIpPerHour) return;
    const retryAfter = Math.max(1, Math.ceil((hit.resetAt - clock.now().getTime()) / 1000));
    throw new AppError('THROTTLED', `Too many sign-ups from your network. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  /**
   * Creates an unverified subject and mails a verification link; when the address is taken, mails its owner
   * how to sign in instead. Both answer the same, so the form tells nobody whether an address has an account.
   */
  async function signUp(request: SignUpRequest<S>): Promise<{ email: string }> {
    await limitSignUps(request.ip);
    const errors: Record<string, string> = { ...request.fieldErrors };
    const email = normalizeEmail(request.email);
    if (!email) errors.email = 'Enter a valid email address';
    const password = typeof request.password === 'string' ? request.password : '';
    const weak = checkPasswordStrength(password, [email?.split('@')[0] ?? '']);
    if (weak) errors.password = weak;
    if (Object.keys(errors).length || !email) throw invalidFields(errors);
    // Hashed either way, so the answer takes as long for a taken address as for a new one.
    const passwordHash = await hashPassword(password);
    const existing = await realm.findByEmail(email);
    const created = existing ? null : await request.create(email, passwordHash).catch((error: unknown) => {
      if (isUniqueViolation(error)) return null;
      throw error;
    });
    if (created) {
      await underMailLimit(email);
      await sendVerification(created, request.returnTo);
    } else if (await underMailLimit(email)) {
      await send(alreadyRegisteredMail(realm.wording, email, page('/sign-in'), page('/forgot-password')), 'The email could not be sent. Try again in a minute.');
    }
    return { email };
  }

  /** Verifies the address behind a link. A link already used by its own, verified owner is not an error. */
  async function verifyEmail(token: unknown): Promise<S> {
    if (typeof token !== 'string' || !token || token.length > 200) throw new AppError('NOT_FOUND', LINK_INVALID);
    const id = sha256(token);
    const row = await repo.findEmailToken(db, id, verifyPurpose);
    const subject = row ? await realm.findById(row.subject_id) : undefined;
    if (!row || !subject) throw new AppError('NOT_FOUND', LINK_INVALID);
    if (!(await repo.consumeEmailToken(db, id, verifyPurpose, now()))) {
      if (subject.verified_at) return subject;
      throw new AppError('GONE', LINK_EXPIRED);
    }
    if (subject.verified_at) return subject;
    const verifiedAt = now();
    await realm.update(subject.id, { verified_at: verifiedAt, updated_at: verifiedAt });
    return { ...subject, verified_at: verifiedAt };
  }

  /** Signs a subject in; every attempt, right or wrong, lands in the audit log. */
  async function signIn(emailInput: unknown, passwordInput: unknown, ip: string, device: string | null = null, userAgent: string | null = null): Promise<S> {
    const email = normalizeEmail(emailInput) ?? String(emailInput ?? '').slice(0, 320).toLowerCase();
    const origin = { ip, userAgent };
    try {
      const subject = await checkCredentials(email, passwordInput, ip, device);
      await deps.audit.record({
        action: 'sign_in.succeeded',
        actor: { type: realm.actorType, id: subject.id, name: subject.email },
        object: { type: realm.actorType, id: subject.id },
        accountId: realm.accountIdOf?.(subject) ?? null,
        origin,
      });
      return subject;
    } catch (error) {
      if (error instanceof AppError) {
        // Kept on the account whose address was tried (its own audit page shows it); an unknown address has none.
        const tried = email ? await realm.findByEmail(email) : undefined;
        await deps.audit.record({
          action: 'sign_in.failed',
          actor: { type: realm.actorType, id: null, name: email.slice(0, 128) },
          ...(tried ? { object: { type: realm.actorType, id: tried.id } } : {}),
          accountId: (tried && realm.accountIdOf?.(tried)) ?? null,
          origin,
          detail: { reason: error.message },
        });
      }
      throw error;
    }
  }

  /**
   * Checks credentials; the same message for an unknown email and a wrong password. `device` is a known
   * device of this email (soft lockout). The failure counter is cleared only after every check passed.
   */
  async function checkCredentials(email: string, passwordInput: unknown, ip: string, device: string | null): Promise<S> {
    const password = typeof passwordInput === 'string' ? passwordInput.slice(0, 1024) : '';
    await throttle.check(email, ip, device);
    const subject = email ? await realm.findByEmail(email) : undefined;
    const ok = await verifyPassword(subject?.password_hash ?? null, password);
    if (!subject || !ok) return throttle.fail(email, ip, device);
    // Told only after the password matched, so the message reveals nothing to a guesser.
    if (!subject.verified_at) throw new AppError('FORBIDDEN', NOT_VERIFIED, { fields: { email: NOT_VERIFIED } });
    const suspended = await realm.suspendedReason?.(subject);
    if (suspended) throw new AppError('FORBIDDEN', `This account is suspended by the operators of this installation: ${suspended}`);
    await throttle.succeed(email, ip, device);
    return subject;
  }

  /** Sends a new verification link when the address belongs to an unverified subject; silent otherwise. */
  async function resendVerification(emailInput: unknown): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) throw invalidFields({ email: 'Enter a valid email address' });
    const subject = await realm.findByEmail(email);
    if (!subject || subject.verified_at || !(await underMailLimit(email))) return;
    await sendVerification(subject);
  }

  /** Sends a reset link when the address belongs to a subject; the same answer either way. */
  async function requestPasswordReset(emailInput: unknown): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) throw invalidFields({ email: 'Enter a valid email address' });
    const subject = await realm.findByEmail(email);
    if (!subject || !(await underMailLimit(email))) return;
    const token = await issueToken(subject.id, resetPurpose, RESET_MINUTES * 60_000);
    await send(resetMail(realm.wording, subject.email, page('/reset-password', { token }), RESET_MINUTES), 'The email could not be sent. Try again in a minute.');
  }

  /** Whether a reset link can still be used (the page shows the form or says the link expired). */
  async function isResetTokenUsable(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || !token || token.length > 200) return false;
    const row = await repo.findEmailToken(db, sha256(token), resetPurpose);
    return !!row && !row.used_at && row.expires_at > now();
  }

  /** Sets a new password through a reset link; the caller ends the subject's other sessions. */
  async function resetPassword(token: unknown, passwordInput: unknown): Promise<S> {
    if (typeof token !== 'string' || !token || token.length > 200) throw new AppError('NOT_FOUND', LINK_INVALID);
    const id = sha256(token);
    const row = await repo.findEmailToken(db, id, resetPurpose);
    const subject = row ? await realm.findById(row.subject_id) : undefined;
    if (!row || !subject) throw new AppError('NOT_FOUND', LINK_INVALID);
    const password = typeof passwordInput === 'string' ? passwordInput : '';
    const weak = checkPasswordStrength(password, [subject.email.split('@')[0] ?? '']);
    if (weak) throw invalidFields({ password: weak });
    const passwordHash = await hashPassword(password);
    if (!(await repo.consumeEmailToken(db, id, resetPurpose, now()))) throw new AppError('GONE', LINK_EXPIRED);
    // Following the link proved the address, so a reset also verifies it.
    const verifiedAt = subject.verified_at ?? now();
    await realm.update(subject.id, { password_hash: passwordHash, verified_at: verifiedAt, updated_at: now() });
    await repo.deleteExpiredEmailTokens(db, later(-86_400_000));
    return { ...subject, password_hash: passwordHash, verified_at: verifiedAt };
  }

  return { signUp, verifyEmail, signIn, resendVerification, requestPasswordReset, isResetTokenUsable, resetPassword };
}
