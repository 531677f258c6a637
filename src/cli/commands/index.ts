import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { devnetCommand } from './devnet.js';
import { exportCommand } from './export.js';
import { genesisHashCommand } from './genesis-hash.js';
import { genesisCommand } from './genesis.js';
import { initCommand } from './init.js';
import { keygenCommand } from './keygen.js';
import { simCommand } from './sim.js';
import { startCommand } from './start.js';
import { tokenCommand } from './token.js';
import { txCommand } from './tx.js';
import { verifyBundleCommand } from './verify-bundle.js';

/** Every `ledger` sub-command, in help order. */
export const COMMANDS: readonly Command[] = [keygenCommand, genesisCommand, genesisHashCommand, initCommand, startCommand, devnetCommand, txCommand, tokenCommand, auditCommand, exportCommand, verifyBundleCommand, simCommand];
