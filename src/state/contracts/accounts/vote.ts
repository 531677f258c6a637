import { invariant } from '../../../util/errors.js';
import type { TxHandler } from '../../types.js';
import { readRecord } from '../../view.js';
import { expectKeys, KEY_HEX_RE, payloadValidator, readFlag, readMatch } from '../payload-reader.js';
import { OK, reject } from '../tx-result.js';
import { memberKeys, tallyProposal } from './governance.js';
import { proposalKey } from './keys.js';
import { decodeProposal, loadMembers } from './types.js';

/** member.vote payload. */
export interface VoteMemberPayload {
  /** Hex hash of the member.propose transaction. */
  readonly proposalId: string;
  readonly approve: boolean;
}

/** member.vote {proposalId, approve}, by a member; one vote per member per proposal. Rules: governance.ts. */
export const voteMember: TxHandler<VoteMemberPayload> = {
  type: 'member.vote',
  roles: ['member'],
  validate: payloadValidator((p) => {
    expectKeys(p, ['approve', 'proposalId']);
    return { proposalId: readMatch(p, 'proposalId', KEY_HEX_RE), approve: readFlag(p, 'approve') };
  }),
  execute(ctx, p) {
    invariant(memberKeys(loadMembers(ctx.state)).has(ctx.signerKey), 'an account with role member is in the member list');
    const proposal = readRecord(ctx.state, proposalKey(p.proposalId), decodeProposal);
    if (proposal === undefined) return reject('PROPOSAL_NOT_FOUND', { proposalId: p.proposalId });
    if (proposal.status !== 'open') return reject('PROPOSAL_CLOSED', { status: proposal.status });
    if (proposal.approvals.includes(ctx.signerKey) || proposal.rejections.includes(ctx.signerKey)) return reject('PROPOSAL_ALREADY_VOTED');
    const voted = p.approve
      ? { ...proposal, approvals: [...proposal.approvals, ctx.signerKey] }
      : { ...proposal, rejections: [...proposal.rejections, ctx.signerKey] };
    ctx.emit({ subject: 'member', id: proposal.id, action: 'voted', data: { approve: p.approve } });
    tallyProposal(ctx, voted);
    return OK;
  },
};
