// /v3/webhooks: the calling app's subscriptions on the token's account — create, list, read, change
// (re-enable), delete, rotate the secret — and the delivery log, resend and replay (scope contact_data).
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readiness } from '../../http/health.routes.ts';
import {
  AttemptList,
  ListenBatch,
  ListenQuery,
  ReplayBody,
  ReplayResult,
  ResendBody,
  Webhook,
  WebhookList,
  WebhookParams,
  WebhookPatchBody,
  WebhookPostBody,
  WebhookWithSecret,
} from './webhooks.schemas.ts';
import type { WebhooksService } from './webhooks.service.ts';

type Params = { Params: Static<typeof WebhookParams> };
const scopeOf = (request: FastifyRequest) => ({ accountId: request.auth.accountId, clientId: request.auth.clientId });
const doc = (operationId: string, summary: string) => ({ operationId, summary });

export default async function webhookRoutes(app: FastifyInstance, opts: { webhooks: WebhooksService; readiness?: Readiness }): Promise<void> {
  const { webhooks } = opts;
  // every route of this module needs the contact_data scope (src/api-auth/README.md)
  const config = { scope: 'contact_data' } as const;

  app.post<{ Body: Static<typeof WebhookPostBody> }>(
    '/webhooks',
    { config, schema: { ...doc('postWebhook', 'Subscribe to contact events'), body: WebhookPostBody, response: { 201: WebhookWithSecret } } },
    async (request, reply) => reply.status(201).send(await webhooks.createWebhook(scopeOf(request), request.body)),
  );

  app.get('/webhooks', { config, schema: { ...doc('getWebhooks', 'List the app’s subscriptions'), response: { 200: WebhookList } } }, (request) =>
    webhooks.listWebhooks(scopeOf(request)),
  );

  // Long polls end early (with what they have) when their client goes away or the server shuts down,
  // which otherwise would wait for them until the drain bound.
  const polls = new Set<AbortController>();
  const shutdownWatch = setInterval(() => {
    if (opts.readiness?.shuttingDown) for (const poll of polls) poll.abort();
  }, 100);
  shutdownWatch.unref();
  app.addHook('preClose', async () => {
    for (const poll of polls) poll.abort();
  });
  app.addHook('onClose', async () => clearInterval(shutdownWatch));
  /** Runs a long poll with a signal aborted when its client goes away or the server shuts down. */
  async function polling<T>(request: FastifyRequest, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    polls.add(controller);
    request.raw.socket?.once('close', abort);
    try {
      return await run(controller.signal);
    } finally {
      polls.delete(controller);
      request.raw.socket?.off('close', abort);
    }
  }

  // Development: the events a subscription would receive, long-polled, so no public endpoint is needed.
  app.get<{ Querystring: Static<typeof ListenQuery> }>(
    '/webhooks/listen',
    { config, schema: { ...doc('listenWebhookEvents', 'Long-poll the next events (development)'), querystring: ListenQuery, response: { 200: ListenBatch } } },
    (request) => polling(request, (signal) => webhooks.listen(scopeOf(request), request.query, signal)),
  );

  app.get<Params>(
    '/webhooks/:webhook_id',
    { config, schema: { ...doc('getWebhook', 'Get a subscription'), params: WebhookParams, response: { 200: Webhook } } },
    (request) => webhooks.getWebhook(scopeOf(request), request.params.webhook_id),
  );

  app.patch<Params & { Body: Static<typeof WebhookPatchBody> }>(
    '/webhooks/:webhook_id',
    { config, schema: { ...doc('patchWebhook', 'Change, disable or re-enable a subscription'), params: WebhookParams, body: WebhookPatchBody, response: { 200: Webhook } } },
    (request) => webhooks.updateWebhook(scopeOf(request), request.params.webhook_id, request.body),
  );

  app.delete<Params>(
    '/webhooks/:webhook_id',
    { config, schema: { ...doc('deleteWebhook', 'Delete a subscription'), params: WebhookParams, response: { 204: { type: 'null', description: 'Deleted' } } } },
    async (request, reply) => reply.status(204).send(await webhooks.deleteWebhook(scopeOf(request), request.params.webhook_id)),
  );

  app.post<Params>(
    '/webhooks/:webhook_id/rotate_secret',
    { config, schema: { ...doc('rotateWebhookSecret', 'Rotate the signing secret'), params: WebhookParams, response: { 200: WebhookWithSecret } } },
    (request) => webhooks.rotateSecret(scopeOf(request), request.params.webhook_id),
  );

  app.get<Params>(
    '/webhooks/:webhook_id/attempts',
    { config, schema: { ...doc('getWebhookAttempts', 'Recent delivery attempts'), params: WebhookParams, response: { 200: AttemptList } } },
    (request) => webhooks.listAttempts(scopeOf(request), request.params.webhook_id),
  );

  app.post<Params & { Body: Static<typeof ResendBody> }>(
    '/webhooks/:webhook_id/resend',
    { config, schema: { ...doc('resendWebhookEvent', 'Send one event again'), params: WebhookParams, body: ResendBody, response: { 202: { type: 'null', description: 'Queued: it goes out before the backlog' } } } },
    async (request, reply) => reply.status(202).send(await webhooks.resendEvent(scopeOf(request), request.params.webhook_id, request.body.event_id)),
  );

  app.post<Params & { Body: Static<typeof ReplayBody> }>(
    '/webhooks/:webhook_id/replay',
    { config, schema: { ...doc('replayWebhook', 'Send every change since a time again'), params: WebhookParams, body: ReplayBody, response: { 202: ReplayResult } } },
    async (request, reply) => reply.status(202).send(await webhooks.replaySince(scopeOf(request), request.params.webhook_id, request.body.since)),
  );
}
