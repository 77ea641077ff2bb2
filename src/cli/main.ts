// The `listgate` command line: operator commands (serve, migrate, accounts, apps) and client commands
// that talk to a Listgate server over HTTP. Each command loads its modules lazily, so client commands
// start fast and run on any Node.js.
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './admin.command.ts';
import { registerClientCommands } from './client.command.ts';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.ts';
import { registerServerCommands } from './server.command.ts';

export function createProgram(): Command {
  const program = new Command('listgate')
    .description('Listgate: self-hosted email lists with a developer API')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  program.exitOverride();
  // commander's own messages (`error: required option …`) read like every other error: `listgate: …`.
  program.configureOutput({
    outputError: (message, write) => write(message.replace(/^error: /, 'listgate: ')),
  });
  registerServerCommands(program);
  registerAdminCommands(program);
  registerClientCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (error instanceof CliError) {
      process.stderr.write(`listgate: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`listgate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILURE;
  }
}

// A reader that stops early (`listgate --help | head`, `listgate lists | grep -m1 …`) closes the pipe: the
// command ends quietly, as other Unix tools do, instead of with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.OK);
  throw error;
});

const code = await runCli(process.argv);
// `serve` keeps the process alive; other commands end here with their code.
if (code !== EXIT.OK || !['serve', 'worker'].includes(process.argv[2] ?? '')) process.exitCode = code;
