// `listgate import` and `listgate export`: run an import or export activity on the server and wait for it,
// with a progress line on a terminal and one JSON summary line otherwise (cron). Files are written atomically.
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { type ApiClient, createApiClient } from './api-client.ts';
import { fsyncDirectory, tempPathFor } from './atomic-file.ts';
import { openImportSource } from './import-source.ts';
import { checkProfileName } from './profile-store.ts';
import { interactive, retryPolicy } from './run-options.ts';
import { createTokenManager } from './token-manager.ts';

type Activity = {
  activity_id: string;
  state: string;
  percent_done: number;
  activity_errors: string[];
  status: { items_total_count: number; items_completed_count: number; error_count: number };
  _links: { results?: { href: string }; errors?: { href: string } };
};

type CommonOptions = { list?: string[]; profile: string; retries?: string; json?: boolean };

function client(opts: CommonOptions): ApiClient {
  const policy = retryPolicy(opts.retries);
  return createApiClient(createTokenManager(checkProfileName(opts.profile), policy), policy);
}

function requireLists(opts: CommonOptions): string[] {
  if (!opts.list?.length) throw new CliError('give the list with --list ID (see `listgate lists`)', EXIT.USAGE);
  return opts.list;
}

/** Polls the activity until it ends, drawing a progress line on stderr when a person watches. */
async function waitFor(api: ApiClient, activity: Activity, label: string, person: boolean): Promise<Activity> {
  let current = activity;
  for (let delay = 200; !['completed', 'failed', 'cancelled', 'timed_out'].includes(current.state); delay = Math.min(delay * 1.5, 2000)) {
    if (person) {
      const { items_completed_count: done, items_total_count: total, error_count: errors } = current.status;
      const bar = '#'.repeat(Math.floor(current.percent_done / 5)).padEnd(20, '.');
      process.stderr.write(`\r${label} [${bar}] ${current.percent_done}% ${done}/${total} rows, ${errors} errors `);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    current = await api.get<Activity>(`/v3/activities/${current.activity_id}`);
  }
  if (person) process.stderr.write('\n');
  return current;
}

/** Streams a CSV download into `target` through a temporary file, fsynced and renamed into place. */
async function downloadAtomic(api: ApiClient, href: string, target: string): Promise<number> {
  const response = await api.download(href);
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o644).catch((error: Error) => {
    throw new CliError(`could not write ${target}: ${error.message}`, EXIT.USAGE);
  });
  try {
    for await (const chunk of (response.body ?? []) as unknown as AsyncIterable<Uint8Array>) await handle.write(chunk);
    await handle.sync();
    const { size } = await handle.stat();
    await handle.close();
    await rename(temp, target);
    fsyncDirectory(path.dirname(target));
    return size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw new CliError(`could not write ${target}: ${(error as Error).message}`, EXIT.USAGE);
  }
}

export async function importContacts(
  file: string,
  opts: CommonOptions & { format?: 'csv' | 'jsonl'; errors?: string },
): Promise<void> {
  const lists = requireLists(opts);
  const started = Date.now();
  const person = interactive(opts.json);
  const api = client(opts);
  const errorsFile = path.resolve(opts.errors ?? (file === '-' ? 'stdin.errors.csv' : `${file}.errors.csv`));
  const source = await openImportSource(file, opts.format);
  let activity: Activity;
  try {
    activity = await api.upload<Activity>('/v3/activities/contacts_file_import', {
      fields: { list_ids: lists.join(',') },
      file: { field: 'file', path: source.csv, name: source.name, type: 'text/csv' },
    });
  } finally {
    await source.cleanup();
  }
  const done = await waitFor(api, activity, 'importing', person);
  const { items_total_count: rows, items_completed_count: completed, error_count: errors } = done.status;
  if (done._links.errors) await downloadAtomic(api, done._links.errors.href, errorsFile);
  const summary = {
    activity_id: done.activity_id,
    state: done.state,
    rows,
    imported: completed - errors,
    errors,
    ...(done._links.errors ? { errors_file: errorsFile } : {}),
    duration_ms: Date.now() - started,
  };
  if (done.state !== 'completed') {
    throw new CliError(`the import ${done.state}: ${done.activity_errors.at(-1) ?? 'no reason given'}`, EXIT.REJECTED);
  }
  if (!person) printJson(summary);
  else process.stdout.write(`Imported ${summary.imported} of ${rows} rows into ${lists.join(', ')}${errors ? `; ${errors} refused, listed in ${errorsFile}` : ''} (${(summary.duration_ms / 1000).toFixed(1)} s)\n`);
  if (errors) throw new CliError(`${errors} of ${rows} rows were refused; they are listed in ${errorsFile}`, EXIT.ROWS_REFUSED);
}

export async function exportContacts(opts: CommonOptions & { out: string; fields?: string }): Promise<void> {
  const lists = requireLists(opts);
  const started = Date.now();
  const person = interactive(opts.json);
  const out = path.resolve(opts.out);
  if (!existsSync(path.dirname(out))) throw new CliError(`directory ${path.dirname(out)} does not exist; choose a writable path`, EXIT.USAGE);
  const api = client(opts);
  const fields = opts.fields?.split(',').map((f) => f.trim()).filter(Boolean);
  const body = JSON.stringify({ list_ids: lists, ...(fields?.length ? { fields } : {}) });
  const done = await waitFor(api, await api.post<Activity>('/v3/activities/contact_exports', body), 'exporting', person);
  if (done.state !== 'completed' || !done._links.results) {
    throw new CliError(`the export ${done.state}: ${done.activity_errors.at(-1) ?? 'no file was produced'}`, EXIT.REJECTED);
  }
  const bytes = await downloadAtomic(api, done._links.results.href, out);
  const summary = { activity_id: done.activity_id, rows: done.status.items_completed_count, bytes, out, duration_ms: Date.now() - started };
  if (!person) return printJson(summary);
  process.stdout.write(`Exported ${summary.rows} contacts to ${out} (${(summary.duration_ms / 1000).toFixed(1)} s)\n`);
}
