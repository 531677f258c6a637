/**
 * `ledger`: the one binary of the node (docs/cli.md). Each sub-command lives in
 * commands/<name>.ts; this file only dispatches, prints help and maps errors to exit codes
 * (0 success, 1 rejected or failed check, 2 usage error). Tests: test/unit/cli, test/e2e.
 */
import { EXIT, UsageError, type Command, type CommandIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { buildInfo } from '../node/build-info.js';
import { LedgerError } from '../util/errors.js';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`);
  return `Usage: ledger <command> [options]\n       ledger --version\n\nCommands:\n${lines.join('\n')}\n\nRun "ledger <command> --help" for a command's options.`;
}

/** `ledger --version`: the version (package.json) and the commit the build came from. */
export function versionLine(): string {
  const b = buildInfo();
  return `ledger ${b.version} (commit ${b.commit})`;
}

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.out(versionLine());
    return EXIT.ok;
  }
  const cmd: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (cmd === undefined) {
    io.err(`unknown command "${name}"\n\n${topHelp()}`);
    return EXIT.usage;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ledger ${cmd.name}: ${e.message}\n\n${cmd.help}`);
      return EXIT.usage;
    }
    if (e instanceof LedgerError) {
      io.err(`ledger ${cmd.name}: ${e.message}`);
      return EXIT.failed;
    }
    throw e;
  }
}

