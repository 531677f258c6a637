import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { devnetCommand } from './devnet.js';
import { initCommand } from './init.js';
import { keygenCommand } from './keygen.js';
import { simCommand } from './sim.js';
import { startCommand } from './start.js';
import { tokenCommand } from './token.js';
import { txCommand } from './tx.js';

/** Every `ledger` sub-command, in help order. */
export const COMMANDS: readonly Command[] = [keygenCommand, initCommand, startCommand, devnetCommand, txCommand, tokenCommand, auditCommand, simCommand];
