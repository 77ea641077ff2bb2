// Keeps the change log bounded: changes older than the retention period that a newer change of the same
// contact supersedes are dropped, per account. Sync tokens from before that point then get 410 and the
// client starts a full sync (the `listgate sync` CLI does so by itself).
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import * as changes from './contact-changes.repository.ts';

export async function compactOldChanges(deps: {
  db: Db;
  clock: Clock;
  retentionDays: number;
  compact: (accountId: string, throughSeq: number) => Promise<{ deleted: number }>;
}): Promise<{ accounts: number; deleted: number }> {
  const before = new Date(deps.clock.now().getTime() - deps.retentionDays * 86_400_000).toISOString();
  let deleted = 0;
  const due = await changes.findCompactableSeqs(deps.db, before);
  for (const { account_id, through } of due) deleted += (await deps.compact(account_id, through)).deleted;
  return { accounts: due.length, deleted };
}
