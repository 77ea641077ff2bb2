// The page a contact reaches from the resubscribe confirmation email: GET shows a button (a mail scanner's
// prefetch changes nothing), POST confirms and subscribes the contact again.
import type { FastifyInstance } from 'fastify';
import { html } from '../../shared/html.ts';
import { formOf } from '../../web/forms.ts';
import { csrfInput, notice, sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import type { ResubscribeService } from './resubscribe.service.ts';

const EXPIRED = 'This link is not valid or has expired. Ask the sender for a new one.';

export default async function resubscribePageRoutes(
  app: FastifyInstance,
  opts: { resubscribe: ResubscribeService; sessions: WebSessions },
): Promise<void> {
  const { resubscribe, sessions } = opts;
  const page = (status: number, body: ReturnType<typeof html>) => ({ title: 'Subscribe again', status, narrow: true, body });

  app.get<{ Querystring: { token?: string } }>('/contacts/resubscribe', async (request, reply) => {
    const token = request.query.token;
    if (!resubscribe.readLink(token)) return sendPage(reply, page(400, html`<h1>Subscribe again</h1>${notice('error', EXPIRED)}`));
    const form = html`<form method="post" action="/contacts/resubscribe">${csrfInput(sessions.csrfToken(request, reply))}
      <input type="hidden" name="token" value="${token ?? ''}"><button type="submit">Yes, subscribe me again</button></form>`;
    return sendPage(reply, page(200, html`<h1>Subscribe again</h1><p>Confirm that you want to receive these emails again.</p>${form}`));
  });

  app.post('/contacts/resubscribe', { preHandler: sessions.verifyCsrf }, async (request, reply) => {
    const result = await resubscribe.confirmResubscribe(formOf(request.body).token);
    if (result === 'invalid') return sendPage(reply, page(400, html`<h1>Subscribe again</h1>${notice('error', EXPIRED)}`));
    return sendPage(reply, page(200, html`<h1>You are subscribed again</h1>${notice('success', 'Thank you: you will receive these emails again.')}`));
  });
}
