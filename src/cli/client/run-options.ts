// Options shared by the client commands: the retry policy, whether to talk to a person or a machine, and
// strict parsing of numeric flags.
import { CliError, EXIT } from '../exit-codes.ts';
import { defaultRetryPolicy, type RetryPolicy } from './http-client.ts';

export function intOption(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`, EXIT.USAGE);
  }
  return n;
}

export function retryPolicy(retries: string | undefined): RetryPolicy {
  const count = intOption('--retries', retries, 0, 20) ?? defaultRetryPolicy.retries;
  return {
    ...defaultRetryPolicy,
    retries: count,
    onRetry: ({ attempt, delayMs, reason }) => {
      if (process.stderr.isTTY)
        process.stderr.write(
          `\nlistgate: ${reason}; retry ${attempt}/${count} in ${(delayMs / 1000).toFixed(1)} s\n`,
        );
    },
  };
}

/** A person is watching: stderr is a terminal and JSON was not asked for. */
export function interactive(json: boolean | undefined): boolean {
  return !json && Boolean(process.stderr.isTTY);
}

export function formatDuration(seconds: number): string {
  if (seconds >= 86_400 * 365) return `${(seconds / (86_400 * 365)).toFixed(1)} years`;
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)} days`;
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min`;
  return `${seconds} s`;
}
