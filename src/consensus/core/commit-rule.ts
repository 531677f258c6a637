import type { QuorumCert } from '../../types/block.js';
import type { Hash, Height, View } from '../../types/primitives.js';

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
