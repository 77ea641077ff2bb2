// `listgate lists`: the account's contact lists with their ids, to pick the ones to sync.
import { printJson } from '../output.ts';
import { createApiClient } from './api-client.ts';
import { checkProfileName } from './profile-store.ts';
import { retryPolicy } from './run-options.ts';
import { createTokenManager } from './token-manager.ts';

type ContactList = { list_id: string; name: string; membership_count?: number; [k: string]: unknown };
type ListsPage = { lists?: ContactList[]; _links?: { next?: { href?: string } } };

export async function lists(opts: { profile: string; retries?: string; json?: boolean }): Promise<void> {
  const policy = retryPolicy(opts.retries);
  const api = createApiClient(createTokenManager(checkProfileName(opts.profile), policy), policy);
  const all: ContactList[] = [];
  let next: string | undefined =
    '/v3/contact_lists?include_count=true&include_membership_count=all&limit=1000';
  while (next) {
    const page: ListsPage = await api.get<ListsPage>(next);
    all.push(...(page.lists ?? []));
    next = page._links?.next?.href;
  }
  if (opts.json) return printJson({ lists: all });
  if (!all.length) {
    process.stdout.write('No lists yet.\n');
    return;
  }
  const width = Math.max(...all.map((l) => l.list_id.length));
  const lines = [`${'LIST ID'.padEnd(width)}  ${'MEMBERS'.padStart(8)}  NAME`];
  for (const l of all)
    lines.push(`${l.list_id.padEnd(width)}  ${String(l.membership_count ?? '').padStart(8)}  ${l.name}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
