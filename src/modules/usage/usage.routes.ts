// GET /v3/usage: the calling token's own app's usage per day or hour (never another app's).
import type { FastifyInstance } from 'fastify';
import { UsageQuery, UsageResponse } from './usage.schemas.ts';
import type { UsageService } from './usage.service.ts';

export default async function usageRoutes(app: FastifyInstance, opts: { usage: UsageService }): Promise<void> {
  const { usage } = opts;
  app.get<{ Querystring: UsageQuery }>(
    '/usage',
    {
      config: { scope: 'account_read' },
      schema: { operationId: 'getUsage', summary: "Get the calling app's API usage", querystring: UsageQuery, response: { 200: UsageResponse } },
    },
    (request) => usage.report(request.auth.clientId, request.query),
  );
}
