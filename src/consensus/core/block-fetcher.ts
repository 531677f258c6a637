import type { ProposalMessage } from '../../codec/consensus.js';
import type { Block } from '../../types/block.js';
import type { Hash, Height, MemberIndex } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { blockHash, type BlockTree, type TreeNode } from './block-tree.js';
import type { CoreRequest } from './types.js';

/** A block hash this node needs from peers. */
interface Want {
  readonly hash: Hash;
  readonly height: Height;
  from: MemberIndex;
}

/** A fetched block not yet connected to the tree. */
interface DetachedBlock {
  readonly block: Block;
  readonly hash: Hash;
  readonly key: string;
  readonly parentKey: string;
}

/** Construction options of a BlockFetcher. */
export interface BlockFetcherOptions {
  readonly self: MemberIndex;
  readonly memberCount: number;
  /** Heights behind beyond which sync is asked for instead of blocks. */
  readonly maxFetchGap: number;
}

// Bounds on what peers can make us hold: a fetch covers at most maxFetchGap heights.
const MAX_WANTED = 64;
const MAX_DETACHED = 256;
const MAX_ORPHANS = 16;

/**
 * Block retrieval (R17, R18): the hashes this node needs, the fetched blocks waiting for their
 * parents, and the proposals waiting for their ancestors. Only hashes certified by something
 * already verified (a QC, or the parent of a signed proposal with a valid QC) are wanted, and
 * a fetched chain is accepted only if it hash-links back from a wanted hash, so peers cannot
 * inject blocks. A gap wider than maxFetchGap asks the sync module instead (once at a time).
 */
export class BlockFetcher {
  private readonly opts: BlockFetcherOptions;
  private readonly tree: BlockTree;
  private readonly request: (r: CoreRequest) => void;
  private readonly wanted = new Map<string, Want>();
  private readonly detached = new Map<string, DetachedBlock>();
  private readonly orphans = new Map<string, { from: MemberIndex; message: ProposalMessage }>();
  private syncRequested = false;

  constructor(opts: BlockFetcherOptions, tree: BlockTree, request: (r: CoreRequest) => void) {
    this.opts = opts;
    this.tree = tree;
    this.request = request;
  }

  /** True while the sync module is catching up for us. */
  get syncing(): boolean {
    return this.syncRequested;
  }

  /** True while a block is wanted or a sync runs (R24: a node fetching is not quiet). */
  get busy(): boolean {
    const root = this.tree.root;
    for (const [key, w] of this.wanted) {
      // Committed meanwhile (by sync or a longer fetch): nobody will answer for it any more.
      if (w.height <= root.height || this.tree.knows(key)) this.wanted.delete(key);
    }
    return this.syncRequested || this.wanted.size > 0;
  }

  /** Asks for the block `hash` at `height` (and its missing ancestors) unless it is known or committed. */
  want(hash: Hash, height: Height, source: MemberIndex): void {
    const root = this.tree.root;
    const key = toHex(hash);
    if (height <= root.height || this.tree.knows(key)) return;
    const from = source === this.opts.self ? (source + 1) % this.opts.memberCount : source;
    if (height - root.height > this.opts.maxFetchGap) {
      // R18: too far behind to fetch block by block; sync catches up on committed blocks.
      if (!this.syncRequested) {
        this.syncRequested = true;
        this.request({ kind: 'syncNeeded', targetHeight: height, from });
      }
      return;
    }
    const held = this.detached.get(key);
    if (held !== undefined) {
      // We hold it (fetched, or restored from the safety state) but not what it hangs from:
      // ask for the missing ancestor below its detached chain instead (R17).
      let d = held;
      for (let next = this.detached.get(d.parentKey); next !== undefined; next = this.detached.get(d.parentKey)) d = next;
      if (!this.tree.knows(d.parentKey)) this.want(d.block.header.parentHash, d.block.header.height - 1, source);
      return;
    }
    if (this.wanted.has(key)) return;
    if (this.wanted.size >= MAX_WANTED) this.forgetCommitted();
    if (this.wanted.size >= MAX_WANTED) {
      // Still full of blocks above the root nobody answered: the oldest want gives way, so
      // fetching never stops; it is wanted again if a certificate still needs it.
      const oldest = this.wanted.keys().next().value as string;
      this.wanted.delete(oldest);
    }
    this.wanted.set(key, { hash, height, from });
    this.request({ kind: 'fetchBlocks', hash, count: Math.min(this.opts.maxFetchGap, height - root.height), from });
  }

  /**
   * Takes the hash-linked prefix of a peer's answer that starts at a wanted hash, inserts what
   * now connects to the tree (lowest first) and returns those nodes; asks further back when the
   * chain still does not reach the tree.
   */
  accept(from: MemberIndex, blocks: readonly Block[]): TreeNode[] {
    const rootHeight = this.tree.root.height;
    let expected: string | null = null;
    let deepest: DetachedBlock | null = null;
    let connected = false;
    for (const block of blocks) {
      const hash = blockHash(block.header);
      const key = toHex(hash);
      if (expected === null ? !this.wanted.has(key) : key !== expected) break;
      if (block.header.height <= rootHeight || this.detached.size >= MAX_DETACHED) break;
      this.wanted.delete(key);
      deepest = { block, hash, key, parentKey: toHex(block.header.parentHash) };
      this.detached.set(key, deepest);
      if (this.tree.knows(deepest.parentKey)) {
        connected = true;
        break;
      }
      expected = deepest.parentKey;
    }
    const inserted = this.connect();
    if (!connected && deepest !== null) this.want(deepest.block.header.parentHash, deepest.block.header.height - 1, from);
    return inserted;
  }

  /** Blocks recovered from the safety state after a restart: held like fetched ones until they connect. */
  restore(blocks: readonly Block[]): TreeNode[] {
    for (const block of blocks) {
      const hash = blockHash(block.header);
      this.detached.set(toHex(hash), { block, hash, key: toHex(hash), parentKey: toHex(block.header.parentHash) });
    }
    return this.connect();
  }

  /** A block fetched or recovered but not yet connected, to serve peers. */
  detachedBlock(key: string): Block | undefined {
    return this.detached.get(key)?.block;
  }

  /** Inserts every detached block whose parent is known, lowest first. */
  connect(): TreeNode[] {
    // Called after every root move (commit, sync): what is now committed is no longer wanted.
    this.forgetCommitted();
    const rootHeight = this.tree.root.height;
    const out: TreeNode[] = [];
    const sorted = [...this.detached.values()].sort((a, b) => a.block.header.height - b.block.header.height);
    for (const d of sorted) {
      if (d.block.header.height <= rootHeight) {
        this.detached.delete(d.key);
        continue;
      }
      if (!this.tree.knows(d.parentKey)) continue;
      this.detached.delete(d.key);
      // Fetched blocks are ancestors of a certified block; the application still executes them
      // so that their descendants can be checked and committed.
      const node = this.tree.insert(d.block, d.hash, null, 'checking');
      if (node !== null) out.push(node);
    }
    return out;
  }

  /** Parks a proposal until its parent `parentKey` arrives; one per parent, bounded. */
  park(parentKey: string, from: MemberIndex, message: ProposalMessage): void {
    if (this.orphans.size >= MAX_ORPHANS && !this.orphans.has(parentKey)) return;
    this.orphans.set(parentKey, { from, message });
  }

  /** Parked proposals whose parent is now known. */
  takeParked(): { from: MemberIndex; message: ProposalMessage }[] {
    const out: { from: MemberIndex; message: ProposalMessage }[] = [];
    for (const [k, p] of this.orphans) {
      if (this.tree.knows(k)) {
        out.push(p);
        this.orphans.delete(k);
      }
    }
    return out;
  }

  /**
   * Repeats outstanding requests after a view passed without answers, each to the next member
   * after the one asked before (skipping self), since the first one may be down or Byzantine.
   */
  retry(): void {
    const n = this.opts.memberCount;
    this.forgetCommitted();
    for (const [key, w] of this.wanted) {
      if (this.tree.knows(key)) {
        this.wanted.delete(key);
        continue;
      }
      let next = (w.from + 1) % n;
      if (next === this.opts.self) next = (next + 1) % n;
      w.from = next;
      this.request({ kind: 'fetchBlocks', hash: w.hash, count: this.opts.maxFetchGap, from: next });
    }
  }

  // A wanted block at or below the committed root was committed (by consensus or a sync) or
  // lost to a conflicting commit: either way nobody needs it any more.
  private forgetCommitted(): void {
    const rootHeight = this.tree.root.height;
    for (const [key, w] of this.wanted) if (w.height <= rootHeight) this.wanted.delete(key);
  }

  /** The sync module finished: requests may go out again. */
  synced(): void {
    this.syncRequested = false;
  }
}
