import type { CommittedBlock } from '../../types/block.js';
import type { MemberIndex, View } from '../../types/primitives.js';
import type { ConsensusMessage, ConsensusOutput, CoreRequest, Outbound, SafetyState } from './types.js';

/** Accumulates the effects of one step; `build` freezes them into a ConsensusOutput. */
export class OutputBuilder {
  private persistState: SafetyState | null = null;
  private readonly messages: Outbound[] = [];
  private timer: { view: View; delayMs: number } | null = null;
  private readonly requests: CoreRequest[] = [];
  private readonly committed: CommittedBlock[] = [];

  /** The latest snapshot wins: it covers every vote and timeout of the step. */
  persist(state: SafetyState): void {
    this.persistState = state;
  }

  /** Queues a message for one member or for all others. */
  send(to: MemberIndex | 'all', message: ConsensusMessage): void {
    this.messages.push({ to, message });
  }

  /** Replaces the view timer. */
  setTimer(view: View, delayMs: number): void {
    this.timer = { view, delayMs };
  }

  /** Queues a request to the runtime. */
  request(r: CoreRequest): void {
    this.requests.push(r);
  }

  /** Appends committed blocks (callers keep height order). */
  commit(blocks: readonly CommittedBlock[]): void {
    this.committed.push(...blocks);
  }

  /** The finished output. */
  build(): ConsensusOutput {
    return { persist: this.persistState, messages: this.messages, timer: this.timer, requests: this.requests, committed: this.committed };
  }
}
