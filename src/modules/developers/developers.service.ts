// Developer accounts (separate from customer accounts): the developer realm of the credential core
// (sign-up with a verification email, sign-in only once verified, resend, password reset by email).
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { newId } from '../../shared/crypto.ts';
import type { Mailer } from '../../shared/mailer.ts';
import { cleanText } from '../../shared/validate.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { createCredentials, type CredentialLimits, type CredentialRealm } from '../credentials/credentials.service.ts';
import * as repo from './developers.repository.ts';


export type DeveloperView = { id: string; email: string; name: string | null; verified: boolean; created_at: string };

export type DevelopersService = ReturnType<typeof createDevelopersService>;

export function createDevelopersService(deps: {
  db: Db;
  clock: Clock;
  counters: CounterStore;
  mailer: Mailer;
  publicUrl: string;
  limits?: CredentialLimits;
  audit: AuditService;
}) {
  const { db, clock } = deps;
  const realm: CredentialRealm<repo.DeveloperRow> = {
    name: 'developer',
    basePath: '/developer',
    wording: {
      product: 'the Listgate developer portal',
      account: 'Listgate developer account',
      afterVerify: 'sign in to register your first application and get an API key',
    },
    findByEmail: (email) => repo.findDeveloperByEmail(db, email),
    findById: (id) => repo.findDeveloperById(db, id),
    update: (id, changes) => repo.updateDeveloper(db, id, changes),
    actorType: 'developer',
    suspendedReason: async (developer) => (developer.suspended_at ? (developer.suspended_reason ?? 'no reason given') : null),
  };
  const credentials = createCredentials({ ...deps, realm });

  /** Answers the same whether the address is new or taken; the mail says which. */
  async function signUp(input: { email?: unknown; password?: unknown; name?: unknown }, ip: string | null = null): Promise<{ email: string }> {
    const name = input.name ? cleanText(input.name, 255) : null;
    return credentials.signUp({
      email: input.email,
      password: input.password,
      ip,
      fieldErrors: input.name && !name ? { name: 'Use up to 255 characters for your name' } : {},
      async create(email, passwordHash) {
        const timestamp = clock.now().toISOString();
        const developer = { id: newId(), email, password_hash: passwordHash, name, verified_at: null, suspended_at: null, suspended_reason: null, created_at: timestamp, updated_at: timestamp };
        await repo.insertDeveloper(db, developer);
        return developer;
      },
    });
  }

  async function signIn(email: unknown, password: unknown, ip: string, device: string | null = null, userAgent: string | null = null): Promise<DeveloperView> {
    return toView(await credentials.signIn(email, password, ip, device, userAgent));
  }

  async function getDeveloper(id: string): Promise<DeveloperView | null> {
    const row = await repo.findDeveloperById(db, id);
    return row ? toView(row) : null;
  }

  return {
    signUp,
    signIn,
    verifyEmail: async (token: unknown) => toView(await credentials.verifyEmail(token)),
    resendVerification: credentials.resendVerification,
    requestPasswordReset: credentials.requestPasswordReset,
    isResetTokenUsable: credentials.isResetTokenUsable,
    resetPassword: async (token: unknown, password: unknown) => toView(await credentials.resetPassword(token, password)),
    getDeveloper,
  };
}

function toView(row: repo.DeveloperRow): DeveloperView {
  return { id: row.id, email: row.email, name: row.name, verified: !!row.verified_at, created_at: row.created_at };
}
