// Where a page may send the browser after sign-in: only a path on this server, never another origin.
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > 2048) return fallback;
  // A single leading slash, no scheme-relative `//host` nor `/\host`, no control characters.
  if (!/^\/(?![/\\])[^\s]*$/.test(value)) return fallback;
  return value;
}
