import { isValidPublicKey } from '../../../crypto/ed25519.js';
import { fromHex } from '../../../util/bytes.js';
import { invariant } from '../../../util/errors.js';
import type { TxHandler } from '../../types.js';
import { readRecord } from '../../view.js';
import { expectKeys, NAME_RE, payloadValidator, readKeyHex, readMatch, readObject } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { memberKeys, tallyProposal } from './governance.js';
import { publicKeyKey } from './keys.js';
import { decodeKeyEntry, loadMembers, type ProposalAction } from './types.js';

/** member.propose payload. */
export interface ProposeMemberPayload {
  readonly action: ProposalAction;
  readonly member: { readonly name: string; readonly publicKey: string; readonly address: string };
}

export const ACTION_RE = /^(add|remove)$/;
// A libp2p multiaddr such as /ip4/10.0.0.7/tcp/9080 or /dns4/bank-a.example/tcp/9080.
export const ADDRESS_RE = /^\/[A-Za-z0-9._:/-]{1,255}$/;

/**
 * member.propose {action: add|remove, member: {name, publicKey, address}}, by a member.
 * The proposal id is the hex hash of this transaction; the proposer's vote is an approval.
 * Rules: governance.ts.
 */
export const proposeMember: TxHandler<ProposeMemberPayload> = {
  type: 'member.propose',
  roles: ['member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['action', 'member']);
    const m = readObject(p, 'member');
    expectKeys(m, ['address', 'name', 'publicKey'], [], 'member.');
    return {
      action: readMatch(p, 'action', ACTION_RE) as ProposalAction,
      member: { name: readMatch(m, 'name', NAME_RE, 'member.'), publicKey: readKeyHex(m, 'publicKey', 'member.'), address: readMatch(m, 'address', ADDRESS_RE, 'member.') },
    };
  }),
  execute(ctx, p) {
    const members = loadMembers(ctx.state);
    const current = memberKeys(members);
    invariant(current.has(ctx.signerKey), 'an account with role member is in the member list');
    const pk = p.member.publicKey;
    if (p.action === 'remove') {
      if (!current.has(pk)) return reject('MEMBER_NOT_FOUND', { publicKey: pk });
      if (members.length === 1) return reject('MEMBER_LAST');
    } else {
      if (current.has(pk)) return reject('MEMBER_EXISTS', { publicKey: pk });
      const entry = readRecord(ctx.state, publicKeyKey(pk), decodeKeyEntry);
      if (entry !== undefined && !entry.active) return reject('KEY_TAKEN', { publicKey: pk });
      if (entry === undefined && !isValidPublicKey(fromHex(pk) ?? new Uint8Array(0))) return reject('KEY_INVALID', { publicKey: pk });
    }
    const proposal = {
      id: ctx.txHashHex, proposer: ctx.signer, action: p.action, member: p.member, createdHeight: ctx.height,
      status: 'open' as const, approvals: [ctx.signerKey], rejections: [], closedHeight: null,
    };
    ctx.emit({ subject: 'member', id: proposal.id, action: 'proposed', data: { action: p.action, ...p.member } });
    tallyProposal(ctx, proposal);
    return OK;
  },
};
