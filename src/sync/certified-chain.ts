import { encodeHeader } from '../codec/block.js';
import { certifiesCommitOf, checkQuorumCert } from '../crypto/certs.js';
import { sha256 } from '../crypto/hash.js';
import type { CommittedBlock } from '../types/block.js';
import type { Hash, Height, PublicKey } from '../types/primitives.js';
import { bytesEqual } from '../util/bytes.js';

/** A block whose commit has been proven, with its recomputed hash. */
export interface ProvenBlock {
  readonly block: CommittedBlock;
  readonly hash: Hash;
}

/**
 * Proves committed blocks fed to it in height order, with nothing but the chain id and the
 * member sets: each block must link by hash to the one before, its hash must be the hash of
 * its header, and a run of blocks is released only when the 2-chain commit certificate of
 * its last block (certifiedHeight) is valid for the members in force at that height. Used by
 * block sync and by `ledger audit`; neither trusts the peer or the disk it reads from.
 */
export class CertifiedChain {
  private prevHash: Hash;
  private nextHeight: Height;
  private pending: ProvenBlock[] = [];
  private readonly chainId: string;
  private readonly membersAt: (height: Height) => readonly PublicKey[];

  constructor(opts: { chainId: string; head: { height: Height; hash: Hash } }, deps: { membersAt: (height: Height) => readonly PublicKey[] }) {
    this.chainId = opts.chainId;
    this.prevHash = opts.head.hash;
    this.nextHeight = opts.head.height + 1;
    this.membersAt = deps.membersAt;
  }

  /** Height the next block must have. */
  get expectedHeight(): Height {
    return this.nextHeight;
  }

  /** Blocks waiting for their certificate. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Restarts from `head`, dropping anything unproven (after a bad peer). */
  reset(head: { height: Height; hash: Hash }): void {
    this.prevHash = head.hash;
    this.nextHeight = head.height + 1;
    this.pending = [];
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
    this.pending.push({ block: cb, hash });
    this.prevHash = hash;
    this.nextHeight = height + 1;
    if (cb.certifiedHeight !== height) return { proven: [] };
    if (!certifiesCommitOf(cb.commitQc, hash, height)) return { error: `height ${height} certificate does not commit this block` };
    const why = checkQuorumCert(cb.commitQc, this.chainId, this.membersAt(height));
    if (why !== null) return { error: `height ${height} certificate invalid: ${why.message}` };
    // Every pending block links by hash to this one, so this one certificate proves them all.
    return { proven: this.pending.splice(0) };
  }
}
