// The customer's side of an authorization: who is asking ("I already have an account" / create one),
// then the consent page naming the app, its publisher and the scopes in words, with Allow and Deny.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { CONTENT_SECURITY_POLICY } from '../http/security-headers.ts';
import type { AccountsService } from '../modules/accounts/accounts.service.ts';
import type { AppsService } from '../modules/apps/apps.service.ts';
import { html } from '../shared/html.ts';
import { csrfInput, sendPage } from '../web/layout.ts';
import type { WebSessions } from '../web/sessions.ts';
import { describeScopes } from '../api-auth/scopes.ts';
import { describeDuration } from '../shared/durations.ts';
import { OFFLINE_CONSENT_IMPLIED } from './provider.ts';

/**
 * The app's logo when it is an https URL on the host of one of the app's own redirect URIs; null otherwise,
 * so a consent page never makes the customer's browser call a third party the app merely named.
 */
export function consentLogo(app: { logo_uri: string | null; redirect_uris: readonly string[] }): { src: string; origin: string } | null {
  const logo = app.logo_uri ? URL.parse(app.logo_uri) : null;
  if (logo?.protocol !== 'https:' || logo.username || logo.password) return null;
  const own = app.redirect_uris.some((uri) => URL.parse(uri)?.origin === logo.origin);
  return own ? { src: logo.href, origin: logo.origin } : null;
}

/** What a consent tells the audit log (the composition root records it). */
export type ConsentEvent = { userId: string; clientId: string; grantId: string; scopes: string[]; ip: string; userAgent: string | null };

type Deps = { provider: Provider; sessions: WebSessions; accounts: AccountsService; apps: AppsService; onConsent(event: ConsentEvent): Promise<void> };
type Params = { Params: { uid: string } };
type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

export default async function interactionRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const { provider, sessions, accounts, apps } = deps;
  const noStore = { schema: { hide: true } };

  /** Hands the result to the provider and sends the browser on (303: never re-post the form). */
  async function finish(request: FastifyRequest, reply: FastifyReply, result: Record<string, unknown>, merge = false) {
    const to = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
    return reply.header('Cache-Control', 'no-store').redirect(to, 303);
  }

  function expired(reply: FastifyReply) {
    return sendPage(reply, {
      title: 'Request expired',
      narrow: true,
      status: 400,
      body: html`<h1>This sign-in request has expired</h1><p>Go back to the app and start again.</p>`,
    });
  }

  async function load(request: FastifyRequest, reply: FastifyReply): Promise<Details | null> {
    try {
      return await provider.interactionDetails(request.raw, reply.raw);
    } catch {
      return null;
    }
  }

  function chooseAccountPage(request: FastifyRequest<Params>, reply: FastifyReply, appName: string) {
    const returnTo = encodeURIComponent(`/interaction/${request.params.uid}`);
    return sendPage(reply, {
      title: 'Sign in to continue',
      narrow: true,
      body: html`<h1>Sign in to continue</h1>
<div class="card">
  <p><strong>${appName}</strong> wants to connect to your Listgate account.</p>
  <div class="actions">
    <a class="button" href="/account/sign-in?return_to=${returnTo}">I already have an account</a>
    <a class="button secondary" href="/account/sign-up?return_to=${returnTo}">Create an account</a>
  </div>
</div>`,
    });
  }

  app.get<Params>('/interaction/:uid', noStore, async (request, reply) => {
    const details = await load(request, reply);
    if (!details || details.uid !== request.params.uid) return expired(reply);
    const client = await apps.getApp(String(details.params.client_id));
    if (!client) return expired(reply);
    const userId = await sessions.current(request, 'account');
    if (!userId) return chooseAccountPage(request, reply, client.name);
    // The signed-in Listgate user is the one who authorizes, whatever an older provider session says.
    if (details.prompt.name === 'login' || details.session?.accountId !== userId) {
      return finish(request, reply, { login: { accountId: userId } });
    }
    const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]>; missingOIDCClaims?: string[] };
    // offline_access asked without `prompt` (oauth.plugin.ts): a customer who already allowed all of it is not asked again
    const allowedBefore = !prompt.missingOIDCScope?.length && !Object.keys(prompt.missingResourceScopes ?? {}).length && !prompt.missingOIDCClaims?.length;
    if (details.params[OFFLINE_CONSENT_IMPLIED] === '1' && details.grantId && allowedBefore) {
      return finish(request, reply, { consent: { grantId: details.grantId } }, true);
    }
    const user = await accounts.getUser(userId);
    // Every scope the app receives, also those granted before (the prompt names only the missing ones).
    const requested = String(details.params.scope ?? '').split(' ').filter(Boolean);
    const scopes = [...requested, ...(prompt.missingOIDCScope ?? []), ...Object.values(prompt.missingResourceScopes ?? {}).flat()];
    const publisher = await apps.getPublisherName(client);
    const csrf = sessions.csrfToken(request, reply);
    const uid = request.params.uid;
    const logo = consentLogo(client);
    // The logo loads from the app's own host only, and the CSP names exactly that origin (never `https:`).
    if (logo) reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", `img-src 'self' data: ${logo.origin}`));
    return sendPage(reply, {
      title: `Allow ${client.name}?`,
      narrow: true,
      body: html`<h1>Allow ${client.name} to use your account?</h1>
<div class="card">
  ${logo ? html`<img src="${logo.src}" alt="" width="64" height="64">` : ''}
  <p><strong>${client.name}</strong>${publisher ? html` by ${publisher}` : ''} is asking to:</p>
  <ul class="scopes">${describeScopes(scopes).map((d) => html`<li>${d}</li>`)}</ul>
  ${client.description ? html`<p class="muted">${client.description}</p>` : ''}
  <p class="muted">Its access lasts ${describeDuration(client.access_token_ttl)} unless you revoke it under Connected apps.
  You are signed in as <strong>${user?.email ?? ''}</strong>.</p>
  <div class="actions">
    <form method="post" action="/interaction/${uid}/confirm">${csrfInput(csrf)}<button type="submit">Allow</button></form>
    <form method="post" action="/interaction/${uid}/deny">${csrfInput(csrf)}<button type="submit" class="secondary">Deny</button></form>
  </div>
</div>`,
    });
  });

  app.post<Params>('/interaction/:uid/confirm', { ...noStore, preHandler: sessions.verifyCsrf }, async (request, reply) => {
    const details = await load(request, reply);
    const userId = await sessions.current(request, 'account');
    if (!details || details.uid !== request.params.uid || details.prompt.name !== 'consent') return expired(reply);
    if (!userId || details.session?.accountId !== userId) return reply.redirect(`/interaction/${details.uid}`, 303);
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId: userId, clientId: String(details.params.client_id) }))
      : new provider.Grant({ accountId: userId, clientId: String(details.params.client_id) });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await deps.onConsent({
      userId,
      clientId: String(details.params.client_id),
      grantId,
      scopes: [...(missing.missingOIDCScope ?? []), ...Object.values(missing.missingResourceScopes ?? {}).flat()],
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
    return finish(request, reply, { consent: { grantId } }, true);
  });

  app.post<Params>('/interaction/:uid/deny', { ...noStore, preHandler: sessions.verifyCsrf }, async (request, reply) => {
    const details = await load(request, reply);
    if (!details || details.uid !== request.params.uid) return expired(reply);
    return finish(request, reply, { error: 'access_denied', error_description: 'The customer did not allow access' });
  });
}
