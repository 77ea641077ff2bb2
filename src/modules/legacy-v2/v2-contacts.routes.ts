// /v2/contacts: the legacy v2 contact calls (collection with modified_since/next, CRUD, list removals).
// Registered inside the /v2 scope of app.ts, which has authenticated the call and checked its API key.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseActionBy } from './v2-contact-input.ts';
import { includeFlag } from './v2-contacts.service.ts';
import { ApiKeyQuery, ContactsQuery, IdParams, ListIdParams, V2Contact, V2ContactBody, V2ContactPage, WriteQuery } from './v2.schemas.ts';
import type { LegacyV2Service } from './v2.service.ts';

type Id = { Params: Static<typeof IdParams> };
type Write = Id & { Querystring: Static<typeof WriteQuery>; Body: Record<string, unknown> };
const security = [{ oauth2: ['contact_data'], api_key_query: [] }];
const empty = { 204: { type: 'null' } };

export default async function v2ContactRoutes(app: FastifyInstance, opts: { v2: LegacyV2Service }) {
  const { v2 } = opts;
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary, tags: ['Legacy v2'], security });
  const flag = (q: { include_contact_id?: string }) => includeFlag('include_contact_id', q.include_contact_id);

  // The page is written by the route's response schema (fast-json-stringify): every v2 contact has all its
  // keys, so the compiled serializer writes it about twice as fast as JSON.stringify.
  app.get<{ Querystring: Static<typeof ContactsQuery> }>(
    '/contacts',
    { config, schema: { ...doc('v2GetContacts', 'List contacts (v2)'), querystring: ContactsQuery, response: { 200: V2ContactPage } } },
    (request) => v2.reader.readPage(request.auth.accountId, '/v2/contacts', request.query),
  );

  app.post<Omit<Write, 'Params'>>(
    '/contacts',
    { config, schema: { ...doc('v2AddContact', 'Create a contact (v2)'), querystring: WriteQuery, body: V2ContactBody, response: { 201: V2Contact } } },
    async (request, reply) => {
      const { accountId } = request.auth;
      return reply.status(201).send(await v2.contacts.createContact(accountId, request.body, parseActionBy(request.query.action_by), flag(request.query)));
    },
  );

  app.get<Id & { Querystring: Static<typeof WriteQuery> }>(
    '/contacts/:id',
    { config, schema: { ...doc('v2GetContact', 'Get a contact (v2)'), params: IdParams, querystring: WriteQuery, response: { 200: V2Contact } } },
    (request) => v2.contacts.getContact(request.auth.accountId, request.params.id, flag(request.query)),
  );

  app.put<Write>(
    '/contacts/:id',
    { config, schema: { ...doc('v2UpdateContact', 'Replace a contact (v2)'), params: IdParams, querystring: WriteQuery, body: V2ContactBody, response: { 200: V2Contact } } },
    (request) =>
      v2.contacts.replaceContact(request.auth.accountId, request.params.id, request.body, parseActionBy(request.query.action_by), flag(request.query)),
  );

  app.delete<Id>(
    '/contacts/:id',
    { config, schema: { ...doc('v2UnsubscribeContact', 'Unsubscribe a contact: OPTOUT, off every list (v2)'), params: IdParams, querystring: ApiKeyQuery, response: empty } },
    async (request, reply) => reply.status(204).send(await v2.contacts.unsubscribeContact(request.auth.accountId, request.params.id)),
  );

  app.delete<Id>(
    '/contacts/:id/lists',
    { config, schema: { ...doc('v2DeleteContactFromLists', 'Remove a contact from every list (v2)'), params: IdParams, querystring: ApiKeyQuery, response: empty } },
    async (request, reply) => reply.status(204).send(await v2.contacts.removeFromLists(request.auth.accountId, request.params.id)),
  );

  app.delete<{ Params: Static<typeof ListIdParams> }>(
    '/contacts/:id/lists/:listId',
    { config, schema: { ...doc('v2DeleteContactFromList', 'Remove a contact from one list (v2)'), params: ListIdParams, querystring: ApiKeyQuery, response: empty } },
    async (request, reply) =>
      reply.status(204).send(await v2.contacts.removeFromLists(request.auth.accountId, request.params.id, request.params.listId)),
  );
}
