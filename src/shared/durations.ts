// Durations in words, for pages that say how long a token lasts.

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
