// The API Tester: /explorer (the page), /explorer/authorize (starts Get Access Token in its window) and
// /explorer/callback (the tester's redirect URI, allowed for every app, which exchanges the code).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { sendPage } from '../../web/layout.ts';
import type { WebSessions } from '../../web/sessions.ts';
import type { AppsService } from '../apps/apps.service.ts';
import { currentDeveloper } from '../developers/developers.routes.ts';
import type { DevelopersService } from '../developers/developers.service.ts';
import type { ExchangeCredentials } from './exchange-credentials.ts';
import { createExplorerService, type FlowState } from './explorer.service.ts';
import { callbackErrorPage, callbackPage, explorerPage } from './explorer.views.ts';

type Deps = {
  apps: AppsService;
  developers: DevelopersService;
  sessions: WebSessions;
  credentials: ExchangeCredentials;
  publicUrl: string;
};

type Query = Record<string, string | undefined>;

export default async function explorerRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const secure = deps.publicUrl.startsWith('https://');
  const cookieName = `${secure ? '__Host-' : ''}lg_explorer`;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;
  const host = new URL(deps.publicUrl).host;
  // The code is exchanged through the real token endpoint, in-process (app.inject): same checks as any
  // client, and the one-time credential never leaves this node.
  const explorer = createExplorerService({
    apps: deps.apps,
    publicUrl: deps.publicUrl,
    credentials: deps.credentials,
    callTokenEndpoint: async (form, headers) => {
      const res = await app.inject({
        method: 'POST',
        url: '/oauth2/token',
        headers: { ...headers, host, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        payload: form.toString(),
      });
      return { status: res.statusCode, body: res.body };
    },
  });
  const hide = { schema: { hide: true } };
  const developerId = async (request: FastifyRequest) => (await currentDeveloper(request, deps))?.id ?? null;

  function readFlow(request: FastifyRequest, reply: FastifyReply): FlowState | null {
    const raw = request.cookies[cookieName];
    reply.clearCookie(cookieName, cookieOptions);
    try {
      const flow = JSON.parse(Buffer.from(raw ?? '', 'base64url').toString('utf8')) as FlowState;
      return typeof flow.state === 'string' && typeof flow.verifier === 'string' && typeof flow.clientId === 'string' ? flow : null;
    } catch {
      return null;
    }
  }

  function showError(reply: FastifyReply, error: unknown) {
    if (error instanceof AppError) return sendPage(reply, callbackErrorPage(error));
    throw error;
  }

  app.get('/explorer', hide, async (request, reply) => {
    const developer = await currentDeveloper(request, deps);
    const apps = developer ? (await deps.apps.listApps({ ownerDeveloperId: developer.id })).filter((a) => a.status === 'active') : [];
    return sendPage(reply, explorerPage({ email: developer?.email ?? null, apps, selected: (request.query as Query).key }));
  });

  app.get('/explorer/authorize', hide, async (request, reply) => {
    try {
      const { url, flow } = await explorer.start(await developerId(request), (request.query as Query).client_id);
      reply.setCookie(cookieName, Buffer.from(JSON.stringify(flow)).toString('base64url'), { ...cookieOptions, maxAge: 600 });
      return reply.header('Cache-Control', 'no-store').redirect(url, 303);
    } catch (error) {
      return showError(reply, error);
    }
  });

  app.get('/explorer/callback', hide, async (request, reply) => {
    try {
      const token = await explorer.complete(await developerId(request), readFlow(request, reply), request.query as Query);
      return sendPage(reply, callbackPage(token));
    } catch (error) {
      return showError(reply, error);
    }
  });
}
