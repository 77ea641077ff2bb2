// The sync state file (what the last successful run reached: its sync token and what it was syncing)
// and the checkpoint of a run in progress, kept in a work directory beside it so a failed run can resume.
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../client/atomic-file.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import type { SyncFormat } from './contact-rows.ts';

export type SyncScope = { server: string; lists: string[] | 'all'; format: SyncFormat; out: string };

export type SyncSummary = {
  added: number;
  updated: number;
  removed: number;
  total: number;
  duration_ms: number;
};

export type SyncState = SyncScope & {
  version: 1;
  sync_token: string;
  synced_at: string;
  last_run: SyncSummary;
};

export type Checkpoint = SyncScope & {
  version: 1;
  /** The committed token the run started from (null: a full walk from the beginning). */
  base_token: string | null;
  /** Resume the walk here; every change before it is in `runs`. */
  token: string | null;
  runs: string[];
  fetched: number;
  authoritative: boolean;
};

export const sameScope = (a: SyncScope, b: SyncScope): boolean =>
  a.server === b.server &&
  a.format === b.format &&
  a.out === b.out &&
  JSON.stringify(a.lists) === JSON.stringify(b.lists);

export function describeScope(scope: SyncScope): string {
  const lists = scope.lists === 'all' ? '--all' : scope.lists.map((l) => `--list ${l}`).join(' ');
  return `${lists} --format ${scope.format} --out ${scope.out} on ${scope.server}`;
}

function readJson(file: string): unknown | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${file}: ${(error as Error).message}; check its permissions`, EXIT.USAGE);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

function validScope(v: Record<string, unknown>): boolean {
  return (
    typeof v.server === 'string' &&
    (v.format === 'csv' || v.format === 'jsonl') &&
    typeof v.out === 'string' &&
    (v.lists === 'all' || (Array.isArray(v.lists) && v.lists.every((l) => typeof l === 'string')))
  );
}

/** The state of the last successful run, or null before the first. A damaged file stops the run. */
export function readSyncState(file: string): SyncState | null {
  const value = readJson(file);
  if (value === undefined) return null;
  const v = (value ?? {}) as Record<string, unknown>;
  if (value === null || v.version !== 1 || !validScope(v) || typeof v.sync_token !== 'string') {
    throw new CliError(
      `the sync state file ${file} is damaged; delete it (the next run then does a full sync and rewrites the output)`,
      EXIT.USAGE,
    );
  }
  return value as SyncState;
}

export async function writeSyncState(file: string, state: SyncState): Promise<void> {
  // The sync token reads the account's changes: owner-only, like the output.
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export const workDirFor = (stateFile: string) => `${stateFile}.work`;

/** The checkpoint of an interrupted run, or null when there is none (or it cannot be trusted). */
export function readCheckpoint(workDir: string): Checkpoint | null {
  let value: unknown;
  try {
    value = readJson(path.join(workDir, 'checkpoint.json'));
  } catch {
    return null;
  }
  const v = (value ?? {}) as Record<string, unknown>;
  if (!value || v.version !== 1 || !validScope(v) || !Array.isArray(v.runs)) return null;
  return value as Checkpoint;
}

export async function writeCheckpoint(workDir: string, checkpoint: Checkpoint): Promise<void> {
  await writeFileAtomic(path.join(workDir, 'checkpoint.json'), JSON.stringify(checkpoint), 0o600);
}

/** Empties the work directory (creating it when missing). */
export async function resetWorkDir(workDir: string): Promise<void> {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true, mode: 0o700 });
}

/**
 * Deletes what an interrupted run left in the work directory besides its checkpoint and the runs it names:
 * a half-written run or merge (`.partial`), a run written but not yet recorded, temporary files.
 */
export async function pruneWorkDir(workDir: string, keep: readonly string[]): Promise<void> {
  const wanted = new Set([...keep, 'checkpoint.json']);
  const names = await readdir(workDir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !wanted.has(n)).map((n) => rm(path.join(workDir, n), { recursive: true, force: true })));
}

/** Checks that every run file of a checkpoint is still there. */
export async function runsPresent(workDir: string, runs: readonly string[]): Promise<boolean> {
  const present = new Set(await readdir(workDir).catch(() => [] as string[]));
  return runs.every((r) => present.has(r));
}
