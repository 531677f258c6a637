import type { ProposalMessage } from '../../codec/consensus.js';
import type { Block } from '../../types/block.js';
import type { Hash, Height, MemberIndex } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { blockHash } from './block-tree.js';

/** A block hash this node needs from peers. */
interface Want {
  readonly hash: Hash;
  from: MemberIndex;
}

/** A fetched block not yet connected to the tree. */
export interface DetachedBlock {
  readonly block: Block;
  readonly hash: Hash;
  readonly key: string;
  readonly parentKey: string;
}

// Bounds on what peers can make us hold: a fetch covers at most maxFetchGap heights.
const MAX_WANTED = 64;
const MAX_DETACHED = 256;
const MAX_ORPHANS = 16;

/**
 * Block retrieval (R17): the hashes this node needs, the fetched blocks waiting for their
 * parents, and the proposals waiting for their ancestors. Only hashes certified by something
 * already verified (a QC, or the parent of a signed proposal with a valid QC) are wanted, and
 * a fetched chain is accepted only if it hash-links back from a wanted hash, so peers cannot
 * inject blocks.
 */
export class BlockFetcher {
  private readonly wanted = new Map<string, Want>();
  private readonly detached = new Map<string, DetachedBlock>();
  private readonly orphans = new Map<string, { from: MemberIndex; message: ProposalMessage }>();

  /** Marks `hash` as needed; returns true when a request should go out now. */
  want(hash: Hash, from: MemberIndex): boolean {
    const key = toHex(hash);
    if (this.wanted.has(key) || this.detached.has(key) || this.wanted.size >= MAX_WANTED) return false;
    this.wanted.set(key, { hash, from });
    return true;
  }

  /** True while `key` is requested. */
  isWanted(key: string): boolean {
    return this.wanted.has(key);
  }

  /** Number of outstanding requests. */
  get pending(): number {
    return this.wanted.size;
  }

  /**
   * Accepts the hash-linked prefix of a peer's answer that starts at a wanted hash and stays
   * above `rootHeight`; returns the hash of the deepest block's parent when it is still unknown.
   */
  accept(blocks: readonly Block[], rootHeight: Height, known: (key: string) => boolean): { hash: Hash; height: Height } | null {
    let expected: string | null = null;
    let deepest: DetachedBlock | null = null;
    for (const block of blocks) {
      const hash = blockHash(block.header);
      const key = toHex(hash);
      if (expected === null ? !this.wanted.has(key) : key !== expected) break;
      if (block.header.height <= rootHeight || this.detached.size >= MAX_DETACHED) break;
      this.wanted.delete(key);
      const d: DetachedBlock = { block, hash, key, parentKey: toHex(block.header.parentHash) };
      this.detached.set(key, d);
      deepest = d;
      if (known(d.parentKey)) return null;
      expected = d.parentKey;
    }
    if (deepest === null || deepest.block.header.height - 1 <= rootHeight) return null;
    return { hash: deepest.block.header.parentHash, height: deepest.block.header.height - 1 };
  }

  /** Fetched blocks, lowest first, dropping those at or below the root. */
  takeDetached(rootHeight: Height): DetachedBlock[] {
    const out = [...this.detached.values()].sort((a, b) => a.block.header.height - b.block.header.height);
    for (const d of out) if (d.block.header.height <= rootHeight) this.detached.delete(d.key);
    return out.filter((d) => d.block.header.height > rootHeight);
  }

  /** Forgets a detached block once it entered the tree. */
  dropDetached(key: string): void {
    this.detached.delete(key);
  }

  /** Parks a proposal until its parent `parentKey` arrives; one per parent, bounded. */
  parkProposal(parentKey: string, from: MemberIndex, message: ProposalMessage): void {
    if (this.orphans.size >= MAX_ORPHANS && !this.orphans.has(parentKey)) return;
    this.orphans.set(parentKey, { from, message });
  }

  /** Proposals whose parent is now known. */
  takeParked(known: (key: string) => boolean): { from: MemberIndex; message: ProposalMessage }[] {
    const out: { from: MemberIndex; message: ProposalMessage }[] = [];
    for (const [k, p] of this.orphans) {
      if (known(k)) {
        out.push(p);
        this.orphans.delete(k);
      }
    }
    return out;
  }

  /**
   * Requests to repeat after a view passed without answers, each to the next member after the
   * one asked before (skipping `self`), since the first one may be down or Byzantine.
   */
  retry(memberCount: number, self: MemberIndex, known: (key: string) => boolean): { hash: Hash; from: MemberIndex }[] {
    const out: { hash: Hash; from: MemberIndex }[] = [];
    for (const [key, w] of this.wanted) {
      if (known(key)) {
        this.wanted.delete(key);
        continue;
      }
      let next = (w.from + 1) % memberCount;
      if (next === self) next = (next + 1) % memberCount;
      w.from = next;
      out.push({ hash: w.hash, from: next });
    }
    return out;
  }

  /** Drops everything (sync moved the root far ahead, or a new epoch began). */
  clear(): void {
    this.wanted.clear();
    this.detached.clear();
    this.orphans.clear();
  }
}
