// One pass of a sync: walks the change feed from a token, spilling sorted runs and checkpoints to the
// work directory (so a failed walk resumes where it stopped), then merges everything into a temporary file.
import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { faults } from '../client/faults.ts';
import { ChangeBatch } from './change-runs.ts';
import { CSV_HEADER, renderRow } from './contact-rows.ts';
import type { FeedPage } from './feed.ts';
import { consolidateRuns, type MergeCounts, mergeRows } from './merge.ts';
import { OutputWriter } from './output-writer.ts';
import type { Progress } from './progress.ts';
import { openRecordFile, type RecordCursor } from './record-file.ts';
import {
  type Checkpoint,
  pruneWorkDir,
  readCheckpoint,
  resetWorkDir,
  runsPresent,
  type SyncScope,
  sameScope,
  writeCheckpoint,
} from './sync-state.ts';

/** Run files are read in smaller chunks than the previous output: a large sync merges many of them. */
const RUN_CHUNK_BYTES = 256 * 1024;
/** More runs than this are merged into one during the walk, so the final merge opens a bounded number. */
const MAX_RUNS = 16;

export type WalkInput = {
  scope: SyncScope;
  workDir: string;
  readPage: (token: string | null) => Promise<FeedPage>;
  /** Committed token to start from; null walks the whole feed (a full sync). */
  baseToken: string | null;
  /** The previous output to merge with, or null. */
  previous: string | null;
  batchBytes: number;
  progress: Progress;
};

export type WalkResult = { token: string; changes: number; counts: MergeCounts | null; temp: string | null };

/** Walks the feed to its end; returns the final token, the last in-memory batch and the run files. */
async function walk(input: WalkInput) {
  const { scope, workDir, baseToken, progress } = input;
  const saved = readCheckpoint(workDir);
  const resume =
    saved &&
    sameScope(saved, scope) &&
    saved.base_token === baseToken &&
    (await runsPresent(workDir, saved.runs));
  const checkpoint: Checkpoint = resume
    ? saved
    : {
        ...scope,
        version: 1,
        base_token: baseToken,
        token: baseToken,
        runs: [],
        fetched: 0,
        authoritative: baseToken === null,
      };
  if (resume) {
    progress.note(`resuming an interrupted sync: ${checkpoint.fetched} changes were already fetched`);
    await pruneWorkDir(workDir, checkpoint.runs);
  } else await resetWorkDir(workDir);

  const batch = new ChangeBatch(scope.format, input.batchBytes);
  let token = checkpoint.token;
  let fetched = checkpoint.fetched;
  let pages = 0;
  let pending = input.readPage(token);
  for (;;) {
    const page = await pending;
    // Ask for the next page while this one is processed; mark it handled so a failure here is not unhandled.
    if (page.more) {
      pending = input.readPage(page.next);
      pending.catch(() => undefined);
    }
    for (const change of page.changes) batch.add(renderRow(scope.format, change));
    fetched += page.changes.length;
    token = page.next;
    pages++;
    progress.fetched(fetched);
    if (batch.full) {
      // Named by the changes fetched so far, which only grow: unique across resumes and consolidations.
      const run = `run-${String(fetched).padStart(12, '0')}.${scope.format}`;
      await batch.writeRun(path.join(workDir, run));
      Object.assign(checkpoint, { token, fetched, runs: [...checkpoint.runs, run] });
      await writeCheckpoint(workDir, checkpoint);
      if (checkpoint.runs.length >= MAX_RUNS) await consolidate(workDir, checkpoint);
    }
    faults.afterPage(pages);
    if (!page.more) break;
  }
  return { token: token!, fetched, batch, runs: checkpoint.runs, authoritative: checkpoint.authoritative };
}

/** Replaces the checkpoint's runs by one merged run; a crash at any point leaves a consistent checkpoint. */
async function consolidate(workDir: string, checkpoint: Checkpoint): Promise<void> {
  const name = `merged-${String(checkpoint.fetched).padStart(12, '0')}.${checkpoint.format}`;
  const temp = path.join(workDir, `${name}.partial`);
  const writer = await OutputWriter.create(temp, 0o600);
  const cursors: RecordCursor[] = [];
  try {
    if (checkpoint.format === 'csv') await writer.append(Buffer.from(CSV_HEADER));
    for (const run of checkpoint.runs)
      cursors.push(await openRecordFile(path.join(workDir, run), checkpoint.format, RUN_CHUNK_BYTES));
    await consolidateRuns(writer, cursors);
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await Promise.all(cursors.map((c) => c.close().catch(() => undefined)));
  }
  await rename(temp, path.join(workDir, name));
  const old = checkpoint.runs;
  checkpoint.runs = [name];
  await writeCheckpoint(workDir, checkpoint);
  await Promise.all(old.map((run) => rm(path.join(workDir, run), { force: true })));
}

export async function walkAndMerge(
  input: WalkInput,
  tempPath: (out: string) => string,
  onTemp: (file: string | null) => void,
): Promise<WalkResult> {
  const { scope, workDir } = input;
  const walked = await walk(input);
  // Nothing changed since the last run: the output stays as it is.
  if (walked.fetched === 0 && !walked.authoritative && input.previous)
    return { token: walked.token, changes: 0, counts: null, temp: null };

  input.progress.merging();
  const temp = tempPath(scope.out);
  // Contact data is personal data: a new file is readable by its owner only; an existing one keeps its mode.
  const mode = existsSync(scope.out) ? (await stat(scope.out)).mode & 0o777 : 0o600;
  const writer = await OutputWriter.create(temp, mode);
  onTemp(temp);
  const cursors: RecordCursor[] = [];
  try {
    if (scope.format === 'csv') await writer.append(Buffer.from(CSV_HEADER));
    const previous = input.previous ? await openRecordFile(input.previous, scope.format) : null;
    if (previous) cursors.push(previous);
    const runs: RecordCursor[] = [];
    for (const run of walked.runs)
      runs.push(await openRecordFile(path.join(workDir, run), scope.format, RUN_CHUNK_BYTES));
    cursors.push(...runs);
    const counts = await mergeRows(
      writer,
      scope.format,
      previous,
      [...runs, walked.batch.take()],
      walked.authoritative,
    );
    await writer.finish();
    return { token: walked.token, changes: walked.fetched, counts, temp };
  } catch (error) {
    await writer.abort();
    onTemp(null);
    throw error;
  } finally {
    await Promise.all(cursors.map((c) => c.close().catch(() => undefined)));
  }
}
