// The console's developers, customer accounts and jobs: search, see their apps and connections, suspend and
// resume (a suspended developer or account cannot sign in and its sessions end at once; apps are suspended
// one by one on their own page), and retry a failed bulk job. Destructive actions need a confirmed reason.
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { requeueActivity } from '../activities/activities.repository.ts';
import type { AuditActor, AuditOrigin, AuditService } from '../audit/audit.service.ts';
import { requireConfirmedReason } from './confirmation.ts';
import * as repo from './console.repository.ts';

type Form = Record<string, string | undefined>;

export type ConsolePeopleService = ReturnType<typeof createConsolePeopleService>;

export function createConsolePeopleService(deps: {
  db: Db;
  clock: Clock;
  audit: AuditService;
  /** Ends every web session of a subject (a suspended developer or customer is signed out at once). */
  endSessions: (subjectId: string) => Promise<void>;
  /** The budget every app acting on one customer account shares (ACCOUNT_RATE_LIMIT_PER_SECOND / _PER_DAY). */
  accountBudget: Readonly<{ perSecond: number; perDay: number }>;
}) {
  const { db, clock, audit } = deps;
  const now = () => clock.now().toISOString();
  const text = (q: unknown) => (typeof q === 'string' ? q.trim().slice(0, 200) : '');

  const searchDevelopers = (q: unknown) => repo.searchDevelopers(db, text(q));
  const searchAccounts = (q: unknown) => repo.searchAccounts(db, text(q));

  async function developer(id: string) {
    const row = await db.selectFrom('developers').select(['id', 'email', 'name', 'verified_at', 'suspended_at', 'suspended_reason', 'created_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such developer');
    return { ...row, apps: await repo.searchApps(db, '', { developerId: id }) };
  }

  async function account(id: string) {
    const row = await repo.findAccountRow(db, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such customer account');
    const connected = await repo.connectedClientIds(db, id, Math.floor(clock.now().getTime() / 1000));
    const all = await repo.searchApps(db, '');
    return { ...row, budget: deps.accountBudget, integrations: await repo.searchApps(db, '', { accountId: id }), connected: all.filter((a) => connected.includes(a.client_id)) };
  }

  /** Suspends or resumes a developer or an account, with the audit entry; sessions end on suspension. */
  async function setSuspended(kind: 'developer' | 'account', actor: AuditActor, id: string, suspend: boolean, form: Form, origin: AuditOrigin): Promise<void> {
    const reason = requireConfirmedReason(form);
    const current = kind === 'developer' ? await developer(id) : await account(id);
    if (!!current.suspended_at === suspend) throw new AppError('CONFLICT', suspend ? 'Already suspended' : 'Not suspended');
    await repo.setSuspension(db, kind === 'developer' ? 'developers' : 'accounts', id, suspend ? now() : null, suspend ? reason : null, now());
    if (suspend && kind === 'developer') await deps.endSessions(id);
    if (suspend && kind === 'account') for (const user of await db.selectFrom('users').select('id').where('account_id', '=', id).execute()) await deps.endSessions(user.id);
    await audit.record({
      action: `${kind}.${suspend ? 'suspended' : 'resumed'}`,
      actor,
      object: { type: kind, id },
      accountId: kind === 'account' ? id : null,
      origin,
      detail: { reason },
    });
  }

  const jobs = () => repo.listJobs(db, ['initialized', 'processing', 'failed', 'timed_out']);

  async function retryJob(actor: AuditActor, activityId: string, form: Form, origin: AuditOrigin): Promise<void> {
    const reason = requireConfirmedReason(form);
    const row = await db.selectFrom('activities').select(['account_id']).where('activity_id', '=', activityId).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such job');
    if (!(await requeueActivity(db, activityId, now()))) throw new AppError('CONFLICT', 'Only a failed or timed-out job can be retried');
    await audit.record({ action: 'activity.retried', actor, object: { type: 'activity', id: activityId }, accountId: row.account_id, origin, detail: { reason } });
  }

  return { searchDevelopers, searchAccounts, developer, account, setSuspended, jobs, retryJob };
}
