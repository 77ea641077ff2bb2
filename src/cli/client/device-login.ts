// The device flow (RFC 8628), the default way to sign in: works over SSH on a machine with no browser.
// Prints where to approve (and a QR code on a terminal), then polls at the server's interval.
import { printJson } from '../output.ts';
import { refusedKeyError } from './app-kind-check.ts';
import { oauthFailure, oidc, type TokenSet, toTokenSet } from './oauth-client.ts';

type Output = { json: boolean; tty: boolean };

async function qrCode(text: string): Promise<string> {
  const { default: qrcode } = await import('qrcode-terminal');
  return new Promise((resolve) => qrcode.generate(text, { small: true }, resolve));
}

export async function deviceLogin(
  config: oidc.Configuration,
  server: string,
  scope: string,
  out: Output,
): Promise<TokenSet> {
  let started: oidc.DeviceAuthorizationResponse;
  try {
    started = await oidc.initiateDeviceAuthorization(config, { scope });
  } catch (error) {
    const failure = oauthFailure(error, { server, step: 'device authorization' });
    if (!/\binvalid_client\b/.test(failure.message)) throw failure;
    throw await refusedKeyError(server, config.clientMetadata().client_id, failure);
  }
  const complete = started.verification_uri_complete ?? started.verification_uri;
  if (out.json) {
    printJson({
      verification_uri: started.verification_uri,
      verification_uri_complete: complete,
      user_code: started.user_code,
      expires_in: started.expires_in,
      interval: started.interval ?? 5,
    });
  } else {
    const lines = [
      '',
      `  To sign in, open ${started.verification_uri}`,
      `  and enter the code ${started.user_code}`,
      ...(started.verification_uri_complete ? [`  (or open ${started.verification_uri_complete})`] : []),
      '',
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    if (out.tty) process.stderr.write(`${await qrCode(complete)}\n`);
    process.stderr.write(
      `  Waiting for approval (the code expires in ${Math.round(started.expires_in / 60)} min)…\n`,
    );
  }
  try {
    // openid-client waits `interval` between polls and adds 5 s on slow_down (RFC 8628 §3.5).
    return toTokenSet(await oidc.pollDeviceAuthorizationGrant(config, started), scope);
  } catch (error) {
    const err = error as { error?: string; code?: string };
    const why =
      err.error === 'access_denied'
        ? 'the sign-in was denied on the approval page'
        : err.error === 'expired_token' ||
            err.code === 'OAUTH_TIMEOUT' ||
            (error as Error).name === 'TimeoutError'
          ? 'the code expired before anyone approved it; run login again'
          : null;
    throw oauthFailure(error, { server, step: 'device sign-in', ...(why ? { hint: why } : {}) });
  }
}
