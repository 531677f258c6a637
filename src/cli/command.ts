/** Exit codes of docs/cli.md: 0 success, 1 rejected or a failed check, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a command writes; injected so tests can capture output without spawning. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** One `ledger` sub-command. `run` gets the arguments after the command name. */
export interface Command {
  readonly name: string;
  /** One line for `ledger --help`. */
  readonly summary: string;
  /** Full text for `ledger <name> --help`. */
  readonly help: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** Thrown by argument parsing; main prints the message and the command's help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
