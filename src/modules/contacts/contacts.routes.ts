// /v3/contacts: the collection with every filter, CRUD, the sign-up form, counts, and the change feed.
// Registered inside the /v3 scope (JSON bodies only); every route needs the contact_data scope.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sendJsonChunks } from '../../http/json-body.ts';
import { ChangesPage, ChangesQuery } from './contact-changes.schemas.ts';
import {
  Contact,
  ContactCounts,
  ContactPage,
  ContactParams,
  ContactQuery,
  ContactsQuery,
  ContactXrefs,
  CountsQuery,
  SignUpResult,
  XrefsQuery,
} from './contacts.schemas.ts';
import type { ContactsService } from './contacts.service.ts';
import { ContactCreateBody, ContactUpdateBody, SignUpBody } from './contact-bodies.schemas.ts';

type Params = { Params: Static<typeof ContactParams> };

export default async function contactRoutes(
  app: FastifyInstance,
  opts: { contacts: ContactsService },
): Promise<void> {
  const { contacts } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary });
  // Pages of up to 500 contacts come from the service as the body's JSON text, sent as it is (the schemas
  // document them; nothing is compiled to serialise them).
  const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

  app.get<{ Querystring: Static<typeof ContactsQuery> }>(
    '/contacts',
    {
      config,
      serializerCompiler,
      schema: {
        ...doc('getAllContacts', 'List contacts'),
        querystring: ContactsQuery,
        response: { 200: ContactPage },
      },
    },
    async (request, reply) =>
      sendJsonChunks(reply, await contacts.listContactsJson(request.auth.accountId, request.query)),
  );

  app.post<{ Body: Static<typeof ContactCreateBody> }>(
    '/contacts',
    {
      config,
      schema: {
        ...doc('createContact', 'Create a contact'),
        body: ContactCreateBody,
        response: { 201: Contact },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await contacts.createContact(request.auth.accountId, request.body)),
  );

  app.get<{ Querystring: Static<typeof CountsQuery> }>(
    '/contacts/counts',
    {
      config,
      schema: {
        ...doc('getContactCounts', 'Count contacts by permission'),
        querystring: CountsQuery,
        response: { 200: ContactCounts },
      },
    },
    (request) => contacts.countContacts(request.auth.accountId, request.query.include),
  );

  app.get<{ Querystring: Static<typeof XrefsQuery> }>(
    '/contacts/contact_id_xrefs',
    {
      config,
      schema: {
        ...doc('getContactIdXrefs', 'Map legacy v2 contact ids to contact ids'),
        querystring: XrefsQuery,
        response: { 200: ContactXrefs },
      },
    },
    (request) => contacts.contactIdXrefs(request.auth.accountId, request.query.sequence_ids),
  );

  app.get<{ Querystring: Static<typeof ChangesQuery> }>(
    '/contacts/changes',
    {
      config,
      serializerCompiler,
      schema: {
        ...doc('getContactChanges', 'Changes since a sync token (change feed)'),
        description:
          "Every contact change since `sync_token`, in order, each with the contact's current state or a tombstone.",
        querystring: ChangesQuery,
        response: { 200: ChangesPage },
      },
    },
    async (request, reply) =>
      sendJsonChunks(reply, await contacts.readFeedJson(request.auth.accountId, request.query)),
  );

  app.post<{ Body: Static<typeof SignUpBody> }>(
    '/contacts/sign_up_form',
    {
      config,
      schema: {
        ...doc('createOrUpdateContact', 'Create or update a contact by email'),
        body: SignUpBody,
        response: { 200: SignUpResult, 201: SignUpResult },
      },
    },
    async (request, reply) => {
      const result = await contacts.signUp(request.auth.accountId, request.body);
      return reply.status(result.action === 'created' ? 201 : 200).send(result);
    },
  );

  app.get<Params & { Querystring: Static<typeof ContactQuery> }>(
    '/contacts/:contact_id',
    {
      config,
      schema: {
        ...doc('getContactById', 'Get a contact'),
        params: ContactParams,
        querystring: ContactQuery,
        response: { 200: Contact },
      },
    },
    (request) =>
      contacts.getContact(request.auth.accountId, request.params.contact_id, request.query.include),
  );

  app.put<Params & { Body: Static<typeof ContactUpdateBody> }>(
    '/contacts/:contact_id',
    {
      config,
      schema: {
        ...doc('updateContact', 'Replace a contact'),
        params: ContactParams,
        body: ContactUpdateBody,
        response: { 200: Contact },
      },
    },
    (request) => contacts.replaceContact(request.auth.accountId, request.params.contact_id, request.body),
  );

  app.delete<Params>(
    '/contacts/:contact_id',
    {
      config,
      schema: {
        ...doc('deleteContact', 'Delete a contact (soft delete)'),
        params: ContactParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await contacts.deleteContact(request.auth.accountId, request.params.contact_id);
      return reply.status(204).send();
    },
  );
}
