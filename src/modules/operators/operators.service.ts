// Operator accounts: a realm of the one credential core (email verified by link, throttled sign-in,
// password reset) with a required TOTP second factor (RFC 6238) and single-use recovery codes kept as hashes.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { newId, randomToken, sha256 } from '../../shared/crypto.ts';
import type { Mailer } from '../../shared/mailer.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import type { SecretBox } from '../webhooks/webhook-signing.ts';
import type { AuditOrigin, AuditService } from '../audit/audit.service.ts';
import { createCredentials, type CredentialLimits, type CredentialRealm } from '../credentials/credentials.service.ts';
import * as repo from './operators.repository.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

const RECOVERY_CODES = 10;
const FACTOR_FAILURES = 10;
const FACTOR_WINDOW_MS = 15 * 60_000;
export const BAD_CODE = 'That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.';

export type OperatorView = { id: string; email: string; verified: boolean; totpEnabled: boolean };

export type OperatorsService = ReturnType<typeof createOperatorsService>;

/** Recovery codes read `xxxx-xxxx-xxxx` (lower-case letters and digits); compared without dashes or case. */
function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

function newRecoveryCode(): string {
  const raw = randomToken(12).toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(12, '0').slice(0, 12);
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

export function createOperatorsService(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  mailer: Mailer;
  publicUrl: string;
  limits?: CredentialLimits;
  secrets: SecretBox;
  audit: AuditService;
}) {
  const { db, clock, counters, secrets, audit } = deps;
  const now = () => clock.now().toISOString();
  const realm: CredentialRealm<repo.OperatorRow> = {
    name: 'operator',
    basePath: '/admin',
    wording: { product: 'the Listgate operator console', account: 'Listgate operator account', afterVerify: 'sign in and set up your authenticator app' },
    findByEmail: (email) => repo.findOperatorByEmail(db, email),
    findById: (id) => repo.findOperatorById(db, id),
    update: (id, changes) => repo.updateOperator(db, id, changes),
    actorType: 'operator',
  };
  const credentials = createCredentials({ ...deps, realm });
  const toView = (row: repo.OperatorRow): OperatorView => ({ id: row.id, email: row.email, verified: !!row.verified_at, totpEnabled: !!row.totp_enabled_at });
  const actorOf = (row: { id: string; email: string }) => ({ type: 'operator' as const, id: row.id, name: row.email });

  /** `listgate operators create`: an operator whose address is verified by the link mailed to it. */
  async function createOperator(input: { email?: unknown; password?: unknown }): Promise<{ email: string }> {
    const email = normalizeEmail(input.email);
    if (email && (await repo.findOperatorByEmail(db, email))) throw new AppError('CONFLICT', `An operator with the email ${email} already exists`, { fields: { email: `An operator with the email ${email} already exists` } });
    return credentials.signUp({
      email: input.email,
      password: input.password,
      ip: null,
      async create(address, passwordHash) {
        const t = now();
        const row: repo.OperatorRow = { id: newId(), email: address, password_hash: passwordHash, verified_at: null, totp_secret: null, totp_enabled_at: null, created_at: t, updated_at: t };
        await repo.insertOperator(db, row);
        return row;
      },
    });
  }

  /** The password step (the credential core records every attempt in the audit log). */
  async function signIn(email: unknown, password: unknown, origin: AuditOrigin & { ip: string }, device: string | null = null): Promise<OperatorView> {
    return toView(await credentials.signIn(email, password, origin.ip, device, origin.userAgent ?? null));
  }

  async function getOperator(id: string): Promise<OperatorView | null> {
    const row = await repo.findOperatorById(db, id);
    return row ? toView(row) : null;
  }

  /** The secret being enrolled (kept until confirmed, so reloading the page does not change it). */
  async function enrolment(operatorId: string): Promise<{ secret: string; uri: string }> {
    const row = await repo.findOperatorById(db, operatorId);
    if (!row) throw new AppError('NOT_FOUND', 'No such operator');
    if (row.totp_enabled_at) throw new AppError('CONFLICT', 'Your authenticator app is already set up');
    let secret = row.totp_secret ? secrets.open(row.totp_secret) : null;
    if (!secret) {
      secret = newTotpSecret();
      await repo.updateOperator(db, operatorId, { totp_secret: secrets.seal(secret), updated_at: now() });
    }
    return { secret, uri: totpUri(secret, row.email) };
  }

  /** Counts a wrong code; past the limit the second factor is refused for the rest of the window. */
  async function limitFailures(operatorId: string, count: boolean): Promise<void> {
    const key = `totp:fail:${operatorId}`;
    const hit = count ? await counters.hit(key, FACTOR_WINDOW_MS) : await counters.peek(key, FACTOR_WINDOW_MS);
    if (hit.count < FACTOR_FAILURES) return;
    const retryAfter = Math.max(1, Math.ceil((hit.resetAt - clock.now().getTime()) / 1000));
    throw new AppError('THROTTLED', `Too many wrong codes. Try again in ${Math.ceil(retryAfter / 60)} minutes.`, { headers: { 'Retry-After': String(retryAfter) } });
  }

  /** True when `code` is the current TOTP code of `secret` and this step was not used before (no replay). */
  async function acceptTotp(operatorId: string, secret: string, code: string): Promise<boolean> {
    const step = matchTotp(secret, code.replace(/\s/g, ''), clock.now().getTime());
    if (step === null) return false;
    return (await counters.hit(`totp:step:${operatorId}:${step}`, 120_000)).count === 1;
  }

  /** Confirms the enrolment with a first code; returns the recovery codes (shown once, stored as hashes). */
  async function confirmEnrolment(operatorId: string, code: unknown, origin: AuditOrigin): Promise<string[]> {
    await limitFailures(operatorId, false);
    const row = await repo.findOperatorById(db, operatorId);
    if (!row?.totp_secret || row.totp_enabled_at) throw new AppError('CONFLICT', 'Start the set-up again from the beginning');
    if (typeof code !== 'string' || !(await acceptTotp(operatorId, secrets.open(row.totp_secret), code))) {
      await limitFailures(operatorId, true);
      throw invalidFields({ code: 'That code is not right. Enter the 6-digit code your authenticator app shows now.' });
    }
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await db.transaction().execute(async (trx) => {
      await repo.replaceRecoveryCodes(trx, operatorId, codes.map((c) => sha256(normalizeRecoveryCode(c))), now());
      await repo.updateOperator(trx, operatorId, { totp_enabled_at: now(), updated_at: now() });
    });
    await audit.record({ action: 'operator.totp_enrolled', actor: actorOf(row), object: { type: 'operator', id: row.id }, origin });
    return codes;
  }

  /** The second step of sign-in: a TOTP code, or one unused recovery code. */
  async function verifySecondFactor(operatorId: string, code: unknown, origin: AuditOrigin): Promise<{ usedRecoveryCode: boolean }> {
    await limitFailures(operatorId, false);
    const row = await repo.findOperatorById(db, operatorId);
    if (!row?.totp_secret || !row.totp_enabled_at) throw new AppError('CONFLICT', 'Set up your authenticator app first');
    const text = typeof code === 'string' ? code.trim().slice(0, 64) : '';
    let usedRecoveryCode = false;
    let ok = text.length > 0 && (await acceptTotp(operatorId, secrets.open(row.totp_secret), text));
    if (!ok && normalizeRecoveryCode(text).length === 12) {
      ok = await repo.consumeRecoveryCode(db, operatorId, sha256(normalizeRecoveryCode(text)), now());
      usedRecoveryCode = ok;
    }
    if (!ok) {
      await audit.record({ action: 'sign_in.failed', actor: actorOf(row), object: { type: 'operator', id: row.id }, origin, detail: { step: 'second factor' } });
      await limitFailures(operatorId, true);
      throw invalidFields({ code: BAD_CODE });
    }
    await audit.record({ action: 'sign_in.succeeded', actor: actorOf(row), object: { type: 'operator', id: row.id }, origin, detail: { step: usedRecoveryCode ? 'recovery code' : 'authenticator code' } });
    return { usedRecoveryCode };
  }

  const recoveryCodesLeft = (operatorId: string) => repo.countUnusedRecoveryCodes(db, operatorId);

  return {
    createOperator,
    signIn,
    getOperator,
    enrolment,
    confirmEnrolment,
    verifySecondFactor,
    recoveryCodesLeft,
    verifyEmail: credentials.verifyEmail,
    resendVerification: credentials.resendVerification,
    requestPasswordReset: credentials.requestPasswordReset,
    isResetTokenUsable: credentials.isResetTokenUsable,
    resetPassword: credentials.resetPassword,
  };
}
