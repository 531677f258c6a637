import type { QuorumCert, TimeoutCert } from '../../types/block.js';
import type { ConsensusParams } from '../../types/genesis.js';
import type { View } from '../../types/primitives.js';

// 2^20 × any sane base is far beyond any cap; bounding the exponent keeps the arithmetic exact.
const MAX_BACKOFF_EXPONENT = 20;

/**
 * View synchronisation (R11-R15): the current view, the highest QC and TC seen, and the view
 * timer. A view is entered only through a certificate for the view before it (QC or TC), so
 * honest views never drift apart by local timers alone; the timer backs off exponentially
 * with the number of views since the last certified block and is capped (R13).
 */
export class Pacemaker {
  private readonly params: Pick<ConsensusParams, 'viewTimeoutMs' | 'maxViewTimeoutMs'>;
  private rootView: View;
  private current: View;
  private qc: QuorumCert | null;
  private tc: TimeoutCert | null;

  constructor(params: Pick<ConsensusParams, 'viewTimeoutMs' | 'maxViewTimeoutMs'>, rootView: View, highQc: QuorumCert | null, highTc: TimeoutCert | null) {
    this.params = params;
    this.rootView = rootView;
    this.qc = highQc;
    this.tc = highTc;
    this.current = 0;
  }

  /** The current view. */
  get view(): View {
    return this.current;
  }

  /** Highest QC seen; null stands for the epoch root. */
  get highQc(): QuorumCert | null {
    return this.qc;
  }

  /** Highest TC seen. */
  get highTc(): TimeoutCert | null {
    return this.tc;
  }

  /** View of the highest QC (the epoch root's view when none). */
  get highQcView(): View {
    return this.qc === null ? this.rootView : this.qc.data.view;
  }

  /** The TC that justifies the current view, if it was entered by timeout. */
  get lastTc(): TimeoutCert | null {
    return this.tc !== null && this.tc.view === this.current - 1 ? this.tc : null;
  }

  /** Records a verified QC; returns true when it moves the view forward (R14). */
  observeQc(qc: QuorumCert): boolean {
    if (this.qc === null || qc.data.view > this.qc.data.view) this.qc = qc;
    return this.advanceTo(qc.data.view + 1);
  }

  /** Records a verified TC; returns true when it moves the view forward (R14). */
  observeTc(tc: TimeoutCert): boolean {
    if (this.tc === null || tc.view > this.tc.view) this.tc = tc;
    return this.advanceTo(tc.view + 1);
  }

  /** Jumps to `view` if it is ahead (used on start, from the recovered safety state). */
  advanceTo(view: View): boolean {
    if (view <= this.current) return false;
    this.current = view;
    return true;
  }

  /** After a restart: the highest view the persisted state justifies (never below the root's next). */
  resume(lastVotedView: View): void {
    const tcView = this.tc === null ? 0 : this.tc.view + 1;
    this.advanceTo(Math.max(lastVotedView, this.highQcView + 1, tcView, this.rootView + 1));
  }

  /** Starts a new epoch: views restart above the new root. */
  resetForEpoch(rootView: View): void {
    this.rootView = rootView;
    this.qc = null;
    this.tc = null;
    this.current = 0;
  }

  /**
   * R13: base × 2^k, k = views since the highest certified block (0 on the happy path), capped
   * at maxViewTimeoutMs so a node that saw a long outage retries within a bounded time.
   */
  timerDelayMs(): number {
    const k = Math.min(Math.max(0, this.current - 1 - this.highQcView), MAX_BACKOFF_EXPONENT);
    return Math.min(this.params.viewTimeoutMs * 2 ** k, this.params.maxViewTimeoutMs);
  }
}
