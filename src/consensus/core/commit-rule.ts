import type { CommittedBlock, QuorumCert } from '../../types/block.js';
import type { Hash, Height, View } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { invariant } from '../../util/errors.js';
import type { BlockTree } from './block-tree.js';

/** The block a QC commits, and the view it was proposed in (its leader holds it). */
export interface CommitTarget {
  readonly hash: Hash;
  readonly height: Height;
  readonly view: View;
}

/**
 * R12 (2-chain commit rule): a QC on block B' whose parent B was proposed in the view just
 * before (B'.view = B.view + 1) commits B and, transitively, every ancestor of B. Any other
 * QC commits nothing. `oneChain` is the planted bug of test/sim/mutations.test.ts: it commits
 * the certified block itself.
 */
export function commitTarget(qc: QuorumCert, oneChain: boolean): CommitTarget | null {
  const d = qc.data;
  if (oneChain) return { hash: d.blockHash, height: d.height, view: d.view };
  if (d.parentView + 1 !== d.view) return null;
  return { hash: d.parentHash, height: d.height - 1, view: d.parentView };
}

/** What applying the pending commit certificate gave. */
export type CommitStep =
  | { readonly kind: 'committed'; readonly blocks: readonly CommittedBlock[]; readonly height: Height }
  | { readonly kind: 'missing'; readonly target: CommitTarget };

/**
 * Keeps the highest QC that commits something above the root and applies it once the target
 * block is in the tree (R12). A QC committing a block that conflicts with a recently committed
 * one proves more than f Byzantine members: it breaks an invariant.
 */
export class CommitTracker {
  private readonly tree: BlockTree;
  private readonly oneChain: boolean;
  private pending: QuorumCert | null = null;

  constructor(tree: BlockTree, oneChain: boolean) {
    this.tree = tree;
    this.oneChain = oneChain;
  }

  /** Notes a verified QC (if any) and tries to commit; null when nothing happens. */
  step(qc: QuorumCert | null): CommitStep | null {
    if (qc !== null) this.note(qc);
    const p = this.pending;
    const t = p === null ? null : commitTarget(p, this.oneChain);
    if (p === null || t === null || t.height <= this.tree.root.height) {
      this.pending = null;
      return null;
    }
    const key = toHex(t.hash);
    if (this.tree.get(key) === undefined) return { kind: 'missing', target: t };
    this.pending = null;
    const nodes = this.tree.commit(key);
    for (const n of nodes) invariant(n.status !== 'invalid', 'a certified block failed local execution');
    return { kind: 'committed', height: t.height, blocks: nodes.map((n) => ({ block: n.block, hash: n.hash, commitQc: p, certifiedHeight: t.height })) };
  }

  private note(qc: QuorumCert): void {
    const t = commitTarget(qc, this.oneChain);
    if (t === null) return;
    if (t.height <= this.tree.root.height) {
      const committed = this.tree.committedAt(t.height);
      invariant(committed === undefined || committed === toHex(t.hash), 'a valid QC commits a block conflicting with the committed chain');
      return;
    }
    if (this.pending === null || qc.data.view > this.pending.data.view) this.pending = qc;
  }
}
