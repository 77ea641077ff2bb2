// /v2/lists: the legacy v2 list calls (a bare array, no paging) and the members of one list (paged as
// /v2/contacts). Registered inside the /v2 scope of app.ts.
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { appRequester } from '../audit/requester.ts';
import { includeFlag } from './v2-contacts.service.ts';
import { ApiKeyQuery, IdParams, ListsQuery, MembersQuery, V2ContactPage, V2List, V2ListBody } from './v2.schemas.ts';
import type { LegacyV2Service } from './v2.service.ts';

type Id = { Params: Static<typeof IdParams> };
type Flagged = { Querystring: { include_list_id?: string } };
const security = [{ oauth2: ['contact_data'], api_key_query: [] }];
const OneQuery = Type.Object({ ...ApiKeyQuery.properties, include_list_id: ListsQuery.properties.include_list_id });

export default async function v2ListRoutes(app: FastifyInstance, opts: { v2: LegacyV2Service }) {
  const { v2 } = opts;
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary, tags: ['Legacy v2'], security });
  const flag = (q: { include_list_id?: string }) => includeFlag('include_list_id', q.include_list_id);

  app.get<{ Querystring: Static<typeof ListsQuery> }>(
    '/lists',
    { config, schema: { ...doc('v2GetLists', 'List contact lists (v2, a bare array)'), querystring: ListsQuery, response: { 200: Type.Array(V2List) } } },
    (request) => v2.lists.listLists(request.auth.accountId, request.query),
  );

  app.post<Flagged & { Body: Record<string, unknown> }>(
    '/lists',
    { config, schema: { ...doc('v2AddList', 'Create a contact list (v2)'), querystring: OneQuery, body: V2ListBody, response: { 201: V2List } } },
    async (request, reply) => reply.status(201).send(await v2.lists.createList(request.auth.accountId, request.body, flag(request.query))),
  );

  app.get<Id & Flagged>(
    '/lists/:id',
    { config, schema: { ...doc('v2GetList', 'Get a contact list (v2)'), params: IdParams, querystring: OneQuery, response: { 200: V2List } } },
    (request) => v2.lists.getList(request.auth.accountId, request.params.id, flag(request.query)),
  );

  app.put<Id & Flagged & { Body: Record<string, unknown> }>(
    '/lists/:id',
    { config, schema: { ...doc('v2UpdateList', 'Rename a contact list (v2)'), params: IdParams, querystring: OneQuery, body: V2ListBody, response: { 200: V2List } } },
    (request) => v2.lists.updateList(request.auth.accountId, request.params.id, request.body, flag(request.query)),
  );

  app.delete<Id>(
    '/lists/:id',
    { config, schema: { ...doc('v2DeleteList', 'Delete a contact list (v2)'), params: IdParams, querystring: ApiKeyQuery, response: { 204: { type: 'null' } } } },
    async (request, reply) => reply.status(204).send(await v2.lists.deleteList(request.auth.accountId, request.params.id, appRequester(request))),
  );

  app.get<Id & { Querystring: Static<typeof MembersQuery> }>(
    '/lists/:id/contacts',
    {
      config,
      schema: { ...doc('v2GetListContacts', 'List the contacts of a list (v2)'), params: IdParams, querystring: MembersQuery, response: { 200: V2ContactPage } },
    },
    (request) => v2.listMembers(request.auth.accountId, request.params.id, request.query),
  );
}
