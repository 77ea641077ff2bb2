// Customer accounts: sign-up (an account with its first user), sign-in with throttling and no user
// enumeration, and the account summary the API serves.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { newId } from '../../shared/crypto.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../../shared/passwords.ts';
import { createSignInThrottle } from '../../shared/sign-in-throttle.ts';
import { createTtlCache } from '../../shared/ttl-cache.ts';
import { cleanText, normalizeEmail } from '../../shared/validate.ts';
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

export { SIGN_IN_FAILED, SIGN_IN_THROTTLED } from '../../shared/sign-in-throttle.ts';

export type AccountsService = ReturnType<typeof createAccountsService>;

export function createAccountsService(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  /** How long a node may serve an account's summary from memory (the token cache's bound). */
  summaryCacheSeconds?: number;
}) {
  const { db, clock, counters } = deps;
  const throttle = createSignInThrottle(counters, 'account');
  // Read on every /v3/account/summary call; a change made on another node shows within the TTL.
  const summaries = createTtlCache<AccountSummary>((deps.summaryCacheSeconds ?? 0) * 1000, () => clock.now().getTime());

  async function signUp(input: SignUpInput): Promise<{ account_id: string; user_id: string; email: string }> {
    const errors: Record<string, string> = {};
    const email = normalizeEmail(input.email);
    if (!email) errors.email = 'Enter a valid email address';
    const password = typeof input.password === 'string' ? input.password : '';
    const weak = checkPasswordStrength(password, [email?.split('@')[0] ?? '']);
    if (weak) errors.password = weak;
    const orgRaw = input.organizationName ?? '';
    const organization = orgRaw === '' ? (email?.split('@')[1] ?? '') : cleanText(orgRaw, 255);
    if (organization === null) errors.organizationName = 'Use up to 255 characters for the organization name';
    const firstName = input.firstName ? cleanText(input.firstName, 255) : null;
    const lastName = input.lastName ? cleanText(input.lastName, 255) : null;
    if (Object.keys(errors).length || !email) throw invalidFields(errors);
    if (await repo.findUserByEmail(db, email)) {
      throw new AppError('CONFLICT', 'An account with this email address already exists', {
        fields: { email: 'An account with this email address already exists; sign in instead' },
      });
    }
    const passwordHash = await hashPassword(password);
    const now = clock.now().toISOString();
    const accountId = newId();
    const userId = newId();
    await db.transaction().execute(async (trx) => {
      await repo.insertAccount(trx, {
        id: accountId,
        organization_name: organization || email,
        contact_email: email,
        first_name: firstName,
        last_name: lastName,
        time_zone_id: 'UTC',
        country_code: null,
        state_code: null,
        change_seq: 0,
        list_seq: 0,
        created_at: now,
        updated_at: now,
      });
      await repo.insertUser(trx, {
        id: userId,
        account_id: accountId,
        email,
        password_hash: passwordHash,
        first_name: firstName,
        last_name: lastName,
        verified_at: null,
        created_at: now,
        updated_at: now,
      });
    });
    return { account_id: accountId, user_id: userId, email };
  }

  /** Checks a customer's credentials; the same message for an unknown email and a wrong password. */
  async function signIn(emailInput: unknown, passwordInput: unknown, ip: string): Promise<repo.UserRow> {
    const email = normalizeEmail(emailInput) ?? String(emailInput ?? '').slice(0, 320).toLowerCase();
    const password = typeof passwordInput === 'string' ? passwordInput.slice(0, 1024) : '';
    await throttle.check(email, ip);
    const user = email ? await repo.findUserByEmail(db, email) : undefined;
    const ok = await verifyPassword(user?.password_hash ?? null, password);
    if (!user || !ok) return throttle.fail(email, ip);
    await throttle.succeed(email, ip);
    return user;
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

  return { signUp, signIn, getUser, findUserByEmail, getSummary, updateSummary, getPhysicalAddress, setPhysicalAddress };
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
