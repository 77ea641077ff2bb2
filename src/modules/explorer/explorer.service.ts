// The API Tester's "Get Access Token": an authorization-code + PKCE (S256) flow for the selected app with
// the tester's own redirect URI, whose code the server exchanges in-process at the real token endpoint.
import { createHash } from 'node:crypto';
import { API_SCOPES } from '../../api-auth/scopes.ts';
import { AppError } from '../../errors.ts';
import { randomToken, safeEqual } from '../../shared/crypto.ts';
import type { AppsService, AppView } from '../apps/apps.service.ts';
import type { ExchangeCredentials } from './exchange-credentials.ts';

/** The scopes of the contacts API: the tester asks for all of them, like the legacy tester did. */
export const EXPLORER_SCOPES = API_SCOPES.join(' ');

export type TokenEndpointCall = (form: URLSearchParams, headers: Record<string, string>) => Promise<{ status: number; body: string }>;

export type FlowState = { state: string; verifier: string; clientId: string };

export type ExplorerToken = { access_token: string; token_type: string; expires_in: number; scope: string; client_id: string };


export function createExplorerService(deps: {
  apps: AppsService;
  publicUrl: string;
  credentials: ExchangeCredentials;
  callTokenEndpoint: TokenEndpointCall;
}) {
  const { apps, publicUrl, credentials, callTokenEndpoint } = deps;
  const redirectUri = `${publicUrl}/explorer/callback`;
  const issuer = `${publicUrl}/oauth2`;

  /** The developer's own active app that can take part in a browser redirect flow. */
  async function usableApp(developerId: string | null, clientId: unknown): Promise<AppView> {
    if (!developerId) {
      throw new AppError('UNAUTHORIZED', 'Sign in to your developer account first: the API Tester gets tokens for your own apps.');
    }
    const app = typeof clientId === 'string' && clientId ? await apps.getApp(clientId) : null;
    if (!app || app.owner_developer_id !== developerId) {
      throw new AppError('NOT_FOUND', 'This API key is not one of your apps. Pick one of your keys, or sign in with the developer account that owns it.');
    }
    if (app.status !== 'active') throw new AppError('FORBIDDEN', 'This app is disabled. Enable it on its settings page first.');
    if (app.kind !== 'web' && app.kind !== 'native') {
      throw new AppError(
        'FORBIDDEN',
        `A device app gets tokens with listgate login only. To use Get Access Token too, open its settings page (/developer/apps/${app.client_id}) and choose "Native app or script" under "Application kind": a native app works with both.`,
      );
    }
    return app;
  }

  /** Where to send the window, and the state to remember in the browser that started the flow. */
  async function start(developerId: string | null, clientId: unknown): Promise<{ url: string; flow: FlowState }> {
    const app = await usableApp(developerId, clientId);
    const flow: FlowState = { state: randomToken(24), verifier: randomToken(48), clientId: app.client_id };
    const challenge = createHash('sha256').update(flow.verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: redirectUri,
      scope: EXPLORER_SCOPES,
      state: flow.state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return { url: `/oauth2/auth?${query}`, flow };
  }

  /** Checks the redirect against the remembered flow and exchanges the code for a token. */
  async function complete(
    developerId: string | null,
    flow: FlowState | null,
    query: Record<string, string | undefined>,
  ): Promise<ExplorerToken> {
    if (!flow || !query.state || !safeEqual(query.state, flow.state)) {
      throw new AppError('VALIDATION', 'This sign-in did not start in this browser, or it took too long. Click Get Access Token again.');
    }
    // RFC 9207: the response must come from our own authorization server
    if (query.iss !== undefined && query.iss !== issuer) throw new AppError('VALIDATION', 'The response came from another authorization server.');
    if (query.error) {
      throw new AppError('FORBIDDEN', query.error === 'access_denied' ? 'Access was not allowed, so there is no token. Click Get Access Token to try again.' : `The authorization server said: ${query.error_description ?? query.error}`);
    }
    if (!query.code) throw new AppError('VALIDATION', 'The authorization server sent no code. Click Get Access Token again.');
    const app = await usableApp(developerId, flow.clientId);
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.code,
      redirect_uri: redirectUri,
      code_verifier: flow.verifier,
    });
    const headers: Record<string, string> = {};
    if (app.confidential) {
      const basic = Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(credentials.issue(app.client_id))}`);
      headers.authorization = `Basic ${basic.toString('base64')}`;
    } else {
      form.set('client_id', app.client_id);
    }
    const res = await callTokenEndpoint(form, headers);
    const body = JSON.parse(res.body) as Partial<ExplorerToken> & { error?: string; error_description?: string };
    if (res.status !== 200 || !body.access_token) {
      throw new AppError('VALIDATION', `The token request failed (${body.error ?? res.status}${body.error_description ? `: ${body.error_description}` : ''}). Click Get Access Token again.`);
    }
    return {
      access_token: body.access_token,
      token_type: body.token_type ?? 'Bearer',
      expires_in: Number(body.expires_in ?? 0),
      scope: body.scope ?? '',
      client_id: app.client_id,
    };
  }

  return { start, complete, redirectUri };
}
