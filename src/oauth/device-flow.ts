// The device authorization grant (RFC 8628) around oidc-provider, which lacks parts of it: `interval` and
// our /device address in the authorization response, polling limits, and a cap on wrong user codes per IP.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Clock } from '../shared/clock.ts';
import type { CounterStore } from '../shared/counter-store.ts';
import { html } from '../shared/html.ts';
import { notice, renderPage } from '../web/layout.ts';
import { DEVICE_CODE_GRANT, type DevicePolling, POLL_INTERVAL } from './device-polling.ts';
import { tokenParams } from './token-request.ts';

/** RFC 8628 §5.1: user codes are short, so wrong guesses are limited (per client IP). */
export const WRONG_CODE_LIMIT = 5;
export const WRONG_CODE_WINDOW_MS = 15 * 60_000;

type Ctx = KoaContextWithOIDC;
type Next = () => Promise<unknown>;

export type DeviceFlowDeps = { polling: DevicePolling; counters: CounterStore; clock: Clock; publicUrl: string };

const wrongCodeKey = (ctx: Ctx) => `device-user-code:${ctx.ip}`;

/** Counts a wrong, expired or used user code entered on the verification page. */
export function recordWrongCode(counters: CounterStore, ctx: Ctx): Promise<unknown> {
  return counters.hit(wrongCodeKey(ctx), WRONG_CODE_WINDOW_MS);
}

function oauthError(ctx: Ctx, error: string, description: string, extra: Record<string, unknown> = {}): void {
  ctx.status = 400;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error, error_description: description, ...extra };
}

/** RFC 8628 §3.5: polls too close together get slow_down; an expired device code gets expired_token. */
async function pollStep(ctx: Ctx, next: Next, polling: DevicePolling): Promise<unknown> {
  const params = tokenParams(ctx.req);
  const deviceCode = params?.get('device_code');
  if (params?.get('grant_type') !== DEVICE_CODE_GRANT || !deviceCode) return next();
  const verdict = await polling.check(deviceCode);
  if (!verdict) return next();
  if (verdict.error === 'expired_token') return oauthError(ctx, 'expired_token', 'the device code has expired; start again');
  return oauthError(ctx, 'slow_down', `poll at most every ${verdict.interval} seconds`, { interval: verdict.interval });
}

/** After too many wrong user codes from one IP, every submission is refused, even a right code. */
async function userCodeStep(ctx: Ctx, next: Next, deps: DeviceFlowDeps): Promise<unknown> {
  const { count, resetAt } = await deps.counters.peek(wrongCodeKey(ctx), WRONG_CODE_WINDOW_MS);
  if (count < WRONG_CODE_LIMIT) return next();
  ctx.status = 429;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Retry-After', String(Math.max(1, Math.ceil((resetAt - deps.clock.now().getTime()) / 1000))));
  ctx.body = renderPage({
    title: 'Too many attempts',
    narrow: true,
    body: html`<h1>Too many attempts</h1>
${notice('error', 'Too many codes were entered that did not match a device. Wait 15 minutes, then try again.')}`,
  });
}

/** Adds `interval` and points people at our /device page, which leads to the provider's form. */
function rewriteAuthorizationResponse(ctx: Ctx, publicUrl: string): void {
  const body = ctx.body as { device_code?: string; user_code?: string } | undefined;
  if (ctx.status !== 200 || !body?.device_code || !body.user_code) return;
  Object.assign(body, {
    verification_uri: `${publicUrl}/device`,
    verification_uri_complete: `${publicUrl}/device?user_code=${encodeURIComponent(body.user_code)}`,
    interval: POLL_INTERVAL,
  });
}

export function installDeviceFlowSteps(provider: Provider, deps: DeviceFlowDeps): void {
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    if (ctx.path === '/token') return pollStep(ctx as Ctx, next, deps.polling);
    if (ctx.path === '/device') return userCodeStep(ctx as Ctx, next, deps);
    await next();
    if (ctx.path === '/device/auth') rewriteAuthorizationResponse(ctx as Ctx, deps.publicUrl);
  });
}
