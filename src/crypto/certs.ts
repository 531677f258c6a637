import { DOMAIN_VOTE_V1, signingBytes } from '../codec/domains.js';
import { encodeVoteData } from '../codec/block.js';
import type { QuorumCert } from '../types/block.js';
import type { Hash, PublicKey } from '../types/primitives.js';
import { bytesEqual } from '../util/bytes.js';
import { verifySignature } from './ed25519.js';

/** Signatures needed for a quorum of n members: more than two thirds (2f+1 when n = 3f+1). */
export function quorumSize(n: number): number {
  return Math.floor((2 * n) / 3) + 1;
}

/** Why a certificate was refused. */
export interface QcProblem {
  readonly code: 'QUORUM_MISSING' | 'SIGNATURE_INVALID';
  readonly message: string;
}

/**
 * Why a certificate was refused; null means valid. Checks: members sorted and distinct (the
 * decoder guarantees it, but certificates also come from JSON), every index in range, every
 * signature over DOMAIN_VOTE_V1 ‖ chainId ‖ VoteData, and a quorum of the given member set.
 * Used by sync, `ledger audit` and the client's verifiers.
 */
export function checkQuorumCert(qc: QuorumCert, chainId: string, members: readonly PublicKey[]): QcProblem | null {
  const message = signingBytes(DOMAIN_VOTE_V1, chainId, encodeVoteData(qc.data));
  let last = -1;
  for (const s of qc.signatures) {
    const key = members[s.member];
    if (!Number.isInteger(s.member) || key === undefined || s.member <= last) {
      return { code: 'SIGNATURE_INVALID', message: `signer ${s.member} is not a member, or is repeated` };
    }
    if (!verifySignature(key, message, s.signature)) return { code: 'SIGNATURE_INVALID', message: `signature of member ${s.member} does not verify` };
    last = s.member;
  }
  const need = quorumSize(members.length);
  if (qc.signatures.length < need) return { code: 'QUORUM_MISSING', message: `${qc.signatures.length} of ${members.length} signatures; ${need} needed` };
  return null;
}

/**
 * True when `qc` is a direct 2-chain commit certificate for the block with hash `blockHash`
 * at `height` (docs/protocol.md, commit rule): a QC on a child in the very next view.
 */
export function certifiesCommitOf(qc: QuorumCert, blockHash: Hash, height: number): boolean {
  const d = qc.data;
  return bytesEqual(d.parentHash, blockHash) && d.height === height + 1 && d.parentView + 1 === d.view;
}
