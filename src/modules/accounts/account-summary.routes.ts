// GET/PUT /v3/account/summary: the account the token acts on (scopes account_read / account_update).
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { AccountSummary, AccountSummaryUpdate, SummaryQuery } from './accounts.schemas.ts';
import type { AccountsService } from './accounts.service.ts';

export default async function accountSummaryRoutes(
  app: FastifyInstance,
  opts: { accounts: AccountsService },
): Promise<void> {
  const { accounts } = opts;

  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/account/summary',
    {
      config: { scope: 'account_read' },
      schema: { operationId: 'getAccountSummary', summary: 'Get the account summary', querystring: SummaryQuery, response: { 200: AccountSummary } },
    },
    (request) => accounts.getSummary(request.auth.accountId, request.query.extra_fields),
  );

  app.put<{ Body: AccountSummaryUpdate }>(
    '/account/summary',
    {
      config: { scope: 'account_update' },
      schema: {
        operationId: 'putAccountSummary',
        summary: 'Update the account summary',
        body: AccountSummaryUpdate,
        response: { 200: AccountSummary },
      },
    },
    (request) => accounts.updateSummary(request.auth.accountId, request.body),
  );
}
