// Client commands of `listgate` (login, logout, whoami, token info, lists, sync, import, export, listen): they talk to any
// Listgate server over HTTP. Each action imports its implementation lazily, so none loads server code.
import { type Command, Option } from 'commander';
import { SCOPE_REGISTRY } from '../api-auth/scopes.ts';
import { USER_SCOPE } from './client/default-scopes.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';

// No default value: commander would print `(default: [])` in --help; the sync treats "none" as [].
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function profileOption(): Option {
  return new Option('--profile <name>', 'saved credentials to use')
    .env('LISTGATE_PROFILE')
    .default('default');
}

// The second argument of default() is what --help shows: `(default: 5)`, not `(default: "5")`.
function retriesOption(count = '5'): Option {
  return new Option(
    '--retries <n>',
    'retries of a failed request (network errors, 429, 5xx), with backoff',
  ).default(count, count);
}

/** The --scope help: every scope the server knows, from the one registry. */
function scopeHelp(): string {
  const width = Math.max(...SCOPE_REGISTRY.map((s) => s.name.length));
  return `\nScopes:\n${SCOPE_REGISTRY.map((s) => `  ${s.name.padEnd(width)}  ${s.allows}`).join('\n')}`;
}

export function registerClientCommands(program: Command): void {
  program
    .command('login')
    .description('sign in once, ahead of time, and save the credentials for unattended runs')
    .requiredOption('--server <url>', 'address of the Listgate server, e.g. https://lists.example.com')
    .option('--api-key <key>', "the app's API key (its OAuth client id)")
    .addOption(profileOption())
    .option('--scope <scopes>', `space-separated scopes to ask for (default: ${USER_SCOPE}; listed below)`)
    .addHelpText('after', scopeHelp())
    .option(
      '--browser',
      'sign in with a browser on this machine (authorization code + PKCE, loopback redirect)',
    )
    .option('--client-id <id>', 'private integration: sign in as the app itself (client credentials)')
    .option('--client-secret-file <file>', 'file holding the client secret of a private integration')
    .option('--token <token>', 'save an access token obtained elsewhere (e.g. in the API Tester); - reads it from stdin')
    .option('--no-open', 'with --browser: print the sign-in URL instead of opening a browser')
    .option(
      '--allow-http',
      'allow plain http to a server that is not on this machine (trusted networks only)',
    )
    .option('--json', 'print one JSON object per line (the first one says where to approve the sign-in)')
    .addHelpText(
      'after',
      `
Without --browser, --client-id or --token, login uses the device flow: it prints a URL and a code (and a
QR code on a terminal) to approve from any browser, which works on a server reached over SSH.
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => (await import('./client/login.command.ts')).login(opts));

  program
    .command('logout')
    .description('revoke the saved token at the server and delete the saved credentials')
    .addOption(profileOption())
    .option('--json', 'print the result as JSON')
    .action(async (opts) => (await import('./client/session.command.ts')).logout(opts));

  program
    .command('whoami')
    .description('show who the saved credentials act for')
    .addOption(profileOption())
    .addOption(retriesOption('0'))
    .option('--json', 'print the result as JSON')
    .action(async (opts) => (await import('./client/session.command.ts')).whoami(opts));

  program
    .command('token')
    .description('the saved access token')
    .command('info')
    .description('client id, user name and time left of the saved token (the token-info endpoint)')
    .addOption(profileOption())
    .addOption(retriesOption('0'))
    .option('--json', 'print the result as JSON')
    .action(async (opts) => (await import('./client/session.command.ts')).tokenInfo(opts));

  program
    .command('lists')
    .description("list the account's contact lists and their ids")
    .addOption(profileOption())
    .addOption(retriesOption())
    .option('--json', 'print the result as JSON')
    .action(async (opts) => (await import('./client/lists.command.ts')).lists(opts));

  program
    .command('listen')
    .description('development: receive the account\'s contact events and forward them, signed, to a local URL')
    .requiredOption('--forward-to <url>', 'where each event is POSTed, e.g. http://localhost:8080/hook')
    .option('--events <types>', 'comma-separated event types, e.g. contact.created,contact.deleted (default: every contact event)')
    .addOption(profileOption())
    .addOption(retriesOption())
    .addHelpText(
      'after',
      `
listen uses the saved login (scope contact_data) and long-polls the server, so your machine needs no public
address. It prints a whsec_ signing secret at start: each event is POSTed as {"events":[…]} with the
Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature) signed with that secret, and one
line per event shows the receiver's status. It starts with changes made from now on; nothing is retried.
Ctrl+C stops it. See docs/webhooks.md.
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => (await import('./client/listen.command.ts')).listen(opts));

  program
    .command('sync')
    .description('write the contacts of lists to a file; later runs fetch only what changed')
    .option('--list <id>', 'a list to sync (repeatable)', collect)
    .option('--all', 'sync every contact of the account instead of chosen lists')
    .requiredOption('--out <file>', 'the output file, replaced atomically when a run succeeds')
    .addOption(
      new Option('--format <format>', 'output format (default: from the file extension, else csv)').choices([
        'csv',
        'jsonl',
      ]),
    )
    .option('--state <file>', 'where the sync remembers its progress (default: <out>.state.json)')
    .addOption(profileOption())
    .addOption(retriesOption())
    .addOption(new Option('--page-size <n>', 'changes fetched per request (1 to 1000)').default('1000', '1000'))
    .option('--json', 'print the summary as JSON even on a terminal')
    .addOption(
      new Option(
        '--batch-bytes <n>',
        'bytes of rows kept in memory before a sorted run is written',
      ).hideHelp(),
    )
    .addHelpText(
      'after',
      `
The first run exports every contact of the lists; later runs apply only the changes since the last run
(new, updated, unsubscribed, deleted, removed from the lists) to the file. Rows are sorted by contact_id;
the status column says active, unsubscribed, deleted or removed. Without a terminal (cron), it prints one
JSON line: {"added","updated","removed","total","duration_ms"}. See docs/cron.md.
${EXIT_CODES_HELP}`,
    )
    .action(async (opts) => (await import('./sync/sync.command.ts')).sync(opts));

  program
    .command('import')
    .description('import a CSV or JSON lines file of contacts into lists, and wait for the import to finish')
    .argument('<file>', 'the file (columns email, first_name, …, cf:<custom field>); - reads standard input')
    .option('--list <id>', 'a list every imported contact joins (repeatable, at least one)', collect)
    .addOption(new Option('--format <format>', 'input format (default: from the file extension, else csv)').choices(['csv', 'jsonl']))
    .option('--errors <file>', 'where refused rows are written as CSV (default: <file>.errors.csv)')
    .addOption(profileOption())
    .addOption(retriesOption())
    .option('--json', 'print the summary as JSON even on a terminal')
    .addHelpText(
      'after',
      `
Contacts are created or updated by email address; an import never resubscribes anyone who unsubscribed.
Without a terminal (cron), it prints one JSON line: {"activity_id","state","rows","imported","errors",
"errors_file"?,"duration_ms"}. Refused rows (row number, email, reason) go to the errors file. See docs/cron.md.
${EXIT_CODES_HELP}`,
    )
    .action(async (file: string, opts) => (await import('./client/bulk.command.ts')).importContacts(file, opts));

  program
    .command('export')
    .description('export the contacts of lists to a CSV file, written atomically')
    .option('--list <id>', 'a list to export (repeatable, at least one)', collect)
    .requiredOption('--out <file>', 'the CSV file, replaced only once the export is complete')
    .option('--fields <names>', 'comma-separated columns (default: email,first_name,last_name)')
    .addOption(profileOption())
    .addOption(retriesOption())
    .option('--json', 'print the summary as JSON even on a terminal')
    .addHelpText('after', `\nWithout a terminal it prints one JSON line: {"activity_id","rows","bytes","out","duration_ms"}.\n${EXIT_CODES_HELP}`)
    .action(async (opts) => (await import('./client/bulk.command.ts')).exportContacts(opts));
}
