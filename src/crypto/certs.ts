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

/**
 * Why a certificate was refused; null means valid. Checks: members sorted and distinct (the
 * decoder guarantees it, but certificates also come from JSON), every index in range, a
 * quorum of the given member set, and every signature over DOMAIN_VOTE_V1 ‖ chainId ‖ VoteData.
 */
export function checkQuorumCert(qc: QuorumCert, chainId: string, members: readonly PublicKey[]): string | null {
  if (qc.signatures.length < quorumSize(members.length)) return 'not enough signatures for a quorum';
  const message = signingBytes(DOMAIN_VOTE_V1, chainId, encodeVoteData(qc.data));
  let last = -1;
  for (const s of qc.signatures) {
    if (!Number.isInteger(s.member) || s.member <= last) return 'signers not strictly increasing';
    last = s.member;
    const key = members[s.member];
    if (key === undefined) return `signer ${s.member} is not a member`;
    if (!verifySignature(key, message, s.signature)) return `bad signature from member ${s.member}`;
  }
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
