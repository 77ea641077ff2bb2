// GET/PUT /v3/account/summary: the account the token acts on (scopes account_read / account_update).
import type { FastifyInstance } from 'fastify';
import type { BearerAuth } from '../../oauth/bearer-auth.ts';
import type { Static } from '@sinclair/typebox';
import { AccountSummary, AccountSummaryUpdate, SummaryQuery } from './accounts.schemas.ts';
import type { AccountsService } from './accounts.service.ts';

export default async function accountSummaryRoutes(
  app: FastifyInstance,
  opts: { accounts: AccountsService; bearer: BearerAuth },
): Promise<void> {
  const { accounts, bearer } = opts;
  const security = [{ oauth2: ['account_read'] }];

  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/account/summary',
    {
      preHandler: bearer.requireScope('account_read'),
      schema: { tags: ['Account'], summary: 'Get the account summary', security, querystring: SummaryQuery, response: { 200: AccountSummary } },
    },
    (request) => accounts.getSummary(request.auth.accountId, request.query.extra_fields),
  );

  app.put<{ Body: AccountSummaryUpdate }>(
    '/account/summary',
    {
      preHandler: bearer.requireScope('account_update'),
      schema: {
        tags: ['Account'],
        summary: 'Update the account summary',
        security: [{ oauth2: ['account_update'] }],
        body: AccountSummaryUpdate,
        response: { 200: AccountSummary },
      },
    },
    (request) => accounts.updateSummary(request.auth.accountId, request.body),
  );
}
