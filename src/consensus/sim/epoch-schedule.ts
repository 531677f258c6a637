import type { Height, PublicKey } from '../../types/primitives.js';
import type { MemberPlan } from './member-changes.js';
import type { NodeId } from './sim-network.js';

/**
 * The epoch history a member plan implies (docs/protocol.md R20), as the invariant monitor
 * judges it: epoch 0 runs from height 1 to the first reconfiguration block, epoch e+1 from
 * the block after epoch e's reconfiguration block to the next one, the last epoch forever.
 * The plan ties each change to (epoch, height), which every node's application executes the
 * same way, so this is what the committed chain must show, not a guess about it.
 */
export class EpochSchedule {
  private readonly plan: MemberPlan;
  private readonly keyOf: (node: NodeId) => PublicKey;
  private readonly keyCache = new Map<number, readonly PublicKey[]>();

  constructor(plan: MemberPlan, keyOf: (node: NodeId) => PublicKey) {
    this.plan = plan;
    this.keyOf = keyOf;
  }

  /** The last epoch the plan reaches (0 without changes). */
  get lastEpoch(): number {
    return this.plan.changes.length;
  }

  /** Height of the last planned reconfiguration block; 0 without changes. */
  get lastChangeHeight(): Height {
    return this.plan.changes[this.plan.changes.length - 1]?.atHeight ?? 0;
  }

  /** The epoch whose blocks sit at `height` (>= 1). */
  epochAt(height: Height): number {
    let e = 0;
    while (e < this.plan.changes.length && height > (this.plan.changes[e]?.atHeight ?? Infinity)) e++;
    return e;
  }

  /** First height of `epoch`. */
  startOf(epoch: number): Height {
    return epoch === 0 ? 1 : (this.plan.changes[epoch - 1]?.atHeight ?? Infinity) + 1;
  }

  /** Height of `epoch`'s reconfiguration block; null for the last epoch (it never ends). */
  endOf(epoch: number): Height | null {
    return this.plan.changes[epoch]?.atHeight ?? null;
  }

  /** Members of `epoch` by member index (node ids); empty for an epoch the plan never reaches. */
  members(epoch: number): readonly NodeId[] {
    if (epoch === 0) return this.plan.initial;
    return this.plan.changes[epoch - 1]?.members ?? [];
  }

  /** Public keys of `epoch`'s members by member index (what its certificates are checked against). */
  keys(epoch: number): readonly PublicKey[] {
    let k = this.keyCache.get(epoch);
    if (k === undefined) {
      k = this.members(epoch).map((n) => this.keyOf(n));
      this.keyCache.set(epoch, k);
    }
    return k;
  }

  /** True when process `node` is a member of `epoch`. */
  isMember(node: NodeId, epoch: number): boolean {
    return this.members(epoch).includes(node);
  }
}
