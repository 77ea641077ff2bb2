// Who asked, for the audit log: read from an API request (the app whose token or key made the call, with the
// caller's IP and user agent), and the entry of a bulk job (an export or a deletion) asked by them.
import type { FastifyRequest } from 'fastify';
import { type AuditAction, type AuditActor, type AuditEntry, type AuditOrigin, SYSTEM_ACTOR } from './audit.service.ts';

/** Who asked for a bulk job: the API app or the customer (and their origin); nobody named is the system. */
export type AuditRequester = { actor: AuditActor; origin?: AuditOrigin };

export function appRequester(request: FastifyRequest): Required<AuditRequester> {
  return {
    actor: { type: 'app', id: request.auth.clientId, name: request.auth.clientId },
    origin: { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
  };
}

/** The entry of a bulk job of `accountId`: the activity is the object, the app (if an app asked) the client. */
export function bulkJobEntry(action: AuditAction, accountId: string, activityId: string, by: AuditRequester | undefined, detail: Record<string, unknown>): AuditEntry {
  const actor = by?.actor ?? SYSTEM_ACTOR;
  return { action, actor, object: { type: 'activity', id: activityId }, accountId, clientId: actor.type === 'app' ? actor.id : null, origin: by?.origin, detail };
}
