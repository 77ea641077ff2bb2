// Exit codes of every `listgate` command, documented in `--help` and docs/cron.md. Each code asks for a
// different response from whoever watches a cron job: fix the command, sign in again, or just wait.
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
  /** An import completed, but some rows were refused (listed in the errors file). */
  ROWS_REFUSED: 7,
} as const;

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'CliError';
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    unexpected failure
  2    bad arguments or local file (damaged state file, unwritable output): fix the command or file
  3    sign-in needed (credentials missing, damaged, revoked or expired): run the \`listgate login\` shown
  4    another run holds the lock (the previous run is still going): nothing to do
  5    server unreachable, rate-limited or failing after retries: the next run retries
  6    the server refused the request (unknown list id, invalid input) or the import failed: fix it
  7    (import) done, but some rows were refused: see FILE.errors.csv
  130  interrupted (Ctrl+C; 143 for SIGTERM): the output file is unchanged`;
