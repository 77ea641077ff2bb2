// /v3/account/emails, /v3/account/user/privileges and /v3/account/summary/physical_address (scopes
// account_read to read, account_update to change).
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AccountEmail, AddedEmail, AddEmailBody, EmailsQuery, Privilege } from './account-services.schemas.ts';
import type { AccountServicesService } from './account-services.service.ts';
import { PhysicalAddress } from './accounts.schemas.ts';
import type { AccountsService } from './accounts.service.ts';

export default async function accountServicesRoutes(
  app: FastifyInstance,
  opts: { accounts: AccountsService; accountServices: AccountServicesService },
): Promise<void> {
  const { accounts, accountServices } = opts;
  const read = { config: { scope: 'account_read' } } as const;
  const update = { config: { scope: 'account_update' } } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary });

  app.get<{ Querystring: Static<typeof EmailsQuery> }>(
    '/account/emails',
    { ...read, schema: { ...doc('getAllAccountEmailAddresses', 'List the account email addresses'), querystring: EmailsQuery, response: { 200: Type.Array(AccountEmail) } } },
    (request) => accountServices.listEmails(request.auth.accountId, request.query),
  );

  app.post<{ Body: Static<typeof AddEmailBody> }>(
    '/account/emails',
    { ...update, schema: { ...doc('addAccountEmailAddress', 'Add an account email address'), body: AddEmailBody, response: { 201: AddedEmail } } },
    async (request, reply) => reply.status(201).send(await accountServices.addEmail(request.auth.accountId, request.body)),
  );

  app.get(
    '/account/user/privileges',
    { ...read, schema: { ...doc('getUserPrivileges', "The privileges of the token's user"), response: { 200: Type.Array(Privilege) } } },
    async (request) => accountServices.userPrivileges(request.auth.scopes),
  );

  app.get(
    '/account/summary/physical_address',
    { ...read, schema: { ...doc('getAccountPhysicalAddress', 'Get the physical address'), response: { 200: PhysicalAddress } } },
    (request) => accounts.getPhysicalAddress(request.auth.accountId),
  );

  for (const [method, mode, status] of [['POST', 'add', 201], ['PUT', 'replace', 200]] as const) {
    app.route<{ Body: Static<typeof PhysicalAddress> }>({
      method,
      url: '/account/summary/physical_address',
      ...update,
      schema: { ...(mode === 'add' ? doc('addPhysicalAddress', 'Add the physical address') : doc('updateAccountPhysicalAddress', 'Replace the physical address')), body: PhysicalAddress, response: { [status]: PhysicalAddress } },
      handler: async (request, reply) =>
        reply.status(status).send(await accounts.setPhysicalAddress(request.auth.accountId, request.body, mode)),
    });
  }
}
