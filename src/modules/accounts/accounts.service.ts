// Customer accounts: the customer realm of the credential core (sign-up with email verification, throttled
// sign-in, password reset), the operator's direct account creation, and the account summary the API serves.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { newId } from '../../shared/crypto.ts';
import type { Mailer } from '../../shared/mailer.ts';
import { checkPasswordStrength, hashPassword } from '../../shared/passwords.ts';
import { createTtlCache } from '../../shared/ttl-cache.ts';
import { cleanText, normalizeEmail } from '../../shared/validate.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createCredentials, type CredentialLimits, type CredentialRealm } from '../credentials/credentials.service.ts';
import type { Insertable } from 'kysely';
import type { AccountsTable } from '../../db/schema.ts';
import * as repo from './accounts.repository.ts';
import type { PhysicalAddress } from './accounts.schemas.ts';

export type SignUpInput = {
  email: unknown;
  password: unknown;
  organizationName?: unknown;
  firstName?: unknown;
  lastName?: unknown;
};

export type AccountSummary = {
  encoded_account_id: string;
  organization_name: string;
  contact_email: string;
  first_name: string | null;
  last_name: string | null;
  time_zone_id: string;
  country_code: string | null;
  state_code: string | null;
  contact_phone?: string;
  organization_phone?: string;
  website?: string;
  physical_address?: PhysicalAddress;
  company_logo?: { url?: string; external_url?: string };
};

const EXTRA_FIELDS = ['physical_address', 'company_logo'] as const;

export type AccountsService = ReturnType<typeof createAccountsService>;

export function createAccountsService(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  mailer: Mailer;
  publicUrl: string;
  limits?: CredentialLimits;
  audit: AuditService;
  /** How long a node may serve an account's summary from memory (the token cache's bound). */
  summaryCacheSeconds?: number;
}) {
  const { db, clock } = deps;
  // Read on every /v3/account/summary call; a change made on another node shows within the TTL.
  const summaries = createTtlCache<AccountSummary>((deps.summaryCacheSeconds ?? 0) * 1000, () => clock.now().getTime());
  const realm: CredentialRealm<repo.UserRow> = {
    name: 'account',
    basePath: '/account',
    wording: { product: 'Listgate', account: 'Listgate account', afterVerify: 'sign in' },
    findByEmail: (email) => repo.findUserByEmail(db, email),
    findById: (id) => repo.findUserById(db, id),
    update: (id, changes) => repo.updateUser(db, id, changes),
    actorType: 'customer',
    accountIdOf: (user) => user.account_id,
    async suspendedReason(user) {
      const account = await db.selectFrom('accounts').select(['suspended_at', 'suspended_reason']).where('id', '=', user.account_id).executeTakeFirst();
      return account?.suspended_at ? (account.suspended_reason ?? 'no reason given') : null;
    },
  };
  const credentials = createCredentials({ ...deps, realm });

  function readProfile(input: SignUpInput) {
    const email = normalizeEmail(input.email);
    const orgRaw = input.organizationName ?? '';
    const organization = orgRaw === '' ? (email?.split('@')[1] ?? '') : cleanText(orgRaw, 255);
    const fieldErrors: Record<string, string> = {};
    if (organization === null) fieldErrors.organizationName = 'Use up to 255 characters for the organization name';
    const firstName = input.firstName ? cleanText(input.firstName, 255) : null;
    const lastName = input.lastName ? cleanText(input.lastName, 255) : null;
    return { organization, firstName, lastName, fieldErrors };
  }

  /** Inserts an account and its first user in one transaction. */
  async function insertAccountWithUser(email: string, passwordHash: string, profile: ReturnType<typeof readProfile>, verifiedAt: string | null) {
    const now = clock.now().toISOString();
    const account: Insertable<AccountsTable> & { id: string } = {
      id: newId(),
      organization_name: profile.organization || email,
      contact_email: email,
      first_name: profile.firstName,
      last_name: profile.lastName,
      time_zone_id: 'UTC',
      country_code: null,
      state_code: null,
      change_seq: 0,
      list_seq: 0,
      created_at: now,
      updated_at: now,
    };
    const user: repo.UserRow = {
      id: newId(),
      account_id: account.id,
      email,
      password_hash: passwordHash,
      first_name: profile.firstName,
      last_name: profile.lastName,
      verified_at: verifiedAt,
      created_at: now,
      updated_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await repo.insertAccount(trx, account);
      await repo.insertUser(trx, user);
    });
    return user;
  }

  /**
   * Creates an account directly, as the operator does with `listgate admin create-account`: the operator
   * vouches for the address, so it counts as verified. Customers sign up through `register`.
   */
  async function signUp(input: SignUpInput): Promise<{ account_id: string; user_id: string; email: string }> {
    const errors: Record<string, string> = {};
    const email = normalizeEmail(input.email);
    if (!email) errors.email = 'Enter a valid email address';
    const password = typeof input.password === 'string' ? input.password : '';
    const weak = checkPasswordStrength(password, [email?.split('@')[0] ?? '']);
    if (weak) errors.password = weak;
    const profile = readProfile(input);
    Object.assign(errors, profile.fieldErrors);
    if (Object.keys(errors).length || !email) throw invalidFields(errors);
    if (await repo.findUserByEmail(db, email)) {
      throw new AppError('CONFLICT', 'An account with this email address already exists', {
        fields: { email: 'An account with this email address already exists' },
      });
    }
    const user = await insertAccountWithUser(email, await hashPassword(password), profile, clock.now().toISOString());
    return { account_id: user.account_id, user_id: user.id, email };
  }

  /**
   * The sign-up form: an unverified account and a verification mail, or, when the address is taken, a mail
   * to its owner. The same answer either way (no enumeration); limited per IP.
   */
  async function register(input: SignUpInput, ip: string | null, returnTo?: string): Promise<{ email: string }> {
    const profile = readProfile(input);
    return credentials.signUp({
      email: input.email,
      password: input.password,
      ip,
      returnTo,
      fieldErrors: profile.fieldErrors,
      create: (email, passwordHash) => insertAccountWithUser(email, passwordHash, profile, null),
    });
  }

  async function getUser(userId: string): Promise<repo.UserRow | undefined> {
    return repo.findUserById(db, userId);
  }

  /** `extra_fields` (comma-separated physical_address, company_logo) adds those that are set. */
  async function getSummary(accountId: string, extraFields?: string): Promise<AccountSummary> {
    const extras = (extraFields ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!extras.length) return summaries.get(accountId) ?? summaries.getOrLoad(accountId, () => loadSummary(accountId));
    const unknown = extras.find((name) => !(EXTRA_FIELDS as readonly string[]).includes(name));
    if (unknown) throw invalidFields({ extra_fields: `extra_fields accepts only ${EXTRA_FIELDS.join(', ')} (got "${unknown}")` });
    const account = await loadAccount(accountId);
    const summary = toSummary(account);
    if (extras.includes('physical_address') && account.physical_address) summary.physical_address = JSON.parse(account.physical_address) as PhysicalAddress;
    if (extras.includes('company_logo') && account.company_logo) summary.company_logo = JSON.parse(account.company_logo) as AccountSummary['company_logo'];
    return summary;
  }

  async function loadAccount(accountId: string): Promise<repo.AccountRow> {
    const account = await repo.findAccountById(db, accountId);
    if (!account) throw new AppError('NOT_FOUND', 'Account not found');
    return account;
  }

  async function loadSummary(accountId: string): Promise<AccountSummary> {
    return toSummary(await loadAccount(accountId));
  }

  async function getPhysicalAddress(accountId: string): Promise<PhysicalAddress> {
    const json = (await loadAccount(accountId)).physical_address;
    if (!json) throw new AppError('NOT_FOUND', 'The account has no physical address yet; POST one');
    return JSON.parse(json) as PhysicalAddress;
  }

  /** POST adds the address (409 when one exists), PUT replaces it (404 when none exists yet). */
  async function setPhysicalAddress(accountId: string, input: PhysicalAddress, mode: 'add' | 'replace'): Promise<PhysicalAddress> {
    const exists = (await loadAccount(accountId)).physical_address !== null;
    if (mode === 'add' && exists) throw new AppError('CONFLICT', 'The account already has a physical address; use PUT to change it');
    if (mode === 'replace' && !exists) throw new AppError('NOT_FOUND', 'The account has no physical address yet; POST one');
    const address = { ...input, country_code: input.country_code.toUpperCase() };
    await repo.updateAccount(db, accountId, { physical_address: JSON.stringify(address), updated_at: clock.now().toISOString() });
    summaries.delete(accountId);
    return address;
  }

  async function updateSummary(accountId: string, input: Record<string, unknown>): Promise<AccountSummary> {
    const errors: Record<string, string> = {};
    const changes: Parameters<typeof repo.updateAccount>[2] = {};
    const text = (key: 'organization_name' | 'first_name' | 'last_name' | 'contact_phone' | 'organization_phone' | 'website', max: number) => {
      if (input[key] === undefined) return;
      const value = cleanText(input[key], max);
      if (value === null) errors[key] = `${key} must be 1 to ${max} characters`;
      else changes[key] = value;
    };
    text('organization_name', 255);
    text('first_name', 255);
    text('last_name', 255);
    text('contact_phone', 25);
    text('organization_phone', 25);
    text('website', 255);
    if (input.contact_email !== undefined) {
      const email = normalizeEmail(input.contact_email);
      if (!email) errors.contact_email = 'contact_email must be a valid email address';
      else changes.contact_email = email;
    }
    if (input.time_zone_id !== undefined) {
      const tz = typeof input.time_zone_id === 'string' ? input.time_zone_id : '';
      if (!isTimeZone(tz)) errors.time_zone_id = 'time_zone_id must be an IANA time zone such as America/New_York';
      else changes.time_zone_id = tz;
    }
    for (const [key, length] of [['country_code', 2], ['state_code', 8]] as const) {
      if (input[key] === undefined) continue;
      const value = input[key];
      if (value === null) changes[key] = null;
      else if (typeof value === 'string' && /^[A-Za-z]+$/.test(value) && value.length <= length) {
        changes[key] = value.toUpperCase();
      } else errors[key] = `${key} must be a code of at most ${length} letters`;
    }
    if (Object.keys(errors).length) throw invalidFields(errors);
    await repo.updateAccount(db, accountId, { ...changes, updated_at: clock.now().toISOString() });
    summaries.delete(accountId);
    return loadSummary(accountId);
  }

  async function findUserByEmail(email: string): Promise<repo.UserRow | undefined> {
    const normalized = normalizeEmail(email);
    return normalized ? repo.findUserByEmail(db, normalized) : undefined;
  }

  return {
    signUp,
    register,
    signIn: credentials.signIn,
    verifyEmail: credentials.verifyEmail,
    resendVerification: credentials.resendVerification,
    requestPasswordReset: credentials.requestPasswordReset,
    isResetTokenUsable: credentials.isResetTokenUsable,
    resetPassword: credentials.resetPassword,
    getUser,
    findUserByEmail,
    getSummary,
    updateSummary,
    getPhysicalAddress,
    setPhysicalAddress,
  };
}

function isTimeZone(value: string): boolean {
  if (!value || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function toSummary(account: repo.AccountRow): AccountSummary {
  return {
    encoded_account_id: account.id,
    organization_name: account.organization_name,
    contact_email: account.contact_email,
    first_name: account.first_name,
    last_name: account.last_name,
    time_zone_id: account.time_zone_id,
    country_code: account.country_code,
    state_code: account.state_code,
    ...(account.contact_phone !== null ? { contact_phone: account.contact_phone } : {}),
    ...(account.organization_phone !== null ? { organization_phone: account.organization_phone } : {}),
    ...(account.website !== null ? { website: account.website } : {}),
  };
}
