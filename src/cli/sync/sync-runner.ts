// `listgate sync` from start to commit: one run per state file (lock), the choice between a full and an
// incremental pass, and the commit order that makes a failed run change nothing: output, then state.
import { constants, existsSync, rmSync } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiRefusal, type ApiClient } from '../client/api-client.ts';
import { fsyncDirectory, removeStaleTemps, tempPathFor } from '../client/atomic-file.ts';
import { acquireLock, type FileLock, LockBusyError } from '../client/file-lock.ts';
import { faults } from '../client/faults.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { createFeedReader, SyncTokenRejected } from './feed.ts';
import type { Progress } from './progress.ts';
import { openRecordFile, RecordFormatError } from './record-file.ts';
import {
  describeScope,
  readSyncState,
  type SyncScope,
  type SyncSummary,
  sameScope,
  workDirFor,
  writeSyncState,
} from './sync-state.ts';
import { type WalkResult, walkAndMerge } from './sync-walk.ts';

export type SyncPlan = {
  scope: SyncScope;
  stateFile: string;
  pageSize: number;
  batchBytes: number;
  progress: Progress;
};

async function checkWritable(file: string, what: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) throw new CliError(`${what} ${file} is a directory; give a file path`, EXIT.USAGE);
  const dir = path.dirname(file);
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable';
    throw new CliError(
      `cannot write ${what} ${file}: the directory ${dir} ${why}; choose a writable path`,
      EXIT.USAGE,
    );
  }
}

async function lockState(stateFile: string): Promise<FileLock> {
  try {
    return await acquireLock(`${stateFile}.lock`, { waitMs: 0 });
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    const who = error.owner?.pid ? ` (process ${error.owner.pid} since ${error.owner.started_at})` : '';
    throw new CliError(`another sync of ${stateFile} is running${who}; this run did nothing`, EXIT.LOCKED);
  }
}

async function checkLists(api: ApiClient, lists: string[]): Promise<void> {
  for (const id of lists) {
    try {
      await api.get(`/v3/contact_lists/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error instanceof ApiRefusal && (error.status === 404 || error.status === 400)) {
        throw new CliError(
          `the list ${id} does not exist in this account; run \`listgate lists\` to see the list ids`,
          EXIT.REJECTED,
        );
      }
      throw error;
    }
  }
}

/** Whether `out` starts like an output of this format (the merge checks the rest as it reads). */
async function isSyncOutput(scope: SyncScope): Promise<boolean> {
  try {
    await (await openRecordFile(scope.out, scope.format)).close();
    return true;
  } catch (error) {
    if (error instanceof RecordFormatError) return false;
    throw new CliError(`cannot read ${scope.out}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

/** Deletes the temporary output and the lock if the process is interrupted (Ctrl+C, kill). */
function onInterrupt(lock: FileLock, temp: () => string | null): () => void {
  const handler = (signal: NodeJS.Signals) => {
    const file = temp();
    if (file) rmSync(file, { force: true });
    lock.releaseSync();
    process.stderr.write(`\nlistgate: sync interrupted by ${signal}; the output file is unchanged\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export async function runSync(plan: SyncPlan, api: ApiClient): Promise<SyncSummary> {
  const started = Date.now();
  const { scope, stateFile, progress } = plan;
  await checkWritable(scope.out, 'the output');
  await checkWritable(stateFile, 'the state file');
  const lock = await lockState(stateFile);
  let temp: string | null = null;
  const detach = onInterrupt(lock, () => temp);
  await faults.afterLock();
  try {
    // Temporary outputs of runs that were killed (no handler runs on SIGKILL or a power loss).
    await removeStaleTemps(scope.out);
    await removeStaleTemps(stateFile);
    const state = readSyncState(stateFile);
    if (state && !sameScope(state, scope)) {
      throw new CliError(
        `the state file ${stateFile} belongs to another sync (${describeScope(state)}); use another --state, or delete it to start over`,
        EXIT.USAGE,
      );
    }
    if (scope.lists !== 'all') await checkLists(api, scope.lists);
    let outExists = existsSync(scope.out);
    if (state && !outExists) progress.note(`${scope.out} is missing: doing a full sync`);
    if (outExists && !(await isSyncOutput(scope))) {
      if (!state)
        throw new CliError(
          `${scope.out} exists and is not a listgate ${scope.format} sync output; choose another --out, or delete the file`,
          EXIT.USAGE,
        );
      progress.note(`${scope.out} was changed by something else: rebuilding it with a full sync`);
      outExists = false;
    }

    const readPage = createFeedReader(api, {
      lists: scope.lists,
      format: scope.format,
      limit: plan.pageSize,
    });
    const workDir = workDirFor(stateFile);
    const pass = (baseToken: string | null, previous: string | null) =>
      walkAndMerge(
        { scope, workDir, readPage, baseToken, previous, batchBytes: plan.batchBytes, progress },
        tempPathFor,
        (f) => {
          temp = f;
        },
      );
    let result: WalkResult;
    try {
      result = await pass(state && outExists ? state.sync_token : null, outExists ? scope.out : null);
    } catch (error) {
      if (error instanceof SyncTokenRejected) {
        progress.note(
          `the server no longer accepts the stored sync token (${error.message}); doing a full sync`,
        );
        result = await pass(null, scope.out);
      } else if (error instanceof RecordFormatError) {
        if (!state)
          throw new CliError(`${error.message}; choose another --out, or delete the file`, EXIT.USAGE);
        progress.note(`${error.message}; rebuilding it with a full sync`);
        result = await pass(null, null);
      } else throw error;
    }

    if (result.temp) {
      // A run that lost its lock (stalled far past the stale limit) must not overwrite a newer run's output.
      if (!(await lock.isHeld()))
        throw new CliError(
          `the lock on ${stateFile} was taken over; this run's output is discarded`,
          EXIT.LOCKED,
        );
      await rename(result.temp, scope.out);
      temp = null;
      fsyncDirectory(path.dirname(scope.out));
    }
    const counts = result.counts ?? { added: 0, updated: 0, removed: 0, total: state?.last_run.total ?? 0 };
    const summary: SyncSummary = { ...counts, duration_ms: Date.now() - started };
    await writeSyncState(stateFile, {
      version: 1,
      ...scope,
      sync_token: result.token,
      synced_at: new Date().toISOString(),
      last_run: summary,
    });
    await rm(workDir, { recursive: true, force: true });
    return summary;
  } finally {
    if (temp) await rm(temp, { force: true });
    detach();
    progress.done();
    await lock.release();
  }
}
