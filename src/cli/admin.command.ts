// Operator commands for customer accounts and apps (OAuth clients). Each prints JSON with --json.
import { type Command, Option } from 'commander';
import { AppError } from '../errors.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { printResult } from './output.ts';
import type * as ServicesContext from './services-context.ts';

// Loaded on use, so that client commands never load the database drivers and server modules.
const withServices: typeof ServicesContext.withServices = async (fn, options) =>
  (await import('./services-context.ts')).withServices(fn, options);

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Turns a service's validation error into a one-line CLI message with the usage exit code. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError && error.status < 500) {
      throw new CliError(Object.values(error.fields).join('; ') || error.message, EXIT.USAGE);
    }
    throw error;
  }
}

export function registerAdminCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage customer accounts');
  accounts
    .command('create')
    .description('create a customer account with its first user')
    .requiredOption('--email <email>', 'sign-in email of the first user')
    .requiredOption('--password <password>', 'password (at least 10 characters, not a common one)')
    .option('--name <org>', 'organization name')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { email: string; password: string; name?: string; json?: boolean }) => {
      await withServices(async (services) => {
        const created = await run(() =>
          services.accounts.signUp({ email: opts.email, password: opts.password, organizationName: opts.name ?? '' }),
        );
        printResult(created, Boolean(opts.json), () => `Created account ${created.account_id} for ${created.email}`);
      });
    });

  const operators = program.command('operators').description('manage operators (the people who use the console at /admin)');
  operators
    .command('create')
    .description('create an operator; a link to verify the email address is mailed, then sign in at /admin and set up TOTP')
    .requiredOption('--email <email>', 'sign-in email of the operator')
    .requiredOption('--password <password>', 'password (at least 10 characters, not a common one)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { email: string; password: string; json?: boolean }) => {
      await withServices(async (services) => {
        const created = await run(() => services.operators.createOperator({ email: opts.email, password: opts.password }));
        printResult(created, Boolean(opts.json), () =>
          [
            `Created operator ${created.email}.`,
            'Open the link mailed to that address to verify it, then sign in at',
            `  ${services.config.publicUrl}/admin`,
            'and set up an authenticator app (a TOTP code is required at every sign-in).',
          ].join('\n'),
        );
      });
    });

  const apps = program.command('apps').description('manage apps (OAuth clients; the client id is the API key)');
  apps
    .command('create')
    .description('register an app')
    .requiredOption('--name <name>', 'application name shown on the consent page')
    .option('--kind <kind>', 'web (confidential), native (public, PKCE), device, or private (client credentials)', 'web')
    .option('--redirect-uri <uri>', 'exact redirect URI (repeatable)', collect, [])
    .option('--account <email>', 'owning customer account (private integrations)')
    .option('--token-ttl <seconds>', 'access-token lifetime, 300 to 315359999 (default 315359999, 10 years)')
    .option('--refresh <policy>', 'refresh tokens: rotating (default) or long-lived')
    .option('--legacy-token-requests', 'web apps moved from Constant Contact: no PKCE, token parameters in the query string (see docs/oauth.md)')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        legacyTokenRequests?: boolean;
        name: string;
        kind: string;
        redirectUri: string[];
        account?: string;
        tokenTtl?: string;
        refresh?: string;
        json?: boolean;
      }) => {
        await withServices(async (services) => {
          let ownerAccountId: string | null = null;
          if (opts.account) {
            const user = await services.accounts.findUserByEmail(opts.account);
            if (!user) throw new CliError(`No customer account with email ${opts.account}`, EXIT.USAGE);
            ownerAccountId = user.account_id;
          }
          const { app, client_secret } = await run(() =>
            services.apps.createApp({
              name: opts.name,
              kind: opts.kind,
              redirectUris: opts.redirectUri,
              ownerAccountId,
              accessTokenTtl: opts.tokenTtl,
              refreshPolicy: opts.refresh,
              legacyTokenRequests: opts.legacyTokenRequests ?? false,
            }),
          );
          printResult({ ...app, client_secret }, Boolean(opts.json), () =>
            [
              `Registered ${app.kind} app "${app.name}"`,
              `  API key (client_id): ${app.client_id}`,
              client_secret ? `  Client secret (shown once): ${client_secret}` : '  Public client: no secret (PKCE)',
            ].join('\n'),
          );
        });
      },
    );

  apps
    .command('list')
    .description('list registered apps')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      await withServices(async (services) => {
        const list = await services.apps.listApps();
        printResult(list, Boolean(opts.json), () =>
          list.length
            ? appsTable(list)
            : 'No apps yet. Create one with: listgate apps create --name NAME',
        );
      });
    });

  apps
    .command('rotate-secret')
    .description('issue a new client secret; the old ones stop working (now, or after --grace seconds)')
    .argument('<client_id>', 'the app\'s client id (API key)')
    .addOption(new Option('--grace <seconds>', 'keep the previous secrets valid this long').default('0', '0'))
    .option('--json', 'print the result as JSON')
    .action(async (clientId: string, opts: { grace: string; json?: boolean }) => {
      await withServices(async (services) => {
        const grace = Number(opts.grace);
        const result = await run(() => services.apps.rotateSecret(clientId, grace));
        printResult({ client_id: clientId, ...result }, Boolean(opts.json), () =>
          [`New client secret (shown once): ${result.client_secret}`, `Previous secrets expire at ${result.previous_expires_at}`].join('\n'),
        );
      });
    });
}

/** `apps list` as a table with a header row, like `listgate lists`. */
function appsTable(list: { client_id: string; kind: string; status: string; name: string }[]): string {
  const width = Math.max('API KEY'.length, ...list.map((a) => a.client_id.length));
  const row = (key: string, kind: string, status: string, name: string) =>
    `${key.padEnd(width)}  ${kind.padEnd(8)} ${status.padEnd(8)} ${name}`;
  return [row('API KEY', 'KIND', 'STATUS', 'NAME'), ...list.map((a) => row(a.client_id, a.kind, a.status, a.name))].join('\n');
}
