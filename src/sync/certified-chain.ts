import { encodeHeader } from '../codec/block.js';
import { certifiesCommitOf, checkQuorumCert } from '../crypto/certs.js';
import { sha256 } from '../crypto/hash.js';
import type { BlockHeader, CommittedBlock } from '../types/block.js';
import type { Hash, Height, PublicKey } from '../types/primitives.js';
import { bytesEqual } from '../util/bytes.js';

/** A block whose commit has been proven, with its recomputed hash. */
export interface ProvenBlock {
  readonly block: CommittedBlock;
  readonly hash: Hash;
}

/**
 * Bounds on the blocks held while they wait for the certificate at the top of their run. A
 * legitimate run is the blocks one QC committed at once (R12: a certified block whose parent
 * is in the view just before commits every uncommitted ancestor): a handful after failed
 * views, since two consecutive certified views end it. A peer serving hash-linked blocks
 * whose certified height never arrives is refused once it passes either bound.
 */
export interface CertifiedChainLimits {
  readonly maxWaitingBlocks: number;
  /** Transaction bytes of the waiting blocks. */
  readonly maxWaitingBytes: number;
}

/** docs/protocol.md R18 (sync progress bound): 256 blocks or 64 MiB of transactions wait for one certificate at most. */
export const DEFAULT_CERTIFIED_CHAIN_LIMITS: CertifiedChainLimits = { maxWaitingBlocks: 256, maxWaitingBytes: 64 * 1024 * 1024 };

/** The member set that certifies blocks at some height, and the epoch it belongs to. */
export interface EpochMembers {
  readonly epoch: number;
  readonly members: readonly PublicKey[];
}

/**
 * Proves committed blocks fed to it in height order, with nothing but the chain id and the
 * member sets: each block must link by hash to the one before, its hash must be the hash of
 * its header, its header must name the epoch in force at its height, and a run of blocks is
 * released only when the 2-chain commit certificate of its last block (certifiedHeight) is
 * valid for that epoch's members. The last block of an epoch may instead carry its suffix:
 * the headers linking it to the certified block, which never enter the chain (docs/protocol.md
 * R20). Used by block sync and by `ledger audit`; neither trusts the peer or the disk it reads.
 *
 * A run of blocks waiting for one certificate is checked against the epoch in force when its
 * first block arrived: the caller learns a new epoch only by applying its last block, which
 * may sit inside the run (a peer can serve a member-change block without its suffix, claiming
 * a certificate above it). So before applying each proven block the caller must ask
 * `stillInForce`: once the blocks below it are applied, the epoch in force at its height must
 * still be the one its certificate was checked against (docs/protocol.md R20, sync epoch check).
 */
export class CertifiedChain {
  private prevHash: Hash;
  private nextHeight: Height;
  private pending: ProvenBlock[] = [];
  private pendingBytes = 0;
  private readonly chainId: string;
  private readonly limits: CertifiedChainLimits;
  private readonly epochAt: (height: Height) => EpochMembers;

  constructor(
    opts: { chainId: string; head: { height: Height; hash: Hash }; limits?: CertifiedChainLimits },
    deps: { epochAt: (height: Height) => EpochMembers },
  ) {
    this.chainId = opts.chainId;
    this.limits = opts.limits ?? DEFAULT_CERTIFIED_CHAIN_LIMITS;
    this.prevHash = opts.head.hash;
    this.nextHeight = opts.head.height + 1;
    this.epochAt = deps.epochAt;
  }

  /** Height the next block must have. */
  get expectedHeight(): Height {
    return this.nextHeight;
  }

  /** Blocks waiting for their certificate. */
  get waiting(): number {
    return this.pending.length;
  }

  /**
   * Null when the epoch in force at `p`'s height, asked now that every block below it is
   * applied, is the epoch its header named and its certificate was checked against; else why
   * not (a block of an epoch that ended inside its run). Call before applying each proven block.
   */
  stillInForce(p: ProvenBlock): string | null {
    const h = p.block.block.header;
    const now = this.epochAt(h.height).epoch;
    return now === h.epoch ? null : `height ${h.height} names epoch ${h.epoch}, which ended below it (epoch ${now} is in force there)`;
  }

  /** Restarts from `head`, dropping anything unproven (after a bad peer). */
  reset(head: { height: Height; hash: Hash }): void {
    this.prevHash = head.hash;
    this.nextHeight = head.height + 1;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * Adds the next block. Returns the blocks now proven (possibly none), or the reason the
   * block is refused; after a refusal call reset().
   */
  add(cb: CommittedBlock): { readonly proven: ProvenBlock[] } | { readonly error: string } {
    const h = cb.block.header;
    const height = this.nextHeight;
    if (h.height !== height) return { error: `expected height ${height}, got ${h.height}` };
    if (h.chainId !== this.chainId) return { error: `height ${height} has another chain id` };
    if (!bytesEqual(h.parentHash, this.prevHash)) return { error: `height ${height} does not link to its parent` };
    const hash = sha256(encodeHeader(h));
    if (!bytesEqual(hash, cb.hash)) return { error: `height ${height} hash does not match its header` };
    if (cb.certifiedHeight < height) return { error: `height ${height} certified below itself` };
    // Asked before the blocks pending below are applied: every block of a run is checked
    // against the same epoch, and stillInForce rechecks each one as it is applied.
    const epoch = this.epochAt(height);
    if (h.epoch !== epoch.epoch) return { error: `height ${height} names epoch ${h.epoch}, but epoch ${epoch.epoch} is in force there` };
    let bytes = 0;
    for (const tx of cb.block.txs) bytes += tx.length;
    this.pending.push({ block: cb, hash });
    this.pendingBytes += bytes;
    this.prevHash = hash;
    this.nextHeight = height + 1;
    const suffix = cb.suffix ?? [];
    if (cb.certifiedHeight !== height && suffix.length === 0) {
      if (this.pending.length > this.limits.maxWaitingBlocks || this.pendingBytes > this.limits.maxWaitingBytes) {
        return { error: `height ${height}: ${this.pending.length} blocks (${this.pendingBytes} bytes) wait for one certificate, above the bound` };
      }
      return { proven: [] };
    }
    const tip = suffix.length === 0 ? { hash, height } : this.suffixTip(h, hash, suffix);
    if ('error' in tip) return tip;
    if (tip.height !== cb.certifiedHeight) return { error: `height ${height} suffix does not reach its certified height` };
    if (!certifiesCommitOf(cb.commitQc, tip.hash, tip.height)) return { error: `height ${height} certificate does not commit this block` };
    if (cb.commitQc.data.epoch !== epoch.epoch) return { error: `height ${height} certificate is from epoch ${cb.commitQc.data.epoch}` };
    const why = checkQuorumCert(cb.commitQc, this.chainId, epoch.members);
    if (why !== null) return { error: `height ${height} certificate invalid: ${why.message}` };
    // Every pending block links by hash to this one, so this one certificate proves them all.
    this.pendingBytes = 0;
    return { proven: this.pending.splice(0) };
  }

  // The suffix must extend the block by hash, height and epoch, one header at a time.
  private suffixTip(block: BlockHeader, blockHash: Hash, suffix: readonly BlockHeader[]): { hash: Hash; height: Height } | { error: string } {
    let hash = blockHash;
    let height = block.height;
    for (const s of suffix) {
      if (s.chainId !== block.chainId || s.epoch !== block.epoch || s.height !== height + 1 || !bytesEqual(s.parentHash, hash)) {
        return { error: `height ${block.height} suffix header ${s.height} does not extend it` };
      }
      hash = sha256(encodeHeader(s));
      height = s.height;
    }
    return { hash, height };
  }
}
