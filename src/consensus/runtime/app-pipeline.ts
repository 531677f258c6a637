import type { Block, CommittedBlock } from '../../types/block.js';
import type { Cancel, Clock } from '../../types/edges.js';
import type { Hash, Height, MemberIndex } from '../../types/primitives.js';
import { scheduleHorizon } from '../core/leader-schedule.js';
import type { ConsensusEvent, CoreRequest, EpochInfo } from '../core/types.js';
import type { Application, SyncDriver } from './application.js';

/** What the pipeline feeds back: the core's answers, and the runtime's own epoch signal. */
export type PipelineEvent = ConsensusEvent | { readonly type: 'epochChanged' };

/** Options of the pipeline. */
export interface AppPipelineOptions {
  /**
   * R24: a held proposal goes out, empty, once its parent is this old (0: never), so that an
   * idle chain still shows it can commit.
   */
  readonly heartbeatMs: number;
  /** R5: a block stamped more than this ahead of the local clock is not voted for (yet). */
  readonly maxClockSkewMs: number;
  /** R5: how long a node waits for its clock to reach such a block before giving up its vote. */
  readonly maxVoteWaitMs: number;
}

/** Dependencies of the pipeline. */
export interface AppPipelineDeps {
  readonly app: Application;
  readonly clock: Clock;
  readonly sync: SyncDriver | null;
  /** Feeds answers back to the runtime's inbox. */
  readonly enqueue: (ev: PipelineEvent) => void;
  /** Called when the application cannot commit: the node must stop. */
  readonly fail: (err: unknown) => void;
  /** Called after a commit that ended an epoch (R20). */
  readonly onEpoch?: (next: EpochInfo) => void;
  /** Called when the proposal of `view` is held for lack of anything to order (R24). */
  readonly onHold?: (view: number) => void;
  /** Called once committed blocks are applied (the pool has dropped their transactions). */
  readonly onCommitted?: () => void;
}

type BuildRequest = Extract<CoreRequest, { kind: 'buildBlock' }>;

/**
 * Serves the core's requests to the application. Two queues keep the calls ordered without
 * making consensus wait: `exec` runs buildBlock/checkBlock one at a time in request order, so
 * a parent is always executed before its children; `commits` runs commit calls in order, each
 * after the exec work queued before it (the block was executed), but later exec work never
 * waits for a commit (pipelining: the next proposal is built while the last commit is
 * written).
 */
export class AppPipeline {
  private readonly opts: AppPipelineOptions;
  private readonly deps: AppPipelineDeps;
  private exec: Promise<void> = Promise.resolve();
  private commits: Promise<void> = Promise.resolve();
  private waiting: { req: BuildRequest; cancel: Cancel | null } | null = null;
  private syncQueued = false;
  private stopped = false;

  constructor(opts: AppPipelineOptions, deps: AppPipelineDeps) {
    this.opts = opts;
    this.deps = deps;
    // Only a waiting empty proposal asks the pool: under load nothing waits and each admission
    // costs one comparison; a transaction behind a nonce gap does not release an empty block.
    deps.app.onTxsAvailable(() => {
      if (this.waiting !== null && deps.app.hasPendingTxs()) this.releaseWaiting();
    });
  }

  /**
   * Builds a proposal now, or holds it (R24) while there is nothing to order: `mayHold` (the
   * view was entered by a QC, so nobody waits for this proposal to end a timeout) and no
   * uncommitted ancestor carries transactions and the pool has none a block could include.
   * A transaction arriving releases it at once (onTxsAvailable); the heartbeat, when
   * configured, releases it empty.
   */
  build(req: BuildRequest, mayHold: boolean): void {
    this.cancelWaiting();
    if (mayHold && !req.pipelineHasTxs && !this.deps.app.hasPendingTxs()) {
      this.hold(req);
      return;
    }
    this.runBuild(req, mayHold);
  }

  /**
   * Checks a peer's block after everything queued before it. R5 splits validity from voting:
   * the application's verdict is deterministic (roots, sizes, timestamp above the parent's),
   * so a block certified by a quorum is valid everywhere; whether this node votes also depends
   * on its clock. A block stamped more than maxClockSkewMs ahead is answered once the local
   * clock is close enough (aptos-core waits likewise), or as valid but not votable when that
   * is more than maxVoteWaitMs away. An exception is not a verdict: the check is retried once,
   * and a second exception leaves the block unanswered (never voted, never marked invalid).
   */
  check(block: Block, hash: Hash): void {
    const { app, enqueue, clock } = this.deps;
    this.exec = this.exec.then(async () => {
      let valid: boolean | null = null;
      for (let attempt = 0; attempt < 2 && valid === null && !this.stopped; attempt++) {
        try {
          valid = await app.checkBlock(block, hash);
        } catch {
          valid = null;
        }
      }
      if (valid === null) return;
      const waitMs = block.header.timestampMs - this.opts.maxClockSkewMs - clock.now();
      if (!valid || waitMs <= 0) enqueue({ type: 'blockChecked', hash, valid });
      else if (waitMs > this.opts.maxVoteWaitMs) enqueue({ type: 'blockChecked', hash, valid, vote: false });
      else clock.setTimer(waitMs, () => enqueue({ type: 'blockChecked', hash, valid: true }));
    });
  }

  /** Hands committed blocks to the application in order, after their execution. */
  commit(blocks: readonly CommittedBlock[]): void {
    const executed = this.exec;
    this.commits = Promise.all([this.commits, executed]).then(async () => {
      if (this.stopped) return;
      try {
        // A sync queued before this commit may have written some of these blocks already.
        const top = this.deps.app.committedHead().height;
        const fresh = blocks.filter((b) => b.block.header.height > top);
        if (fresh.length === 0) return;
        const next = await this.deps.app.commit(fresh);
        if (next !== null) this.deps.onEpoch?.(next);
        this.deps.onCommitted?.();
      } catch (e) {
        this.deps.fail(e);
      }
    });
  }

  /**
   * Runs the sync module once pending commits are durable, then reports the new head as
   * syncCompleted (the runtime checks first whether it also ended the epoch).
   */
  sync(targetHeight: Height, from: MemberIndex): void {
    const { app, enqueue, sync } = this.deps;
    // A sync not yet started will catch up to whatever this one would: requests that arrive
    // meanwhile (the core, an epoch, a peer connecting) share it instead of each holding the
    // commit queue for a run of their own.
    if (this.syncQueued) return;
    this.syncQueued = true;
    // On the commit queue: a commit the core emits meanwhile waits for the sync instead of
    // racing it to the same heights.
    this.commits = this.commits.then(async () => {
      this.syncQueued = false;
      if (sync !== null) {
        try {
          await sync.syncTo({ targetHeight, from });
        } catch {
          // The core asks again on the next proposal it cannot place.
        }
      }
      enqueue({ type: 'syncCompleted', head: app.committedHead(), history: app.recentHeaders?.(scheduleHorizon(app.currentEpoch().members.length)) ?? [] });
    });
  }

  /** Drops a proposal waiting for transactions (its epoch ended, or a new view asks to build). */
  cancelWaiting(): void {
    this.waiting?.cancel?.();
    this.waiting = null;
  }

  /** Cancels a waiting empty proposal and waits for queued work. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWaiting();
    await this.exec;
    await this.commits;
  }

  // Nothing to order: wait for a transaction, or the heartbeat (timed from the parent, so one
  // block per interval whichever member leads), and tell the runtime.
  private hold(req: BuildRequest): void {
    this.cancelWaiting();
    const every = this.opts.heartbeatMs;
    const cancel = every > 0
      ? this.deps.clock.setTimer(Math.max(0, req.parentTimestampMs + every - this.deps.clock.now()), () => this.releaseWaiting(true))
      : null;
    this.waiting = { req, cancel };
    this.deps.onHold?.(req.view);
  }

  private releaseWaiting(heartbeat = false): void {
    const w = this.waiting;
    if (w === null) return;
    this.waiting = null;
    w.cancel?.();
    this.runBuild(w.req, !heartbeat);
  }

  private runBuild(req: BuildRequest, mayHold: boolean): void {
    const { app, clock, enqueue } = this.deps;
    this.exec = this.exec.then(async () => {
      if (this.stopped) return;
      let block: Block | null = null;
      try {
        block = await app.buildBlock({
          epoch: req.epoch, view: req.view, height: req.height, parentHash: req.parentHash, parentQc: req.parentQc,
          proposer: req.proposer, timestampMs: Math.max(clock.now(), req.parentTimestampMs + 1),
        });
      } catch {
        block = null;
      }
      // The pool said yes but nothing was selectable (a commit still being written, a nonce
      // gap): an empty block here would only have to be committed by another one (R24).
      if (mayHold && block !== null && block.txs.length === 0 && !req.pipelineHasTxs && this.waiting === null && !this.stopped) {
        this.hold(req);
        return;
      }
      enqueue({ type: 'blockBuilt', view: req.view, block });
    });
  }
}
