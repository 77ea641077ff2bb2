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
    async (request) => {
      const series = await usage.forApp(request.auth.clientId, request.query);
      return { client_id: request.auth.clientId, granularity: series.granularity, start: series.start, end: series.end, retention_days: usage.retentionDays, usage: series.points, totals: series.totals };
    },
  );
}
