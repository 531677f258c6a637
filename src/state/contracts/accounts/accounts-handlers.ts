import type { AnyTxHandler } from '../../types.js';
import { proposeMember } from './propose.js';
import { registerAccount } from './register.js';
import { rotateAccount } from './rotate.js';
import { setAccountRole } from './set-role.js';
import { voteMember } from './vote.js';

/**
 * Accounts and governance contract (docs/transactions.md, Accounts and governance).
 *
 * Entry points: account.register (register.ts), account.rotate (rotate.ts), account.setrole
 * (set-role.ts), member.propose (propose.ts), member.vote (vote.ts); the voting rules are in
 * governance.ts.
 * State (keys.ts): 'acct/<id>' accounts, 'key/<pubhex>' every key ever used (active or
 * retired), 'members' the validator list, 'prop/<txhash>' proposals.
 * Invariants:
 * - an account's id never changes; exactly one active key per account; a key is never reused;
 * - role 'member' ⇔ the account's current key is in the member list;
 * - a member change happens only when more than 2/3 of the current members approved.
 * Tests: test/unit/state/contracts/accounts.test.ts and governance.test.ts.
 */
export const ACCOUNTS_HANDLERS: readonly AnyTxHandler[] = [registerAccount, rotateAccount, setAccountRole, proposeMember, voteMember];
