// Password hashing (argon2id with OWASP's parameters) and the strength rule every sign-up form applies.
import { hash, verify } from '@node-rs/argon2';

// algorithm 2 = Argon2id (a const enum in the package's types, which verbatimModuleSyntax cannot inline)
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

// The most common passwords of public breach corpora that are long enough to pass the length rule.
const COMMON = new Set([
  '1234567890', '12345678910', 'qwertyuiop', 'password123', 'password12', 'password1234', '0123456789',
  '1q2w3e4r5t', 'qwerty1234', 'iloveyou123', 'abcdefghij', 'abc1234567', 'passw0rd123', 'letmein123',
  'welcome123', 'administrator', 'qwertyuiop123', '1qaz2wsx3edc', 'zaq12wsxcde3', 'q1w2e3r4t5',
  '9876543210', '1111111111', '0000000000', 'aaaaaaaaaa', 'football123', 'baseball123', 'sunshine123',
  'princess123', 'dragon12345', 'monkey12345', 'superman123', 'trustno1234', 'asdfghjkl1', 'asdfghjkl;',
  'changeme123', 'passwordpassword', 'qwerty123456', 'p@ssw0rd123', 'listgate123', 'password!!',
  'Password123', 'Password1!', 'Welcome1234', 'Qwerty12345', 'starwars123', 'whatever123', 'computer123',
]);

export function checkPasswordStrength(password: string, context: readonly string[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(password) || COMMON.has(lower)) return 'This password is too common; choose another';
  if (new Set(password).size < 4) return 'This password repeats too few characters; choose another';
  for (const word of context) {
    if (word && word.length >= 4 && lower.includes(word.toLowerCase())) {
      return 'The password must not contain your email address or name';
    }
  }
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the user is unknown, so both paths cost one argon2 verification (no timing oracle).
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('listgate-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
