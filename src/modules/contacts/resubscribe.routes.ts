// PUT /v3/contacts/resubscribe/{contact_id}: sends the contact a confirmation email (see resubscribe.service.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Body, Uuid } from '../../http/api-schemas.ts';
import type { ResubscribeService } from './resubscribe.service.ts';

const Params = Type.Object({ contact_id: Uuid('The unsubscribed contact') });
const ResubscribeBody = Body(
  { list_ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 50, description: 'Lists to join once confirmed' }) },
  'The lists the contact asked to join again',
);

export default async function resubscribeRoutes(
  app: FastifyInstance,
  opts: { resubscribe: ResubscribeService },
): Promise<void> {
  app.put<{ Params: { contact_id: string }; Body: { list_ids: string[] } }>(
    '/contacts/resubscribe/:contact_id',
    {
      config: { scope: 'contact_data' },
      schema: {
        operationId: 'resubscribeContact',
        summary: 'Send an unsubscribed contact a confirmation email to subscribe again',
        description: 'Answers 204 once the email is sent; the contact becomes subscribed when it follows the link.',
        params: Params,
        body: ResubscribeBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await opts.resubscribe.requestResubscribe(request.auth.accountId, request.params.contact_id, request.body);
      return reply.status(204).send();
    },
  );
}
