import { encodeHeader } from '../../codec/block.js';
import { sha256 } from '../../crypto/hash.js';
import type { Block, BlockHeader, TimeoutCert } from '../../types/block.js';
import type { Hash, Height, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
import type { CommittedHead } from './types.js';

/** The block hash: sha256 of the canonical header (docs/architecture.md, Chain model). */
export function blockHash(header: BlockHeader): Hash {
  return sha256(encodeHeader(header));
}

/** Where a block stands with the application. */
export type BlockStatus = 'checking' | 'valid' | 'invalid';

/** An uncommitted block this node knows, above the committed root. */
export interface TreeNode {
  readonly block: Block;
  readonly hash: Hash;
  readonly key: string;
  readonly parentKey: string;
  readonly view: View;
  readonly height: Height;
  /** The TC its proposal carried (needed to vote on it after a timeout, R6). */
  readonly tc: TimeoutCert | null;
  status: BlockStatus;
}

/** The committed block everything in the tree descends from. */
export interface TreeRoot extends CommittedHead {
  readonly key: string;
}

/** Root of a tree from a committed head. */
export function rootFromHead(head: CommittedHead): TreeRoot {
  return { ...head, key: toHex(head.hash) };
}

// A node never holds more: views advance only with certificates, so honest trees stay small;
// a Byzantine flood is cut here.
const MAX_TREE_BLOCKS = 2048;
// Hashes of this many recent committed heights are kept to recognise a conflicting commit.
const RECENT_COMMITS = 256;

/**
 * Uncommitted blocks above the last committed block (R16). A block enters only when its
 * parent is already here (or is the root) with height + 1 and a higher view; committing a
 * block makes it the root and drops every block not descending from it.
 */
export class BlockTree {
  private rootNode: TreeRoot;
  private readonly nodes = new Map<string, TreeNode>();
  private readonly recent = new Map<Height, string>();

  constructor(root: TreeRoot) {
    this.rootNode = root;
    this.recent.set(root.height, root.key);
  }

  /** Hex hash committed at `height`, if recent enough to be remembered. */
  committedAt(height: Height): string | undefined {
    return this.recent.get(height);
  }

  /** The committed root. */
  get root(): TreeRoot {
    return this.rootNode;
  }

  /** Number of uncommitted blocks held. */
  get size(): number {
    return this.nodes.size;
  }

  /** An uncommitted block by hex hash. */
  get(key: string): TreeNode | undefined {
    return this.nodes.get(key);
  }

  /** True for the root or a held block. */
  knows(key: string): boolean {
    return key === this.rootNode.key || this.nodes.has(key);
  }

  /** View and height of the root or a held block. */
  position(key: string): { view: View; height: Height; timestampMs: number } | null {
    if (key === this.rootNode.key) return { view: this.rootNode.view, height: this.rootNode.height, timestampMs: this.rootNode.timestampMs };
    const n = this.nodes.get(key);
    return n === undefined ? null : { view: n.view, height: n.height, timestampMs: n.block.header.timestampMs };
  }

  /** Adds a block whose parent is known; returns null when it does not fit (unknown parent, bad height or view, full). */
  insert(block: Block, hash: Hash, tc: TimeoutCert | null, status: BlockStatus): TreeNode | null {
    const key = toHex(hash);
    const existing = this.nodes.get(key);
    if (existing !== undefined) return existing;
    const h = block.header;
    const parentKey = toHex(h.parentHash);
    const parent = this.position(parentKey);
    if (parent === null || h.height !== parent.height + 1 || h.view <= parent.view) return null;
    if (this.nodes.size >= MAX_TREE_BLOCKS) return null;
    const node: TreeNode = { block, hash, key, parentKey, view: h.view, height: h.height, tc, status };
    this.nodes.set(key, node);
    return node;
  }

  /** Blocks from just above the root up to `key`, ascending; null if `key` is not held. */
  branch(key: string): TreeNode[] | null {
    const out: TreeNode[] = [];
    let k = key;
    while (k !== this.rootNode.key) {
      const n = this.nodes.get(k);
      if (n === undefined) return null;
      out.push(n);
      k = n.parentKey;
    }
    return out.reverse();
  }

  /** True when any block between the root and `key` (inclusive) carries transactions. */
  branchHasTxs(key: string): boolean {
    for (const n of this.branch(key) ?? []) if (n.block.txs.length > 0) return true;
    return false;
  }

  /** True when a block of `view` or later is held: a proposal of the current view (R24). */
  hasBlockFrom(view: View): boolean {
    for (const n of this.nodes.values()) if (n.view >= view) return true;
    return false;
  }

  /** Commits `key` and its uncommitted ancestors: returns them ascending and makes `key` the root. */
  commit(key: string): TreeNode[] {
    const branch = this.branch(key);
    invariant(branch !== null && branch.length > 0, 'commit of a block not above the root');
    const top = branch[branch.length - 1] as TreeNode;
    this.rootNode = {
      height: top.height, hash: top.hash, view: top.view, epoch: top.block.header.epoch,
      timestampMs: top.block.header.timestampMs, key: top.key,
    };
    for (const n of branch) {
      this.nodes.delete(n.key);
      this.remember(n.height, n.key);
    }
    this.prune();
    return branch;
  }

  /** Moves the root forward to a head committed elsewhere (sync), keeping descendants of it. */
  resetRoot(head: CommittedHead): void {
    invariant(head.height >= this.rootNode.height, 'root moved backwards');
    this.rootNode = rootFromHead(head);
    this.nodes.delete(this.rootNode.key);
    this.remember(head.height, this.rootNode.key);
    this.prune();
  }

  private remember(height: Height, key: string): void {
    this.recent.set(height, key);
    this.recent.delete(height - RECENT_COMMITS);
  }

  // Keeps exactly the blocks that descend from the root; visiting by height guarantees a
  // parent's fate is decided before its children's.
  private prune(): void {
    const keep = new Set<string>([this.rootNode.key]);
    const sorted = [...this.nodes.values()].sort((a, b) => a.height - b.height);
    for (const n of sorted) {
      if (n.height > this.rootNode.height && keep.has(n.parentKey)) keep.add(n.key);
      else this.nodes.delete(n.key);
    }
  }
}
