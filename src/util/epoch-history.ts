import type { Height, PublicKey } from '../types/primitives.js';

/** What an epoch must say for EpochHistory: its number, its member keys and its first height. */
export interface MemberEpoch {
  readonly epoch: number;
  readonly members: readonly PublicKey[];
  readonly startHeight: Height;
}

/**
 * Every epoch of a chain, oldest first; answers "which members certify height h". Shared by
 * the node, the auditor and the SDK's verifiers (src/client/member-sets.ts), so all three
 * pick the member set of a height by the same rule.
 */
export class EpochHistory<E extends MemberEpoch = MemberEpoch> {
  private readonly epochs: E[];

  constructor(epochs: readonly E[]) {
    this.epochs = [...epochs].sort((a, b) => a.epoch - b.epoch);
  }

  /** The epoch in force now. */
  get current(): E {
    return this.epochs[this.epochs.length - 1] as E;
  }

  /** Every epoch, oldest first. */
  get all(): readonly E[] {
    return this.epochs;
  }

  /** Adds the next epoch. */
  push(e: E): void {
    this.epochs.push(e);
  }

  /** The epoch whose members certify a block at `height` (and which its header must name). */
  epochAt(height: Height): E {
    let found = this.epochs[0] as E;
    for (const e of this.epochs) if (e.startHeight <= height) found = e;
    return found;
  }

  /** The member keys whose certificates are valid for a block at `height`. */
  membersAt(height: Height): readonly PublicKey[] {
    return this.epochAt(height).members;
  }
}
