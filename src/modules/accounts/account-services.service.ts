// The dialect's account services beyond the summary: the account's email addresses (/account/emails) and
// the privileges of the user a token acts for (/account/user/privileges), derived from the token's scopes.
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { normalizeEmail } from '../../shared/validate.ts';
import * as emails from './account-emails.repository.ts';
import * as repo from './accounts.repository.ts';

export type AccountEmail = {
  email_address: string;
  email_id: number;
  confirm_status: 'CONFIRMED' | 'UNCONFIRMED';
  confirm_time?: string;
  confirm_source_type?: string;
  roles: string[];
  pending_roles: string[];
};

export type EmailsQuery = { confirm_status?: string; role_code?: string; email_address?: string };

/** The dialect accepts role and status codes spelled out or by their first letter. */
const ROLES = ['CONTACT', 'BILLING', 'JOURNALING', 'REPLY_TO', 'OTHER'];
const STATUSES = ['CONFIRMED', 'UNCONFIRMED'];
const spelled = (value: string, all: string[]) => all.find((v) => v === value || v[0] === value);

/** What each scope lets the user do, as the dialect names privileges; ids are stable positions. */
const PRIVILEGES: [string, string][] = [
  ['contact_data', 'contacts:read'],
  ['contact_data', 'contacts:write'],
  ['contact_data', 'contacts:lists:read'],
  ['contact_data', 'contacts:lists:write'],
  ['contact_data', 'contacts:activities:read'],
  ['account_read', 'account:read'],
  ['account_update', 'account:update'],
];

export type AccountServicesService = ReturnType<typeof createAccountServicesService>;

export function createAccountServicesService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function listEmails(accountId: string, query: EmailsQuery): Promise<AccountEmail[]> {
    const errors: Record<string, string> = {};
    const status = query.confirm_status && spelled(query.confirm_status, STATUSES);
    if (query.confirm_status && !status) errors.confirm_status = 'confirm_status must be CONFIRMED (C) or UNCONFIRMED (U)';
    const role = query.role_code && spelled(query.role_code, ROLES);
    if (query.role_code && !role) errors.role_code = `role_code must be one of ${ROLES.join(', ')}`;
    if (Object.keys(errors).length) throw invalidFields(errors);
    const account = await repo.findAccountById(db, accountId);
    if (!account) throw new AppError('NOT_FOUND', 'Account not found');
    const all: AccountEmail[] = [
      { email_address: account.contact_email, email_id: 1, confirm_status: 'CONFIRMED', roles: ['CONTACT'], pending_roles: [] },
      ...(await emails.listAccountEmails(db, accountId)).map((row) => ({
        email_address: row.email_address,
        email_id: row.email_id,
        confirm_status: row.confirm_status as AccountEmail['confirm_status'],
        ...(row.confirm_time ? { confirm_time: row.confirm_time } : {}),
        ...(row.confirm_source_type ? { confirm_source_type: row.confirm_source_type } : {}),
        roles: JSON.parse(row.roles) as string[],
        pending_roles: [],
      })),
    ];
    const address = query.email_address?.trim().toLowerCase();
    return all.filter(
      (e) =>
        (!status || e.confirm_status === status) &&
        (!role || e.roles.includes(role)) &&
        (!address || e.email_address === address),
    );
  }

  /** Adds an address, unconfirmed; 409 when the account already lists it. */
  async function addEmail(accountId: string, body: { email_address?: unknown }) {
    const address = normalizeEmail(body.email_address);
    if (!address) throw invalidFields({ email_address: 'email_address must be a valid email address' });
    const account = await repo.findAccountById(db, accountId);
    if (!account) throw new AppError('NOT_FOUND', 'Account not found');
    const conflict = () => new AppError('CONFLICT', `${address} is already an email address of the account`);
    if (account.contact_email === address) throw conflict();
    try {
      const row = await emails.insertAccountEmail(db, {
        account_id: accountId,
        email_address: address,
        confirm_status: 'UNCONFIRMED',
        confirm_time: null,
        confirm_source_type: null,
        roles: '[]',
        created_at: clock.now().toISOString(),
      });
      return { email_address: row.email_address, email_id: row.email_id, confirm_status: row.confirm_status };
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict();
      throw error;
    }
  }

  function userPrivileges(scopes: ReadonlySet<string>) {
    return PRIVILEGES.flatMap(([scope, name], i) => (scopes.has(scope) ? [{ privilege_id: i + 1, privilege_name: name }] : []));
  }

  return { listEmails, addEmail, userPrivileges };
}
