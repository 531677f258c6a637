import { encodeProposalData } from '../../codec/consensus.js';
import { encodeQuorumCert, encodeTimeoutCert, encodeTimeoutData, encodeVoteData } from '../../codec/block.js';
import { DOMAIN_PROPOSAL_V1, DOMAIN_TIMEOUT_V1, DOMAIN_VOTE_V1, signingBytes } from '../../codec/domains.js';
import { quorumSize } from '../../crypto/certs.js';
import { sha256 } from '../../crypto/hash.js';
import type { QuorumCert, TimeoutCert, VoteData } from '../../types/block.js';
import type { Hash, MemberIndex, PublicKey, Signature, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import type { SignatureVerifier } from './types.js';

export { quorumSize };

/** f: the most faulty members a set of n tolerates (n - quorum, i.e. floor((n-1)/3)). */
export function faultBound(n: number): number {
  return n - quorumSize(n);
}

/** Bytes a vote signs. */
export function voteSigningBytes(chainId: string, data: VoteData): Uint8Array {
  return signingBytes(DOMAIN_VOTE_V1, chainId, encodeVoteData(data));
}

/** Bytes a timeout signs. */
export function timeoutSigningBytes(chainId: string, epoch: number, view: View, highQcView: View): Uint8Array {
  return signingBytes(DOMAIN_TIMEOUT_V1, chainId, encodeTimeoutData(epoch, view, highQcView));
}

/** Bytes a leader signs for its proposal. */
export function proposalSigningBytes(chainId: string, blockHash: Hash): Uint8Array {
  return signingBytes(DOMAIN_PROPOSAL_V1, chainId, encodeProposalData(blockHash));
}

/** Highest QC view reported in a TC (R6: a block after a TC must extend at least this). */
export function tcMaxHighQcView(tc: TimeoutCert): View {
  let m = 0;
  for (const s of tc.signatures) if (s.highQcView > m) m = s.highQcView;
  return m;
}

// Bounded: a node sees a few certificates per view, and a cleared cache only costs re-verification.
const CACHE_MAX = 4096;

/**
 * Verifies QCs and TCs against a member set, once each: a valid certificate is remembered by
 * the hash of its encoding (R2), so a QC that arrives in a proposal, then in timeouts and
 * sync messages is checked only the first time. PERF: one encode + sha256 (~3 µs) per lookup
 * against 2f+1 ed25519 verifies (~60 µs each) per miss.
 */
export class CertificateChecker {
  private readonly chainId: string;
  private readonly verify: SignatureVerifier;
  private readonly valid = new Set<string>();

  constructor(chainId: string, verify: SignatureVerifier) {
    this.chainId = chainId;
    this.verify = verify;
  }

  /** True when `qc` holds a quorum of valid, distinct member signatures over its VoteData. */
  verifyQc(qc: QuorumCert, members: readonly PublicKey[]): boolean {
    const key = 'q' + toHex(sha256(encodeQuorumCert(qc)));
    if (this.valid.has(key)) return true;
    if (!distinctQuorum(qc.signatures, members.length)) return false;
    const message = voteSigningBytes(this.chainId, qc.data);
    for (const s of qc.signatures) {
      if (!this.verify(members[s.member] as PublicKey, message, s.signature)) return false;
    }
    this.remember(key);
    return true;
  }

  /**
   * True when `tc` holds a quorum of valid, distinct member timeout signatures for its view,
   * and carries the QC of the highest highQcView its signers signed (R11): a QC of exactly that
   * view, of the TC's epoch and valid, or null when that view is the epoch root's `rootView`.
   * A Byzantine signer can no longer claim a QC it cannot show and stop the next leader (R4).
   */
  verifyTc(tc: TimeoutCert, members: readonly PublicKey[], rootView: View): boolean {
    const key = 't' + toHex(sha256(encodeTimeoutCert(tc)));
    if (this.valid.has(key)) return true;
    if (!distinctQuorum(tc.signatures, members.length)) return false;
    const claimed = tcMaxHighQcView(tc);
    if (tc.highQc === null ? claimed > rootView : tc.highQc.data.view !== claimed || tc.highQc.data.epoch !== tc.epoch) return false;
    for (const s of tc.signatures) {
      if (s.highQcView >= tc.view) return false;
      const message = timeoutSigningBytes(this.chainId, tc.epoch, tc.view, s.highQcView);
      if (!this.verify(members[s.member] as PublicKey, message, s.signature)) return false;
    }
    if (tc.highQc !== null && !this.verifyQc(tc.highQc, members)) return false;
    this.remember(key);
    return true;
  }

  /** One member's signature over arbitrary signing bytes. */
  verifySigner(members: readonly PublicKey[], member: MemberIndex, message: Uint8Array, signature: Signature): boolean {
    const key = members[member];
    return key !== undefined && this.verify(key, message, signature);
  }

  private remember(key: string): void {
    if (this.valid.size >= CACHE_MAX) this.valid.clear();
    this.valid.add(key);
  }
}

function distinctQuorum(sigs: readonly { member: MemberIndex }[], n: number): boolean {
  if (sigs.length < quorumSize(n)) return false;
  let last = -1;
  for (const s of sigs) {
    if (!Number.isInteger(s.member) || s.member <= last || s.member >= n) return false;
    last = s.member;
  }
  return true;
}
