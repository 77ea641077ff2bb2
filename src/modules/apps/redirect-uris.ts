// Redirect URI rules (RFC 9700 §2.1, RFC 8252 §7.3): exact strings; https, except http on the loopback
// interface for native apps; no fragments, wildcards or credentials.
export type RedirectKind = 'web' | 'native' | 'device' | 'private';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Returns an error message for an unacceptable redirect URI, or null when it may be registered. */
export function checkRedirectUri(value: string, kind: RedirectKind): string | null {
  if (value.length > 2000) return 'Redirect URIs must be at most 2000 characters';
  if (/\s/.test(value)) return 'Redirect URIs must not contain spaces';
  if (value.includes('*')) return 'Redirect URIs must be exact; wildcards are not allowed';
  if (value.includes('#')) return 'Redirect URIs must not contain a fragment (#…)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter an absolute URI such as https://example.com/callback';
  }
  if (url.username || url.password) return 'Redirect URIs must not contain a user name or password';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    if (kind === 'native' && LOOPBACK_HOSTS.has(url.hostname)) return null;
    return kind === 'native'
      ? 'http is allowed only on the loopback interface (http://127.0.0.1:PORT/…); use https'
      : 'Use https; http is allowed only for native apps on the loopback interface';
  }
  if (kind === 'native' && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) {
    // RFC 8252 §7.1: private-use schemes in reverse domain notation (com.example.app:/callback)
    return null;
  }
  return 'Redirect URIs must use https (or a reverse-domain private scheme for native apps)';
}
