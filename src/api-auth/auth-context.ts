// What the bearer check attaches to every authenticated API request: the account the token acts on, the
// app (client) that holds it, and its scopes. Client-credentials tokens act on the private app's account.
import type { ApiScope } from './scopes.ts';

export type AuthContext = {
  accountId: string;
  /** The customer user who granted the token; null for client-credentials tokens (the app acting as itself). */
  userId: string | null;
  clientId: string;
  scopes: ReadonlySet<string>;
  tokenKind: 'user' | 'client';
};

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
  interface FastifyContextConfig {
    /** The one scope an API route requires (see src/api-auth/README.md); checked by the api-auth plugin. */
    scope?: ApiScope;
  }
}

