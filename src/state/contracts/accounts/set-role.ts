import type { Role } from '../../../types/primitives.js';
import type { TxHandler } from '../../types.js';
import { expectKeys, payloadValidator, readKeyHex, readMatch } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { accountKey } from './keys.js';
import { decodeAccount, encodeAccount, loadAccount } from './types.js';

/** account.setrole payload. */
export interface SetRolePayload {
  /** The account's id (hex of the key it was created with). */
  readonly account: string;
  readonly role: Role;
}

const ROLE_RE = /^(member|integrator|auditor|regulator)$/;

/**
 * account.setrole {account, role}, by a member: the same authority as account.register, which
 * chose the role in the first place, so one member may correct or revoke what one member
 * granted. Membership itself changes only by a vote (member.propose), hence neither a member's
 * role nor the role member can be set here. The new role applies from the block that commits
 * it: to the account's transactions (admission and execution) and to its reads.
 */
export const setAccountRole: TxHandler<SetRolePayload> = {
  type: 'account.setrole',
  roles: ['member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['account', 'role']);
    return { account: readKeyHex(p, 'account'), role: readMatch(p, 'role', ROLE_RE) as Role };
  }),
  execute(ctx, p) {
    if (p.role === 'member') return reject('ROLE_NOT_REGISTRABLE', { role: p.role });
    const account = loadAccount(ctx.state, p.account);
    if (account === undefined) return reject('PARTY_NOT_FOUND', { field: 'account', id: p.account });
    if (account.role === 'member') return reject('ACCOUNT_IS_MEMBER', { id: account.id });
    if (account.role === p.role) return reject('ROLE_UNCHANGED', { role: p.role });
    ctx.state.putRecord(accountKey(account.id), { ...account, role: p.role }, encodeAccount, decodeAccount);
    ctx.emit({ subject: 'account', id: account.id, action: 'role_changed', data: { from: account.role, role: p.role } });
    return OK;
  },
};
