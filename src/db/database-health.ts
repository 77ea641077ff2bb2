// What a database error means for a client (the database cannot be reached: 503, retry; it cannot store
// more: 507, disk full), and the node's view of the database's health, logged once per episode.

export type DatabaseFault = 'unavailable' | 'storage_full';

export type HealthLog = {
  error(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
};

/** node-postgres and socket errors that mean the connection, not the query, failed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Cannot use a pool after calling end/;
/** SQLite primary result codes (the low byte of an extended code). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;
const SQLITE_CANTOPEN = 14;

export function classifyDatabaseError(error: unknown, depth = 0): DatabaseFault | null {
  if (!error || typeof error !== 'object' || depth > 3) return null;
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // PostgreSQL disk_full (SQLSTATE 53100)
  if (code === '53100') return 'storage_full';
  if (code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    const primary = e.errcode & 0xff;
    if (primary === SQLITE_FULL) return 'storage_full';
    if ([SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN].includes(primary)) return 'unavailable';
    return null;
  }
  // SQLSTATE class 08: connection exception
  if (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return 'unavailable';
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return 'unavailable';
  return classifyDatabaseError(e.cause, depth + 1);
}

export type DatabaseHealth = {
  /** Set while writes fail for lack of space; /ready answers 503 meanwhile. */
  readonly storageFull: boolean;
  readonly unavailable: boolean;
  /** Records a failure; the first of an episode is logged with its cause. */
  failed(fault: DatabaseFault, error: unknown): void;
  /** Ends an episode (logged once). */
  recovered(fault: DatabaseFault): void;
};

const FAILED: Record<DatabaseFault, string> = {
  unavailable: 'the database cannot be reached: requests that need it answer 503 until it answers again',
  storage_full: 'the database cannot write: its disk is full; writes answer 507 and /ready 503 until space is freed',
};
const RECOVERED: Record<DatabaseFault, string> = {
  unavailable: 'the database answers again',
  storage_full: 'the database can write again',
};

export function createDatabaseHealth(log?: HealthLog): DatabaseHealth {
  const since: Record<DatabaseFault, number | null> = { unavailable: null, storage_full: null };
  return {
    get storageFull() {
      return since.storage_full !== null;
    },
    get unavailable() {
      return since.unavailable !== null;
    },
    failed(fault, error) {
      if (since[fault] !== null) return;
      since[fault] = Date.now();
      log?.error({ err: error }, FAILED[fault]);
    },
    recovered(fault) {
      const start = since[fault];
      if (start === null) return;
      since[fault] = null;
      log?.info({ seconds: Math.round((Date.now() - start) / 1000) }, RECOVERED[fault]);
    },
  };
}
