// Configuration: the only reader of process.env. loadConfig() validates every variable once and returns a
// frozen Config; everything else receives it as an argument.
import { createHash } from 'node:crypto';
import path from 'node:path';

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Public base URL of this server, without a trailing slash (the OAuth issuer is `${publicUrl}/oauth2`). */
  publicUrl: string;
  dataDir: string;
  /** `sqlite:<file>` or `postgres://…` */
  databaseUrl: string;
  redisUrl: string | null;
  /** Secret used to derive cookie, cursor and CSRF keys. Random per data dir when not set. */
  secretKeys: readonly string[];
  smtpUrl: string | null;
  mailFrom: string;
  requireApiKey: boolean;
  trustProxy: boolean;
  /** On shutdown, how long a keep-alive connection must have carried nothing before it is closed. */
  shutdownIdleGraceSeconds: number;
  logLevel: string;
  /** Bound on how long a revoked token may still be accepted from a node's in-memory cache. */
  tokenCacheSeconds: number;
  rateLimit: Readonly<{ perSecond: number; perDay: number }>;
  /** The budget every customer account's apps share, beside each app's own limits (per-tenant fairness). */
  accountRateLimit: Readonly<{ perSecond: number; perDay: number }>;
  /** API usage per app and hour (src/modules/usage): collected in memory, flushed to the database. */
  usage: Readonly<{ collect: boolean; flushSeconds: number; retentionDays: number }>;
  /** Sign-in throttling and sign-up limits of the customer and developer pages. */
  credentialLimits: Readonly<{
    failuresPerEmail: number;
    failuresPerIp: number;
    failuresPerDevice: number;
    windowMs: number;
    signUpsPerIpPerHour: number;
  }>;
  /** Access-token lifetime given to apps that do not set one: the legacy 10 years. */
  defaultAccessTokenTtl: number;
  refreshGraceSeconds: number;
  /** Run bulk jobs inside `serve` (the default); false when `listgate worker` processes run them. */
  jobsInProcess: boolean;
  /** Superseded contact changes older than this are compacted away (older sync tokens get 410). */
  changeRetentionDays: number;
  /** Audit-log entries older than this are removed by the retention sweep (the log's only delete). */
  auditRetentionDays: number;
  /** Largest import file accepted (bytes); larger uploads answer 413. */
  importMaxBytes: number;
  /** How long an export's CSV stays downloadable before it is deleted. */
  exportTtlHours: number;
  /** A job whose runner has not written for this long is taken over by another runner. */
  jobStaleSeconds: number;
  /** Webhook delivery (src/modules/webhooks). */
  webhooks: WebhookConfig;
}>;

export type WebhookConfig = Readonly<{
  /** Allow http:// endpoints that resolve to a loopback address (development only). */
  allowHttpLoopback: boolean;
  /** Allow endpoints on private, loopback, link-local or metadata addresses (https unless the above). */
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  /** Delay before each retry, in milliseconds (jittered ±20%); the subscription is disabled after the last. */
  retryScheduleMs: readonly number[];
  pollMs: number;
  batchSize: number;
  /** Concurrent requests to one receiver host, across the subscriptions this node delivers. */
  hostConcurrency: number;
  secretOverlapHours: number;
}>;

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false (got "${env[name]}")`);
}

function readUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name] || fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL (got "${raw}")`);
  }
  return raw.replace(/\/+$/, '');
}

// Standard Webhooks' schedule stretched to about three days: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 20 h.
const DEFAULT_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,50400,72000,72000';

function readSchedule(env: Env, name: string): number[] {
  const raw = env[name] || DEFAULT_RETRY_SCHEDULE;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (!values.length || values.length > 50 || values.some((v) => !Number.isFinite(v) || v < 0 || v > 604_800)) {
    throw new ConfigError(`${name} must be a comma-separated list of seconds, each 0–604800 (got "${raw}")`);
  }
  return values.map((v) => Math.round(v * 1000));
}

function readWebhookConfig(env: Env): WebhookConfig {
  return Object.freeze({
    allowHttpLoopback: readBool(env, 'WEBHOOK_ALLOW_HTTP_LOOPBACK', false),
    allowPrivateAddresses: readBool(env, 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES', false),
    timeoutMs: readInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    retryScheduleMs: Object.freeze(readSchedule(env, 'WEBHOOK_RETRY_SCHEDULE')),
    pollMs: readInt(env, 'WEBHOOK_POLL_MS', 100, 10, 60_000),
    batchSize: readInt(env, 'WEBHOOK_BATCH_SIZE', 100, 1, 1000),
    hostConcurrency: readInt(env, 'WEBHOOK_HOST_CONCURRENCY', 2, 1, 100),
    secretOverlapHours: readInt(env, 'WEBHOOK_SECRET_OVERLAP_HOURS', 24, 0, 720),
  });
}

function readDatabaseUrl(env: Env, dataDir: string): string {
  const raw = env.DATABASE_URL;
  if (!raw) return `sqlite:${path.join(dataDir, 'listgate.db')}`;
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://') || raw.startsWith('sqlite:')) return raw;
  throw new ConfigError('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const envName = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const secrets = (env.SECRET_KEYS || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of secrets) {
    if (s.length < 32) throw new ConfigError('each SECRET_KEYS entry must be at least 32 characters');
  }
  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://');
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('REDIS_URL must start with redis://');

  const config: Config = {
    env: envName,
    host,
    port,
    publicUrl: readUrl(env, 'PUBLIC_URL', `http://${shownHost}:${port}`),
    dataDir,
    databaseUrl: readDatabaseUrl(env, dataDir),
    redisUrl,
    secretKeys: secrets,
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Listgate <no-reply@listgate.localhost>',
    requireApiKey: readBool(env, 'REQUIRE_API_KEY', false),
    trustProxy: readBool(env, 'TRUST_PROXY', false),
    shutdownIdleGraceSeconds: readInt(env, 'SHUTDOWN_IDLE_GRACE_SECONDS', 5, 0, 14),
    logLevel: env.LOG_LEVEL || (envName === 'test' ? 'silent' : 'info'),
    tokenCacheSeconds: readInt(env, 'TOKEN_CACHE_SECONDS', 5, 0, 60),
    rateLimit: {
      perSecond: readInt(env, 'RATE_LIMIT_PER_SECOND', 100, 1, 1_000_000),
      perDay: readInt(env, 'RATE_LIMIT_PER_DAY', 1_000_000, 1, 1_000_000_000),
    },
    accountRateLimit: {
      perSecond: readInt(env, 'ACCOUNT_RATE_LIMIT_PER_SECOND', 1000, 1, 10_000_000),
      perDay: readInt(env, 'ACCOUNT_RATE_LIMIT_PER_DAY', 10_000_000, 1, 10_000_000_000),
    },
    usage: {
      collect: readBool(env, 'USAGE_COLLECTION', true),
      flushSeconds: readInt(env, 'USAGE_FLUSH_SECONDS', 5, 1, 300),
      retentionDays: readInt(env, 'USAGE_RETENTION_DAYS', 90, 1, 3650),
    },
    credentialLimits: {
      failuresPerEmail: readInt(env, 'SIGN_IN_FAILURES_PER_EMAIL', 10, 1, 1_000_000),
      failuresPerIp: readInt(env, 'SIGN_IN_FAILURES_PER_IP', 100, 1, 1_000_000),
      failuresPerDevice: readInt(env, 'SIGN_IN_FAILURES_PER_DEVICE', 10, 1, 1_000_000),
      windowMs: readInt(env, 'SIGN_IN_WINDOW_MINUTES', 15, 1, 1440) * 60_000,
      signUpsPerIpPerHour: readInt(env, 'SIGN_UPS_PER_IP_PER_HOUR', 20, 1, 1_000_000),
    },
    defaultAccessTokenTtl: readInt(env, 'DEFAULT_ACCESS_TOKEN_TTL', 315359999, 300, 315359999),
    refreshGraceSeconds: readInt(env, 'REFRESH_GRACE_SECONDS', 60, 0, 600),
    jobsInProcess: readBool(env, 'JOBS_IN_PROCESS', true),
    changeRetentionDays: readInt(env, 'CHANGE_RETENTION_DAYS', 30, 1, 3650),
    auditRetentionDays: readInt(env, 'AUDIT_RETENTION_DAYS', 365, 1, 36_500),
    importMaxBytes: readInt(env, 'IMPORT_MAX_BYTES', 1024 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    exportTtlHours: readInt(env, 'EXPORT_TTL_HOURS', 24, 1, 24 * 365),
    jobStaleSeconds: readInt(env, 'JOB_STALE_SECONDS', 300, 1, 86_400),
    webhooks: readWebhookConfig(env),
    ...overrides,
  };
  return Object.freeze(config);
}

/** Derives a purpose-bound 32-byte key from the configured secret (or the per-install secret). */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHash('sha256').update(`listgate:${purpose}:`).update(secret).digest();
}
