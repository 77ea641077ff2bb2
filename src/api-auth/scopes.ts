// The scopes registry: every scope declared once, as data. Enforcement (requireScope), the OpenAPI
// document, the consent and Connected apps pages, the API Tester and the CLI's --scope help all read it.

export type ScopeDeclaration = {
  name: string;
  /** What the consent page tells the customer the app will be able to do. */
  consent: string;
  /** What the scope allows, as the OpenAPI document and the CLI's help say it. */
  allows: string;
  /** API scopes guard /v3 (and /v2) routes; the others are OAuth or OpenID Connect scopes. */
  kind: 'api' | 'oauth' | 'openid';
};

export const SCOPE_REGISTRY = [
  {
    name: 'contact_data',
    consent: 'Read and change your contacts, lists, tags and custom fields',
    allows: 'Read and write contacts, lists, tags, custom fields and activities',
    kind: 'api',
  },
  {
    name: 'account_read',
    consent: 'See your account details (organization name, contact email, time zone)',
    allows: 'Read the account summary',
    kind: 'api',
  },
  { name: 'account_update', consent: 'Change your account details', allows: 'Update the account summary', kind: 'api' },
  {
    name: 'offline_access',
    consent: 'Stay connected when you are not using the app, until you revoke its access',
    allows: 'Receive a refresh token',
    kind: 'oauth',
  },
  { name: 'openid', consent: 'Know which Listgate user you are', allows: 'Receive an ID token naming the user', kind: 'openid' },
  { name: 'profile', consent: 'See your name', allows: 'Read the user\'s name (ID token claims)', kind: 'openid' },
  { name: 'email', consent: 'See your email address', allows: 'Read the user\'s email address (ID token claims)', kind: 'openid' },
] as const satisfies readonly ScopeDeclaration[];

type Declared = (typeof SCOPE_REGISTRY)[number];
export type ScopeName = Declared['name'];
/** A scope that guards API routes: the value of a route's `config.scope`. */
export type ApiScope = Extract<Declared, { kind: 'api' }>['name'];

const byName = new Map<string, ScopeDeclaration>(SCOPE_REGISTRY.map((s) => [s.name, s]));

export const API_SCOPES: readonly ApiScope[] = SCOPE_REGISTRY.flatMap((s) => (s.kind === 'api' ? [s.name] : []));
/** Scopes the authorization server registers besides the API's (oidc-provider's `scopes` setting). */
export const PROVIDER_SCOPES: readonly string[] = SCOPE_REGISTRY.flatMap((s) => (s.kind === 'api' ? [] : [s.name]));

/**
 * Scopes of the dialect that Listgate does not serve (no campaigns): a request that asks for one is not
 * refused; the scope is left out of the grant, and the token response's `scope` says what was granted
 * (RFC 6749 §3.3), so an app moved from the hosted platform signs in unchanged.
 */
export const UNSERVED_SCOPES: readonly string[] = ['campaign_data'];

/** A space-separated scope value without the unserved scopes (null stays null). */
export function withoutUnservedScopes(scope: string | null): string | null {
  if (scope === null) return null;
  return scope.split(' ').filter((s) => s !== '' && !UNSERVED_SCOPES.includes(s)).join(' ');
}

export function isKnownScope(name: string): name is ScopeName {
  return byName.has(name);
}

export function isApiScope(name: unknown): name is ApiScope {
  return typeof name === 'string' && byName.get(name)?.kind === 'api';
}

/** The consent wording of each known scope, in the order given, without repeats. */
export function describeScopes(scopes: Iterable<string>): string[] {
  return [...new Set(scopes)].flatMap((s) => {
    const found = byName.get(s);
    return found ? [found.consent] : [];
  });
}

/** `{ name: allows }` for the scopes of one kind or more (the OpenAPI flows' `scopes` object). */
export function scopeAllowances(kinds: readonly ScopeDeclaration['kind'][]): Record<string, string> {
  return Object.fromEntries(SCOPE_REGISTRY.filter((s) => kinds.includes(s.kind)).map((s) => [s.name, s.allows]));
}
