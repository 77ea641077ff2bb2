// The audit log: one record() that every place calls (sign-ins, grants, consents, revocations, refresh-token
// reuse, secret rotations, app changes, suspensions, rate-limit changes, exports, bulk deletes), searches
// scoped to an operator (everything), a developer (their apps) or a customer account (that account), CSV,
// and the retention sweep. Entries are never changed.
import type { Db } from '../../db/database.ts';
import type { AuditActorType } from '../../db/schema.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { csvLine } from '../../shared/csv.ts';
import * as repo from './audit.repository.ts';

export const AUDIT_ACTIONS = [
  'sign_in.succeeded',
  'sign_in.failed',
  'operator.totp_enrolled',
  'grant.created',
  'consent.given',
  'token.revoked',
  'refresh_token.reused',
  'secret.rotated',
  'app.created',
  'app.updated',
  'app.suspended',
  'app.resumed',
  'app.rate_limits_changed',
  'developer.suspended',
  'developer.resumed',
  'account.suspended',
  'account.resumed',
  'activity.retried',
  'data.exported',
  'bulk.deleted',
  'audit.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted; `name` is looked up (the email) when left out. */
export type AuditActor = { type: AuditActorType; id: string | null; name?: string };
export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, name: 'system' };

/** Where a request came from (pages and API calls pass theirs; the CLI and jobs have none). */
export type AuditOrigin = { ip?: string | null; userAgent?: string | null };

export type AuditEntry = {
  action: AuditAction;
  actor: AuditActor;
  object?: { type: string; id: string };
  /** The customer account concerned; the app's owning developer is looked up from `clientId`. */
  accountId?: string | null;
  clientId?: string | null;
  origin?: AuditOrigin;
  detail?: Record<string, unknown>;
};

export type AuditView = {
  id: string;
  at: string;
  action: string;
  actor_type: string;
  actor: string;
  object: string;
  account_id: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  detail: string;
};

const PAGE = 100;
const CSV_MAX = 50_000;

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(deps: { db: Db; clock: Clock; retentionDays: number }) {
  const { db, clock } = deps;

  async function nameOf(actor: AuditActor): Promise<string> {
    if (actor.name) return actor.name;
    if (actor.id && actor.type !== 'app' && actor.type !== 'system') return (await repo.findActorEmail(db, actor.type, actor.id)) ?? actor.id;
    return actor.id ?? actor.type;
  }

  async function record(entry: AuditEntry): Promise<void> {
    const owner = entry.clientId ? await repo.findAppOwner(db, entry.clientId) : undefined;
    // a customer's own action concerns their account
    const customerAccount = !entry.accountId && entry.actor.type === 'customer' && entry.actor.id ? await repo.findUserAccountId(db, entry.actor.id) : undefined;
    await repo.insertAuditEvent(db, {
      id: newId(),
      created_at: clock.now().toISOString(),
      action: entry.action,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id,
      actor: (await nameOf(entry.actor)).slice(0, 128),
      object_type: entry.object?.type ?? null,
      object_id: entry.object?.id.slice(0, 128) ?? null,
      account_id: entry.accountId ?? customerAccount ?? (owner?.accountId && !owner.developerId ? owner.accountId : null),
      client_id: entry.clientId ?? null,
      developer_id: owner?.developerId ?? null,
      ip: entry.origin?.ip?.slice(0, 64) ?? null,
      user_agent: entry.origin?.userAgent?.slice(0, 500) ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    });
  }

  function toView(row: repo.AuditRow): AuditView {
    return {
      id: row.id,
      at: row.created_at,
      action: row.action,
      actor_type: row.actor_type ?? 'system',
      actor: row.actor,
      object: row.object_type ? `${row.object_type} ${row.object_id ?? ''}`.trim() : '',
      account_id: row.account_id,
      client_id: row.client_id,
      ip: row.ip,
      user_agent: row.user_agent,
      detail: row.detail,
    };
  }

  /** Text filters from a search form; unknown actions and actor types are dropped, not matched. */
  function cleanFilter(input: Record<string, string | undefined>): repo.AuditFilter {
    const text = (input.q ?? '').trim().slice(0, 200);
    const action = AUDIT_ACTIONS.find((a) => a === input.action);
    const actorType = ['operator', 'developer', 'customer', 'app', 'system'].find((t) => t === input.actor_type);
    const before = /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(input.before ?? '') ? input.before : undefined;
    return { ...(text ? { text } : {}), ...(action ? { action } : {}), ...(actorType ? { actorType } : {}), ...(before ? { before } : {}) };
  }

  /** One page of entries, newest first; `scope` pins the developer or account for the portal and account pages. */
  async function search(input: Record<string, string | undefined>, scope: { developerId?: string; accountId?: string } = {}) {
    const rows = await repo.searchAuditEvents(db, { ...cleanFilter(input), ...scope }, PAGE + 1);
    const page = rows.slice(0, PAGE).map(toView);
    return { entries: page, next: rows.length > PAGE ? page.at(-1)!.at : null };
  }

  async function exportCsv(input: Record<string, string | undefined>): Promise<string> {
    const rows = await repo.searchAuditEvents(db, cleanFilter(input), CSV_MAX);
    const header = csvLine(['at', 'action', 'actor_type', 'actor', 'object', 'account_id', 'client_id', 'ip', 'user_agent', 'detail']);
    return header + rows.map((r) => { const v = toView(r); return csvLine([v.at, v.action, v.actor_type, v.actor, v.object, v.account_id, v.client_id, v.ip, v.user_agent, v.detail]); }).join('');
  }

  /** Removes entries older than the retention setting (AUDIT_RETENTION_DAYS). */
  async function sweep(): Promise<number> {
    const before = new Date(clock.now().getTime() - deps.retentionDays * 86_400_000).toISOString();
    return repo.deleteAuditEventsBefore(db, before);
  }

  return { record, search, exportCsv, sweep };
}
