// While the database is down (or its disk full), the authorization server answers 503
// `temporarily_unavailable` with Retry-After instead of oidc-provider's 500 `server_error`: the client
// should retry, not give up. Listens to the provider's public `server_error` event, which fires after the
// error body is set and before the response is sent.
import type Provider from 'oidc-provider';
import { classifyDatabaseError } from '../db/database-health.ts';
import { renderOauthError } from './error-page.ts';

const RETRY_AFTER_SECONDS = '5';

export function answerDatabaseFaults(provider: Provider): void {
  provider.on('server_error', (ctx, error) => {
    if (!classifyDatabaseError(error)) return;
    // RFC 6749 §4.1.2.1: temporarily_unavailable; the token endpoint answers it the same way.
    const out = { error: 'temporarily_unavailable', error_description: 'the authorization server cannot reach its storage; retry later' };
    ctx.status = 503;
    ctx.set('Retry-After', RETRY_AFTER_SECONDS);
    if (ctx.body && typeof ctx.body === 'object') ctx.body = out;
    else renderOauthError(ctx, out);
  });
}
