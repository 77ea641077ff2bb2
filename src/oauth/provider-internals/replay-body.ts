// Provider behaviour changed: the token, introspection, revocation and device authorization endpoints read
// a form body that our pre-step (oauth.plugin.ts) has already read and rewritten (client_secret_post folded
// into HTTP Basic, the default client-credentials scope). Relies on: oidc-provider's body reader
// (lib/shared/selective_body.js) checking `req.readable` and iterating `req.iterator()`, and trusting
// content-length (see provider-internals.canary.test.ts).
import type { IncomingMessage } from 'node:http';

/** Hands `body` to the provider as if the request stream had not been read yet. */
export function replayBody(req: IncomingMessage, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  req.headers['content-length'] = String(bytes.length);
  Object.defineProperty(req, 'readable', { value: true, configurable: true });
  Object.defineProperty(req, 'iterator', {
    configurable: true,
    value: async function* replay() {
      yield bytes;
    },
  });
}
