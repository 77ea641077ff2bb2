// Scopes in words, as the consent page shows them to a customer.
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  contact_data: 'Read and change your contacts, lists, tags and custom fields',
  account_read: 'See your account details (organization name, contact email, time zone)',
  account_update: 'Change your account details',
  offline_access: 'Stay connected when you are not using the app, until you revoke its access',
  openid: 'Know which Listgate user you are',
  profile: 'See your name',
  email: 'See your email address',
};

export function describeScopes(scopes: Iterable<string>): string[] {
  return [...new Set(scopes)].map((s) => SCOPE_DESCRIPTIONS[s]).filter((d): d is string => Boolean(d));
}

/** "10 years", "1 hour", "30 days": how long a token lasts, in words. */
export function describeDuration(seconds: number): string {
  const units: [number, string][] = [
    [31_536_000, 'year'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const n = Math.round(seconds / size);
    if (seconds >= size * 0.99) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}
