// Who asked, for the audit log, read from an API request: the app whose token or key made the call, with the
// caller's IP and user agent. Routes pass it to the services that record bulk work.
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditOrigin } from './audit.service.ts';

export function appRequester(request: FastifyRequest): { actor: AuditActor; origin: AuditOrigin } {
  return {
    actor: { type: 'app', id: request.auth.clientId, name: request.auth.clientId },
    origin: { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
  };
}
