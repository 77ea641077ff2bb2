// /v3/contact_custom_fields: list, create, read, replace and delete custom contact fields.
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  CustomField,
  CustomFieldPage,
  CustomFieldParams,
  CustomFieldPostBody,
  CustomFieldPutBody,
  CustomFieldsQuery,
} from './custom-fields.schemas.ts';
import type { CustomFieldsService } from './custom-fields.service.ts';

type Params = { Params: Static<typeof CustomFieldParams> };

export default async function customFieldRoutes(
  app: FastifyInstance,
  opts: { customFields: CustomFieldsService },
): Promise<void> {
  const { customFields } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;
  const doc = (operationId: string, summary: string) => ({ operationId, summary });

  app.get<{ Querystring: Static<typeof CustomFieldsQuery> }>(
    '/contact_custom_fields',
    {
      config,
      schema: { ...doc('getAllCustomFields', 'List custom fields'), querystring: CustomFieldsQuery, response: { 200: CustomFieldPage } },
    },
    (request) => customFields.listCustomFields(request.auth.accountId, request.query),
  );

  app.post<{ Body: Static<typeof CustomFieldPostBody> }>(
    '/contact_custom_fields',
    { config, schema: { ...doc('createCustomFields', 'Create a custom field'), body: CustomFieldPostBody, response: { 201: CustomField } } },
    async (request, reply) => reply.status(201).send(await customFields.createCustomField(request.auth.accountId, request.body)),
  );

  app.get<Params>(
    '/contact_custom_fields/:custom_field_id',
    { config, schema: { ...doc('getCustomField', 'Get a custom field'), params: CustomFieldParams, response: { 200: CustomField } } },
    (request) => customFields.getCustomField(request.auth.accountId, request.params.custom_field_id),
  );

  app.put<Params & { Body: Static<typeof CustomFieldPutBody> }>(
    '/contact_custom_fields/:custom_field_id',
    {
      config,
      schema: {
        ...doc('updateCustomField', 'Replace a custom field'),
        params: CustomFieldParams,
        body: CustomFieldPutBody,
        response: { 200: CustomField },
      },
    },
    (request) => customFields.updateCustomField(request.auth.accountId, request.params.custom_field_id, request.body),
  );

  app.delete<Params>(
    '/contact_custom_fields/:custom_field_id',
    {
      config,
      schema: {
        ...doc('deleteCustomField', 'Delete a custom field and its values'),
        params: CustomFieldParams,
        response: { 204: Type.Null({ description: 'Deleted' }) },
      },
    },
    async (request, reply) => {
      await customFields.deleteCustomField(request.auth.accountId, request.params.custom_field_id);
      return reply.status(204).send();
    },
  );
}
