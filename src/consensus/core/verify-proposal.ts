import type { ProposalMessage } from '../../codec/consensus.js';
import type { Hash, View } from '../../types/primitives.js';
import { bytesEqual } from '../../util/bytes.js';
import { err, ok, type Result } from '../../util/result.js';
import { blockHash } from './block-tree.js';
import { proposalSigningBytes, type CertificateChecker } from './certificates.js';
import type { EpochInfo } from './types.js';

/** What a valid proposal yields: its block hash and the view of the QC it extends. */
export interface VerifiedProposal {
  readonly hash: Hash;
  readonly qcView: View;
}

/**
 * R4: a proposal is well-formed when it is for this chain and epoch, signed by its proposer,
 * and justified (whether the proposer leads the view depends on the parent's chain, R3, and is
 * judged once the parent is here): its parentQc certifies its parent at height - 1 (or it is the
 * first block of the epoch and extends the epoch root), the QC is from an earlier view, and a
 * carried TC is valid and earlier too. Whether this node may vote on it is decided later (R5).
 */
export function verifyProposal(
  msg: ProposalMessage, chainId: string, epoch: EpochInfo, certs: CertificateChecker,
): Result<VerifiedProposal, string> {
  const h = msg.block.header;
  const members = epoch.members;
  if (h.chainId !== chainId) return err('wrong chain');
  if (h.epoch !== epoch.epoch) return err('wrong epoch');
  if (h.view <= epoch.rootView) return err('view not above the epoch root');
  if (h.height < epoch.startHeight) return err('height below the epoch');
  if (!Number.isInteger(h.proposer) || h.proposer < 0 || h.proposer >= members.length) return err('proposer is not a member');
  const hash = blockHash(h);
  if (!certs.verifySigner(members, h.proposer, proposalSigningBytes(chainId, hash), msg.signature)) return err('bad proposal signature');
  let qcView: View;
  if (h.parentQc === null) {
    if (h.height !== epoch.startHeight || !bytesEqual(h.parentHash, epoch.rootHash)) return err('missing parent QC');
    qcView = epoch.rootView;
  } else {
    const d = h.parentQc.data;
    if (h.height === epoch.startHeight) return err('first block of an epoch carries no QC');
    if (d.epoch !== epoch.epoch || d.height !== h.height - 1 || !bytesEqual(d.blockHash, h.parentHash)) return err('parent QC does not certify the parent');
    if (!certs.verifyQc(h.parentQc, members)) return err('invalid parent QC');
    qcView = d.view;
  }
  if (qcView >= h.view) return err('QC not from an earlier view');
  const tc = msg.tc;
  if (tc !== null && (tc.epoch !== epoch.epoch || tc.view >= h.view || !certs.verifyTc(tc, members, epoch.rootView))) return err('invalid TC');
  return ok({ hash, qcView });
}
