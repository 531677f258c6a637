import type { Hash, Height, MemberIndex, Signature, View } from './primitives.js';

/**
 * What a vote signs (DiemBFT v4 VoteInfo): the block and its parent, so that a QC on a block
 * whose parent is in the immediately preceding view is by itself a commit certificate for the
 * parent (2-chain rule, docs/protocol.md).
 */
export interface VoteData {
  readonly epoch: number;
  readonly view: View;
  readonly height: Height;
  readonly blockHash: Hash;
  readonly parentView: View;
  readonly parentHash: Hash;
}

/** One member's signature inside a certificate. */
export interface MemberSignature {
  readonly member: MemberIndex;
  readonly signature: Signature;
}

/** Quorum certificate: > 2/3 of the members of the epoch signed the same VoteData. */
export interface QuorumCert {
  readonly data: VoteData;
  /** Sorted by member index, no duplicates. */
  readonly signatures: readonly MemberSignature[];
}

/** A signed timeout for a view, carrying the signer's highest QC view. */
export interface TimeoutSignature {
  readonly member: MemberIndex;
  readonly highQcView: View;
  readonly signature: Signature;
}

/**
 * Timeout certificate: > 2/3 of members timed out in `view`. It carries the highest QC its
 * signers reported (aptos-core TwoChainTimeoutCertificate): its view must equal the highest
 * signed highQcView, so a TC cannot claim a QC nobody can show (docs/protocol.md R11).
 */
export interface TimeoutCert {
  readonly epoch: number;
  readonly view: View;
  /** Sorted by member index, no duplicates. */
  readonly signatures: readonly TimeoutSignature[];
  /** The QC of the highest signed highQcView; null when that is the epoch root. */
  readonly highQc: QuorumCert | null;
}

/** Block header (docs/architecture.md, Chain model). Its hash is the block hash. */
export interface BlockHeader {
  readonly chainId: string;
  readonly epoch: number;
  readonly height: Height;
  readonly view: View;
  readonly parentHash: Hash;
  /** Merkle root over the hashes of the block's transactions. */
  readonly txRoot: Hash;
  /** Authenticated state commitment after executing this block. */
  readonly stateRoot: Hash;
  /** Merkle root over the receipts (ok, code) of the block's transactions. */
  readonly receiptsRoot: Hash;
  readonly proposer: MemberIndex;
  /** Proposer's wall clock, ms since the epoch; must exceed the parent's. */
  readonly timestampMs: number;
  /** Certificate for the parent block (the proposal's justify). Null only for height 1 of an epoch. */
  readonly parentQc: QuorumCert | null;
}

/** A block: header plus the encoded transaction envelopes (encodeTxEnvelope bytes). */
export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly Uint8Array[];
}

/** A block as stored once committed, with the certificate that finalised it. */
export interface CommittedBlock {
  readonly block: Block;
  readonly hash: Hash;
  /**
   * The QC on the consecutive-view child whose VoteData.parentHash is this block: the
   * 2-chain commit certificate. For a block committed as an ancestor of a directly committed
   * block, this is the certificate of that descendant and `certifiedHeight` says which.
   */
  readonly commitQc: QuorumCert;
  /** Height of the block whose direct commit this certificate proves (>= block height). */
  readonly certifiedHeight: Height;
  /**
   * Only on the last block of an epoch (docs/protocol.md R20), when it was committed as an
   * ancestor: the headers of its uncommitted descendants up to certifiedHeight (the epoch's
   * empty suffix), so the hash links from this block to the certified one stay provable
   * although those blocks never enter the chain. Absent (or empty) everywhere else.
   */
  readonly suffix?: readonly BlockHeader[];
}
