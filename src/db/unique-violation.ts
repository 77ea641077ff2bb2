// Recognises a unique-constraint violation on either dialect, so services can turn a lost race on a
// unique index (two requests creating the same email at once) into a 409 instead of a 500.
export function isUniqueViolation(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  // PostgreSQL SQLSTATE 23505; SQLite extended code 2067 (SQLITE_CONSTRAINT_UNIQUE) or 1555 (primary key).
  if (code === '23505' || errcode === 2067 || errcode === 1555) return true;
  return typeof message === 'string' && message.includes('UNIQUE constraint failed');
}
