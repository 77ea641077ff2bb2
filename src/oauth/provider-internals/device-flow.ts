// Provider behaviour changed: the device authorization grant (RFC 8628), which oidc-provider leaves
// incomplete. Adds `interval` and our /device address to the authorization response and limits wrong user
// codes (per session, per IP, overall); keeps a device page's 4xx a 4xx when the provider then fails to
// save a session that was never stored (no cookie, or an expired one), which it would turn into a 500.
// (slow_down and expired_token on polls run before the provider, in oauth.plugin.ts.)
// Relies on: Koa middleware added with provider.use running before the provider's router; ctx.path being
// the provider-relative path; the session cookie name; the error middleware of the device routes rendering
// the page before the session is saved (see provider-internals.canary.test.ts).
import type { KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Clock } from '../../shared/clock.ts';
import type { CounterStore } from '../../shared/counter-store.ts';
import { sha256 } from '../../shared/crypto.ts';
import { slidingRetryAt } from '../../shared/sliding-window.ts';
import { html } from '../../shared/html.ts';
import { notice, renderPage } from '../../web/layout.ts';
import { POLL_INTERVAL } from '../device-polling.ts';

/**
 * RFC 8628 §5.1: user codes are short, so wrong guesses are limited. A session (the device page's cookie)
 * gets a few; an IP a larger budget, so that one person's typos or one attacker's session never lock out
 * the others behind the same address; a global cap bounds a guesser spread over many addresses. Counters
 * live in the counter store, so every node shares them when Redis is configured; each is a sliding window
 * of 15 minutes, so a budget spent at the end of one window is not granted again at the start of the next.
 */
export const WRONG_CODE_LIMITS = { session: 5, ip: 30, all: 1_000 } as const;
export const WRONG_CODE_WINDOW_MS = 15 * 60_000;

type Ctx = KoaContextWithOIDC;
type Next = () => Promise<unknown>;

export type DeviceFlowDeps = {
  counters: CounterStore;
  clock: Clock;
  publicUrl: string;
  /** The name of the provider's session cookie, which identifies one browser on the verification page. */
  sessionCookie: string;
};

type Scope = keyof typeof WRONG_CODE_LIMITS;

function wrongCodeKeys(ctx: Ctx, sessionCookie: string): [Scope, string][] {
  const session = ctx.cookies.get(sessionCookie) ?? '';
  return [
    ['session', `device-user-code:s:${sha256(session)}`],
    ['ip', `device-user-code:ip:${ctx.ip}`],
    ['all', 'device-user-code:all'],
  ];
}

/** Counts a wrong, expired or used user code entered on the verification page. */
export async function recordWrongCode(counters: CounterStore, ctx: Ctx, sessionCookie: string): Promise<void> {
  await Promise.all(wrongCodeKeys(ctx, sessionCookie).map(([, key]) => counters.hit(key, WRONG_CODE_WINDOW_MS)));
}

/** After too many wrong user codes in this session, from this IP or overall, every submission is refused. */
async function userCodeStep(ctx: Ctx, next: Next, deps: DeviceFlowDeps): Promise<unknown> {
  const now = deps.clock.now().getTime();
  let retryAt = 0;
  for (const [scope, key] of wrongCodeKeys(ctx, deps.sessionCookie)) {
    const windows = await deps.counters.peekWindows(key, WRONG_CODE_WINDOW_MS);
    retryAt = Math.max(retryAt, slidingRetryAt(windows, WRONG_CODE_WINDOW_MS, WRONG_CODE_LIMITS[scope], now));
  }
  if (retryAt === 0) return next();
  ctx.status = 429;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  const retryAfter = Math.max(1, Math.ceil((retryAt - now) / 1000));
  ctx.set('Retry-After', String(retryAfter));
  const minutes = Math.ceil(retryAfter / 60);
  ctx.body = renderPage({
    title: 'Too many attempts',
    narrow: true,
    body: html`<h1>Too many attempts</h1>
${notice('error', `Too many codes were entered that did not match a device. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`)}`,
  });
}

/**
 * oidc-provider renders the error page of a device page, then saves the session in a `finally`; a session
 * that was never stored (no cookie, or an expired one) makes that save throw, turning the 400 page into a
 * 500. The page already rendered is the right answer.
 */
async function keepRenderedClientError(ctx: Ctx, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (!(err instanceof TypeError) || ctx.status < 400 || ctx.status >= 500 || !ctx.body) throw err;
  }
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
    // GET /device and GET /device/:uid (the resume step, which also answers GET /device/auth)
    if (ctx.method !== 'POST') return ctx.path.startsWith('/device') ? keepRenderedClientError(ctx as Ctx, next) : next();
    if (ctx.path === '/device') return keepRenderedClientError(ctx as Ctx, () => userCodeStep(ctx as Ctx, next, deps));
    await next();
    if (ctx.path === '/device/auth') rewriteAuthorizationResponse(ctx as Ctx, deps.publicUrl);
  });
}
