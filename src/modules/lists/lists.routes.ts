// /v3/contact_lists: list, create, read, replace and delete contact lists (delete answers 202 with an activity).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Activity } from '../activities/activities.schemas.ts';
import { appRequester } from '../audit/requester.ts';
import { ContactList, ListBody, ListPage, ListParams, ListQuery, ListsQuery, ListXrefs, ListXrefsQuery } from './lists.schemas.ts';
import type { ListsService } from './lists.service.ts';

type Params = { Params: Static<typeof ListParams> };

export default async function listRoutes(
  app: FastifyInstance,
  opts: { lists: ListsService },
): Promise<void> {
  const { lists } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary });

  app.get<{ Querystring: Static<typeof ListsQuery> }>(
    '/contact_lists',
    { config, schema: { ...doc('getAllLists', 'List contact lists'), querystring: ListsQuery, response: { 200: ListPage } } },
    (request) => lists.listLists(request.auth.accountId, request.query),
  );

  app.post<{ Body: Static<typeof ListBody> }>(
    '/contact_lists',
    { config, schema: { ...doc('createList', 'Create a contact list'), body: ListBody, response: { 201: ContactList } } },
    async (request, reply) => reply.status(201).send(await lists.createList(request.auth.accountId, request.body)),
  );

  app.get<{ Querystring: Static<typeof ListXrefsQuery> }>(
    '/contact_lists/list_id_xrefs',
    { config, schema: { ...doc('getListIdXrefs', 'Map legacy v2 list ids to list ids'), querystring: ListXrefsQuery, response: { 200: ListXrefs } } },
    (request) => lists.listIdXrefs(request.auth.accountId, request.query.sequence_ids),
  );

  app.get<Params & { Querystring: Static<typeof ListQuery> }>(
    '/contact_lists/:list_id',
    { config, schema: { ...doc('getList', 'Get a contact list'), params: ListParams, querystring: ListQuery, response: { 200: ContactList } } },
    (request) => lists.getList(request.auth.accountId, request.params.list_id, request.query.include_membership_count),
  );

  app.put<Params & { Body: Static<typeof ListBody> }>(
    '/contact_lists/:list_id',
    { config, schema: { ...doc('putList', 'Replace a contact list'), params: ListParams, body: ListBody, response: { 200: ContactList } } },
    (request) => lists.updateList(request.auth.accountId, request.params.list_id, request.body),
  );

  app.delete<Params>(
    '/contact_lists/:list_id',
    { config, schema: { ...doc('deleteList', 'Delete a contact list'), params: ListParams, response: { 202: Activity } } },
    async (request, reply) => reply.status(202).send(await lists.deleteList(request.auth.accountId, request.params.list_id, appRequester(request))),
  );
}
