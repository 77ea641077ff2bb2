// Exit codes of every `listgate` command, documented in `--help` and docs/cron.md.
export const EXIT = {
  OK: 0,
  /** Unexpected failure. */
  FAILURE: 1,
  /** Bad arguments or a bad local file (state, credentials, output path). */
  USAGE: 2,
  /** Sign-in needed: no credentials, or the server refused them (revoked, expired). */
  AUTH: 3,
  /** Another run holds the lock. */
  LOCKED: 4,
  /** The server is unreachable or kept failing after retries. */
  SERVER: 5,
  /** The server refused the request as invalid (unknown list, bad input). */
  REJECTED: 6,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  unexpected failure
  2  bad arguments or unreadable local file (state, credentials, output)
  3  sign-in needed: run \`listgate login\` again (credentials missing, revoked or expired)
  4  another run holds the lock (a previous run is still going)
  5  server unreachable or failing after retries
  6  the server refused the request (unknown list, invalid input)`;
