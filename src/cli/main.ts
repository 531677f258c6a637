#!/usr/bin/env -S node --max-semi-space-size=64
// The installed `ledger` binary: wires process I/O to runCli (run-cli.ts) and sets the exit code.
import type { CommandIo } from './command.js';
import { EXIT } from './command.js';
import { runCli } from './run-cli.js';

const io: CommandIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ledger: unexpected error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = EXIT.failed;
  },
);
