// Exclusive lock files shared by concurrent `listgate` processes: one per credential profile (refresh +
// save) and one per sync state file. A lock left by a killed process is taken over. The lock appears with
// its owner already written (a hard link of a finished file), so a kill can never leave an empty lock.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { link, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';

type LockOwner = {
  pid: number;
  host: string;
  nonce: string;
  started_at: string;
  boot_id?: string;
  proc_start?: string;
};

export type FileLock = {
  readonly path: string;
  /** True while the lock file still names this process (false if another process broke it as stale). */
  isHeld(): Promise<boolean>;
  release(): Promise<void>;
  /** For signal handlers, where nothing asynchronous runs any more. */
  releaseSync(): void;
};

export type LockOptions = {
  /** How long to keep trying when another live process holds the lock; 0 fails at once. */
  waitMs?: number;
  /** A lock whose holder cannot be checked (another host) is stale after this long without a heartbeat. */
  staleMs?: number;
  heartbeatMs?: number;
};

export class LockBusyError extends Error {
  readonly lockPath: string;
  readonly owner: Partial<LockOwner> | null;

  constructor(lockPath: string, owner: Partial<LockOwner> | null) {
    const who = owner?.pid
      ? ` by process ${owner.pid} on ${owner.host ?? 'this host'} since ${owner.started_at}`
      : '';
    super(`${lockPath} is held${who}`);
    this.lockPath = lockPath;
    this.owner = owner;
    this.name = 'LockBusyError';
  }
}

function readTextSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Linux: the start time of a process in clock ticks since boot, which tells a reused pid apart. */
function processStart(pid: number): string | undefined {
  const stat = readTextSync(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function selfOwner(): LockOwner {
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    nonce: randomBytes(12).toString('hex'),
    started_at: new Date().toISOString(),
  };
  const bootId = readTextSync('/proc/sys/kernel/random/boot_id');
  const start = processStart(process.pid);
  if (bootId && start) Object.assign(owner, { boot_id: bootId, proc_start: start });
  return owner;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Decides whether the lock described by `raw` (file content) and `mtimeMs` was left by a dead holder. */
export function isStale(raw: string, mtimeMs: number, staleMs: number, nowMs = Date.now()): boolean {
  let owner: Partial<LockOwner> | null = null;
  try {
    owner = JSON.parse(raw) as Partial<LockOwner>;
  } catch {
    // Locks are written before they appear; an unreadable one (another version, a shared disk) waits out staleMs.
  }
  if (owner && typeof owner.pid === 'number' && owner.host === os.hostname()) {
    if (!isAlive(owner.pid)) return true;
    const bootId = readTextSync('/proc/sys/kernel/random/boot_id');
    if (owner.boot_id && bootId && owner.boot_id !== bootId) return true;
    if (owner.proc_start && processStart(owner.pid) !== owner.proc_start) return true;
    return false;
  }
  return nowMs - mtimeMs > staleMs;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readLock(file: string): Promise<{ raw: string; mtimeMs: number } | null> {
  try {
    const [raw, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { raw, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Removes a stale lock. A short-lived guard file serialises breakers, and the lock is re-read under it,
 * so two processes that both saw the same stale lock never delete a lock that a third one just took.
 */
async function breakStaleLock(file: string, seen: string): Promise<boolean> {
  const guard = `${file}.break`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(guard, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Breaking takes microseconds; a guard older than 10 s belongs to a breaker that died.
    const info = await stat(guard).catch(() => null);
    if (info && Date.now() - info.mtimeMs > 10_000) await rm(guard, { force: true });
    return false;
  }
  try {
    const current = await readLock(file);
    if (current && current.raw === seen) await rm(file, { force: true });
    return true;
  } finally {
    await handle.close();
    await rm(guard, { force: true });
  }
}

/** The owner's file before it becomes the lock: `<lock>.<pid>.new`, beside it. */
const pendingName = (file: string, pid: number) => `${file}.${pid}.new`;

/** Removes the pending files that killed processes left beside `file` (plain name checks, no pattern). */
async function removeDeadPending(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith('.new')) continue;
    const pid = Number(name.slice(prefix.length, -'.new'.length));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) await rm(path.join(dir, name), { force: true });
  }
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  const pending = pendingName(file, owner.pid);
  await writeFile(pending, JSON.stringify(owner), { mode: 0o600 });
  try {
    // link() fails with EEXIST when the lock exists: it creates the lock exclusively, already complete.
    await link(pending, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(pending, { force: true });
  }
}

export async function acquireLock(file: string, options: LockOptions = {}): Promise<FileLock> {
  const { waitMs = 0, staleMs = 60_000, heartbeatMs = 10_000 } = options;
  const owner = selfOwner();
  const deadline = Date.now() + waitMs;
  await removeDeadPending(file);
  for (;;) {
    if (await tryCreate(file, owner)) break;
    const current = await readLock(file);
    if (!current) continue;
    if (isStale(current.raw, current.mtimeMs, staleMs)) {
      if (!(await breakStaleLock(file, current.raw))) await pause(20);
      continue;
    }
    if (Date.now() >= deadline) {
      let holder: Partial<LockOwner> | null = null;
      try {
        holder = JSON.parse(current.raw) as Partial<LockOwner>;
      } catch {}
      throw new LockBusyError(file, holder);
    }
    await pause(50 + Math.floor(Math.random() * 150));
  }

  // The heartbeat keeps the lock fresh for holders on other hosts (shared home directories).
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  const mine = JSON.stringify(owner);
  let released = false;
  return {
    path: file,
    async isHeld() {
      return !released && (await readLock(file))?.raw === mine;
    },
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if ((await readLock(file))?.raw === mine) await rm(file, { force: true });
    },
    releaseSync() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if (readTextSync(file) === mine) rmSync(file, { force: true });
    },
  };
}
