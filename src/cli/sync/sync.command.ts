// `listgate sync`: checks the options, then runs the sync and prints its summary (one JSON line when no
// person is watching, as under cron).
import path from 'node:path';
import { createApiClient } from '../client/api-client.ts';
import { checkProfileName } from '../client/profile-store.ts';
import { intOption, interactive, retryPolicy } from '../client/run-options.ts';
import { createTokenManager } from '../client/token-manager.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import type { SyncFormat } from './contact-rows.ts';
import { createProgress } from './progress.ts';
import { runSync } from './sync-runner.ts';

export type SyncOptions = {
  list?: string[];
  all?: boolean;
  out: string;
  format?: SyncFormat;
  state?: string;
  profile: string;
  retries?: string;
  pageSize: string;
  batchBytes?: string;
  json?: boolean;
};

/** List ids are UUIDs, compared in lower case; anything else is echoed back as typed. */
const normalizeListId = (id: string) =>
  /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(id.trim()) ? id.trim().toLowerCase() : id.trim();

function chooseLists(opts: SyncOptions): string[] | 'all' {
  const chosen = opts.list ?? [];
  if (opts.all && chosen.length)
    throw new CliError('give either --list ID (one or more) or --all, not both', EXIT.USAGE);
  if (!opts.all && !chosen.length)
    throw new CliError('say what to sync: --list ID (repeatable; see `listgate lists`) or --all', EXIT.USAGE);
  if (opts.all) return 'all';
  const lists = [...new Set(chosen.map(normalizeListId))].sort();
  if (lists.length > 25) throw new CliError('sync at most 25 lists at once, or use --all', EXIT.USAGE);
  return lists;
}

function chooseFormat(opts: SyncOptions): SyncFormat {
  if (opts.format) return opts.format;
  return /\.(jsonl|ndjson)$/i.test(opts.out) ? 'jsonl' : 'csv';
}

export async function sync(opts: SyncOptions): Promise<void> {
  const lists = chooseLists(opts);
  const format = chooseFormat(opts);
  const out = path.resolve(opts.out);
  const stateFile = path.resolve(opts.state ?? `${out}.state.json`);
  if (stateFile === out) throw new CliError('--state and --out must be different files', EXIT.USAGE);
  const pageSize = intOption('--page-size', opts.pageSize, 1, 1000)!;
  const batchBytes = intOption('--batch-bytes', opts.batchBytes, 1, 1 << 30) ?? 16 << 20;
  const policy = retryPolicy(opts.retries);
  const tokens = createTokenManager(checkProfileName(opts.profile), policy);
  const api = createApiClient(tokens, policy);
  const person = interactive(opts.json);
  const summary = await runSync(
    {
      scope: { server: tokens.profile().server, lists, format, out },
      stateFile,
      pageSize,
      batchBytes,
      progress: createProgress(person),
    },
    api,
  );
  if (!person) return printJson(summary);
  process.stdout.write(
    `Synced ${out}: ${summary.added} added, ${summary.updated} updated, ${summary.removed} removed; ${summary.total} contacts (${(summary.duration_ms / 1000).toFixed(1)} s)\n`,
  );
}
