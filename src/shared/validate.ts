// Small validators shared by services: normalised emails, bounded strings without control characters.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"_]{1,253}\.[a-z]{2,63}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The longest email address accepted: 64 characters, @, 255 for the domain (RFC 5321 §4.5.3.1). */
export const EMAIL_MAX = 320;

export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return email.length <= EMAIL_MAX && EMAIL.test(email) ? email : null;
}

/** A trimmed single-line string of 1..max characters, or null when absent, too long or with control chars. */
export function cleanText(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text || text.length > max || CONTROL.test(text)) return null;
  return text;
}

export function hasControlChars(value: string): boolean {
  return CONTROL.test(value);
}
