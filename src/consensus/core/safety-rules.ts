import type { TimeoutMessage, VoteMessage } from '../../codec/consensus.js';
import { signMessage, type SigningKey } from '../../crypto/ed25519.js';
import type { QuorumCert, TimeoutCert, VoteData } from '../../types/block.js';
import type { Hash, Signature, View } from '../../types/primitives.js';
import { invariant } from '../../util/errors.js';
import { proposalSigningBytes, tcMaxHighQcView, timeoutSigningBytes, voteSigningBytes } from './certificates.js';
import type { CoreMutations } from './types.js';

/**
 * The voting and timeout predicates of DiemBFT v4 / Jolteon (docs/protocol.md R5-R7, R10),
 * over the numbers that make a node safe: the last view it voted or timed out in, and the
 * highest QC view it voted on top of (its lock). This is the only code that signs (DiemBFT's
 * Safety module): makeVote and makeTimeout check the predicate and record before signing.
 */
export class SafetyRules {
  private readonly chainId: string;
  private readonly key: SigningKey;
  private epochNo: number;
  private lastVoted: View;
  private locked: View;
  private readonly mutations: CoreMutations;

  constructor(chainId: string, key: SigningKey, epoch: number, lastVotedView: View, lockedView: View, mutations: CoreMutations) {
    this.chainId = chainId;
    this.key = key;
    this.epochNo = epoch;
    this.lastVoted = lastVotedView;
    this.locked = lockedView;
    this.mutations = mutations;
  }

  /** Epoch the numbers belong to. */
  get epoch(): number {
    return this.epochNo;
  }

  /** Highest view voted or timed out in (DiemBFT highest_vote_round). */
  get lastVotedView(): View {
    return this.lastVoted;
  }

  /** Highest QC view voted on top of (DiemBFT highest_qc_round). */
  get lockedView(): View {
    return this.locked;
  }

  /**
   * R5-R7: vote for a block of `view` justified by a QC of `qcView` (and, after a timeout, the
   * TC of the previous view) only if the view is new to this node and the block either extends
   * the previous view's QC or extends a QC at least as high as every QC in the TC.
   */
  safeToVote(view: View, qcView: View, tc: TimeoutCert | null): boolean {
    const fresh = this.mutations.voteTwice ? view >= this.lastVoted : view > this.lastVoted;
    if (!fresh || view <= qcView) return false;
    if (view === qcView + 1 || this.mutations.ignoreLock === true) return true;
    if (tc === null || view !== tc.view + 1) return false;
    return qcView >= tcMaxHighQcView(tc);
  }

  /** Records a vote; the caller persists the new state before sending it (R9). */
  recordVote(view: View, qcView: View): void {
    invariant(this.mutations.voteTwice || view > this.lastVoted, 'vote in a view already voted in');
    this.lastVoted = Math.max(this.lastVoted, view);
    this.locked = Math.max(this.locked, qcView);
  }

  /**
   * R10: time out `view` carrying a QC of `qcView` only if that QC is not below the lock, the
   * view is not behind the last vote (timing out the view just voted in is allowed), and the
   * view is entered legitimately: by the QC of the previous view or by its TC.
   */
  safeToTimeout(view: View, qcView: View, lastTc: TimeoutCert | null): boolean {
    if (qcView < this.locked) return false;
    if (view <= Math.max(this.lastVoted - 1, qcView)) return false;
    return view === qcView + 1 || (lastTc !== null && view === lastTc.view + 1);
  }

  /** Records a timeout: no vote in `view` after this (DiemBFT increase_highest_vote_round). */
  recordTimeout(view: View): void {
    this.lastVoted = Math.max(this.lastVoted, view);
  }

  /**
   * R5-R7: a signed vote for the block `blockHash` of `view` at `height` that extends a QC of
   * `qcView` (the parent's view) and was proposed with `tc`; null when not safe. The caller
   * persists the state before the vote leaves (R9).
   */
  makeVote(view: View, height: number, blockHash: Hash, qcView: View, parentHash: Hash, tc: TimeoutCert | null): VoteMessage | null {
    if (!this.safeToVote(view, qcView, tc)) return null;
    this.recordVote(view, qcView);
    const data: VoteData = { epoch: this.epochNo, view, height, blockHash, parentView: qcView, parentHash };
    return { type: 'vote', data, signature: signMessage(this.key, voteSigningBytes(this.chainId, data)) };
  }

  /** R10: a signed timeout for `view` carrying `highQc` (view `qcView`) and `lastTc`; null when not safe. */
  makeTimeout(view: View, highQc: QuorumCert | null, qcView: View, lastTc: TimeoutCert | null): TimeoutMessage | null {
    if (!this.safeToTimeout(view, qcView, lastTc)) return null;
    this.recordTimeout(view);
    const signature = signMessage(this.key, timeoutSigningBytes(this.chainId, this.epochNo, view, qcView));
    return { type: 'timeout', epoch: this.epochNo, view, highQc, lastTc, signature };
  }

  /** R4/R7: a leader may propose only in a view it has not voted or timed out in yet. */
  mayPropose(view: View): boolean {
    return view > this.lastVoted;
  }

  /**
   * R4/R7: the leader's signature on its own block of `view`, or null when the view is not
   * above the last view it voted or timed out in (aptos-core sign_proposal). The leader votes
   * for its block before the proposal leaves (R9 persists that vote first), so a restarted
   * leader never signs a second, different block for a view it already proposed in.
   */
  signProposal(view: View, blockHash: Hash): Signature | null {
    if (!this.mayPropose(view)) return null;
    return signMessage(this.key, proposalSigningBytes(this.chainId, blockHash));
  }

  /** Starts a new epoch: views restart, so the numbers reset (R21). */
  enterEpoch(epoch: number): void {
    invariant(epoch > this.epochNo, 'epoch went backwards');
    this.epochNo = epoch;
    this.lastVoted = 0;
    this.locked = 0;
  }
}
