// Where a page may send the browser after sign-in: only a path on this server, never another origin.
// Every redirect target that comes from a request passes through here.
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > 2048) return fallback;
  // A single leading slash, no scheme-relative `//host` nor `/\host`, and printable ASCII only: a control
  // character (`/%01` once decoded) or a non-ASCII one would make the Location header invalid (a 500).
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value)) return fallback;
  return value;
}
