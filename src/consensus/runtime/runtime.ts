import {
  decodeConsensusMessage, decodeSafetyState, encodeConsensusMessage, encodeSafetyState, MAX_BLOCK_REQUEST, type ConsensusWireMessage, type SafetyState,
} from '../../codec/consensus.js';
import { quorumSize } from '../../crypto/certs.js';
import type { SigningKey } from '../../crypto/ed25519.js';
import { encodeHeader } from '../../codec/block.js';
import type { Block, CommittedBlock } from '../../types/block.js';
import type { Cancel, Channel, Clock, Transport } from '../../types/edges.js';
import type { ConsensusParams } from '../../types/genesis.js';
import type { Hash, MemberIndex } from '../../types/primitives.js';
import { bytesEqual } from '../../util/bytes.js';
import { InvariantError, OperationalError } from '../../util/errors.js';
import { PeerLimiter, type PeerLimits } from '../../util/peer-limiter.js';
import { HotStuffCore, type CoreHoldings, type CoreOverrides } from '../core/core.js';
import { scheduleHorizon, type LeaderSchedule } from '../core/leader-schedule.js';
import type { ConsensusEvent, ConsensusOutput, CoreLogger, CoreMutations, CoreRequest, CoreStatus, EpochInfo, SignatureVerifier } from '../core/types.js';
import type { Application, ConsensusMetrics, RuntimeLogger, SafetyStateStore, SyncDriver, ViewChangeCause } from './application.js';
import { AppPipeline, type PipelineEvent } from './app-pipeline.js';
import { messageEpoch } from './message-epoch.js';
import { consensusMessageLimit } from './message-limits.js';

/** Options of a ConsensusRuntime. */
export interface ConsensusRuntimeOptions {
  readonly chainId: string;
  readonly params: ConsensusParams;
  readonly signingKey: SigningKey;
  /** Heights behind beyond which the core asks for sync instead of fetching (default 64). */
  readonly maxFetchGap?: number;
  /** Deliberately broken core behaviours; only the planted-bug tests set this. */
  readonly mutations?: CoreMutations;
  /** The transport's limit on channel 'consensus' (default consensusMessageLimit(params)); block responses are packed under it. */
  readonly maxMessageBytes?: number;
  /** R5: largest clock skew tolerated on a proposal's timestamp before voting (default 10 s). */
  readonly maxClockSkewMs?: number;
}

/** Default of ConsensusRuntimeOptions.maxClockSkewMs. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 10_000;

/** Dependencies of a ConsensusRuntime; the node wires the real ones, the simulator fakes. */
export interface ConsensusRuntimeDeps {
  readonly clock: Clock;
  /** Channel 'consensus' is this runtime's; other channels are ignored. */
  readonly transport: Transport;
  readonly safetyStore: SafetyStateStore;
  readonly application: Application;
  readonly sync?: SyncDriver | null;
  readonly logger?: RuntimeLogger | null;
  readonly coreLogger?: CoreLogger | null;
  readonly verifier?: SignatureVerifier;
  /** Replacement core parts; only the simulator's planted-bug tests set them. */
  readonly coreOverrides?: CoreOverrides;
  /** Called once when the runtime halts (invariant broken, disk or application failure). */
  readonly onFatal?: (err: unknown) => void;
  /**
   * Called when a new epoch starts (R20), before the runtime enters it: the node points its
   * transport at the new member list, so that member indices mean the same to both.
   */
  readonly onEpochChange?: (epoch: EpochInfo) => void;
  readonly metrics?: ConsensusMetrics | null;
  /** A member's name for logs, by index in the epoch in force (the index otherwise). */
  readonly memberName?: (member: MemberIndex) => string;
  /** The leader schedule (R3); only the simulator's planted-bug tests replace the default. */
  readonly schedule?: LeaderSchedule;
}

// Peer messages beyond this many queued events are dropped (loss is normal for the protocol);
// the runtime's own events (timers, answers) are always queued. R23: one member may hold at
// most floor(MAX_INBOX_MESSAGES / n) of them, so it cannot crowd out the others.
const MAX_INBOX_MESSAGES = 10_000;
/**
 * docs/protocol.md R23: block requests served per member. A view's retries re-request at most
 * 64 wanted hashes (R17), so bursts of 128 and 100 per second leave an honest peer room; 8 in
 * flight bound the committed-store reads one member can start.
 */
export const BLOCK_REQUEST_LIMITS: PeerLimits = { ratePerSec: 100, burst: 128, maxInFlight: 8 };
// Room left in a block response for its envelope, under the channel's message limit.
const RESPONSE_HEADROOM_BYTES = 64 * 1024;

const CHANNEL: Channel = 'consensus';
// View timeouts without a commit after which the runtime asks sync whether the chain moved on.
const STALL_TIMEOUTS = 2;
// Committed blocks are logged at debug each, and at info as one summary at most this often,
// so an operator's log does not grow by a line per block (idle heartbeats included).
const COMMIT_SUMMARY_MS = 60_000;

/**
 * Drives a HotStuffCore: one inbox consumed by one loop, so events are processed one at a
 * time in arrival order and nothing polls. Each output is applied in the order that makes a
 * crash at any point safe: persist the safety state (awaited) -> send -> set the timer ->
 * start requests -> hand committed blocks to the application. Requests and commits run on
 * the AppPipeline, whose answers re-enter the inbox as events; a commit never delays the
 * next proposal (pipelining). A broken invariant halts the runtime: it logs CONSENSUS_HALTED
 * and stops voting rather than continuing in an unknown state.
 */
export class ConsensusRuntime {
  private readonly opts: ConsensusRuntimeOptions;
  private readonly deps: ConsensusRuntimeDeps;
  private core: HotStuffCore | null = null;
  /** The previous epoch's core, kept only to serve its blocks to members still finishing that epoch. */
  private retiredCore: HotStuffCore | null = null;
  /** The epoch entered last; this node votes in it only when it is one of its members. */
  private epoch: EpochInfo | null = null;
  private pipeline: AppPipeline | null = null;
  private readonly inbox: PipelineEvent[] = [];
  private lastEpochSyncMs = Number.NEGATIVE_INFINITY;
  /** Members of this node's epoch that named a later one since the last epoch sync. */
  private readonly laterEpochFrom = new Set<MemberIndex>();
  /** Members whose lone claim of a later epoch started a sync that found none (this epoch). */
  private readonly disproven = new Set<MemberIndex>();
  /** The lone claimant whose claim the sync in flight checks. */
  private claimUnderTest: MemberIndex | null = null;
  private readonly lastLaggardAnswerMs = new Map<MemberIndex, number>();
  private stall = { height: -1, timeouts: 0 };
  private queuedMessages = 0;
  private readonly queuedBy = new Map<MemberIndex, number>();
  private readonly blockRequests: PeerLimiter;
  private pumping: Promise<void> | null = null;
  private cancelTimer: Cancel | null = null;
  private overShare = 0;
  /** The view whose timer runs (re-armed after firing in the same view). */
  private armed: { core: HotStuffCore; view: number } | null = null;
  private armedDelayMs = 0;
  /** R24: the timer the core asked for in a quiet view, started once the view has work. */
  private heldTimer: { core: HotStuffCore; view: number; delayMs: number } | null = null;
  /** The last view whose held proposal was announced with our certificates. */
  private announced: { core: HotStuffCore; view: number } | null = null;
  private stopped = false;
  private haltedBy: unknown = null;
  /** The view the metrics last saw, and the first local timeout of a view (for the view-change cause). */
  private viewSeen = -1;
  private timedOut = { view: -1, voted: false };
  private commitSummary = { sinceMs: Number.NEGATIVE_INFINITY, blocks: 0, txs: 0 };

  constructor(opts: ConsensusRuntimeOptions, deps: ConsensusRuntimeDeps) {
    this.opts = opts;
    this.deps = deps;
    this.blockRequests = new PeerLimiter(BLOCK_REQUEST_LIMITS, () => deps.clock.now());
  }

  /** Peer messages and requests dropped for being over their member's bounds (R23). */
  get refusedByPeerBounds(): number {
    return this.blockRequests.refused + this.overShare;
  }

  /** Core status; null before start and while this node is not a member of the epoch. */
  get status(): CoreStatus | null {
    return this.core?.status ?? null;
  }

  /** True while this node is a member of the epoch in force (it votes); false before start. */
  get voting(): boolean {
    return this.core !== null && this.haltedBy === null;
  }

  /** The epoch in force as this runtime knows it; null before start. */
  get currentEpoch(): EpochInfo | null {
    return this.epoch;
  }

  /** What the core holds for peers (votes, timeouts); null while not a member. */
  get holdings(): CoreHoldings | null {
    return this.core?.holdings ?? null;
  }

  /** True once a fatal error stopped the runtime. */
  get halted(): boolean {
    return this.haltedBy !== null;
  }

  /** Loads the safety state and the committed head, subscribes to the transport, enters the first view. */
  async start(): Promise<void> {
    const { application: app, transport } = this.deps;
    const safety = await this.loadSafety();
    const head = app.committedHead();
    this.pipeline = new AppPipeline(
      {
        heartbeatMs: this.opts.params.heartbeatMinutes * 60_000,
        maxClockSkewMs: this.opts.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
        // Waiting longer than the longest view timer cannot produce a useful vote.
        maxVoteWaitMs: this.opts.params.maxViewTimeoutMs,
      },
      {
        app, clock: this.deps.clock, sync: this.deps.sync ?? null, enqueue: (ev) => this.enqueue(ev), fail: (e) => this.halt(e),
        // R20: the epoch switch runs in the inbox, after every event queued before it.
        onEpoch: () => this.enqueue({ type: 'epochChanged' }),
        onHold: (view) => this.announceHold(view),
        // R24: a timer armed while the pool still held the transactions of a block being
        // committed stops once they leave it, or an idle chain would time out a view later.
        onCommitted: () => this.wake(),
      },
    );
    // R24: a transaction reaching the pool starts a held view timer at once.
    app.onTxsAvailable(() => this.wake());
    transport.onMessage((from, channel, data) => {
      if (channel === CHANNEL) this.handleBytes(from, data);
    });
    this.enterEpoch(app.currentEpoch(), safety);
    this.deps.logger?.info({ height: head.height, view: safety?.lastVotedView ?? 0, epoch: this.epoch?.epoch, voting: this.core !== null }, 'Consensus started');
    if (this.core !== null) this.enqueue({ type: 'start' });
  }

  /**
   * Asks the sync module to catch up and then re-reads the application's epoch: for a node
   * that follows the chain without voting (not a member yet, or no longer), whenever a new
   * peer connection may have brought a way to catch up.
   */
  requestSync(): void {
    if (this.core !== null || this.pipeline === null || this.stopped || this.haltedBy !== null) return;
    this.pipeline.sync(0, 0);
  }

  private async loadSafety(): Promise<SafetyState | null> {
    const bytes = await this.deps.safetyStore.load();
    if (bytes === null) return null;
    try {
      return decodeSafetyState(bytes);
    } catch (e) {
      throw new OperationalError('SAFETY_STATE_CORRUPT', 'The consensus safety state is unreadable; restore the data directory from a backup (starting without it risks double-signing)', { cause: String(e) });
    }
  }

  // A fresh core per epoch: its member list, leader schedule, quorum size, certificate cache
  // and safety rules all belong to one epoch (R21); a safety state of an older epoch is
  // discarded by the core itself.
  private enterEpoch(epoch: EpochInfo, safety: SafetyState | null): void {
    this.epoch = epoch;
    this.viewSeen = -1;
    const m = this.deps.metrics;
    m?.epoch.set(epoch.epoch);
    m?.members.set(epoch.members.length);
    m?.quorum.set(quorumSize(epoch.members.length));
    const self = epoch.members.findIndex((k) => bytesEqual(k, this.opts.signingKey.publicKey));
    if (self < 0) {
      this.core = null;
      return;
    }
    this.core = new HotStuffCore(
      {
        chainId: this.opts.chainId, self, params: this.opts.params, epoch, committedHead: this.deps.application.committedHead(), safety,
        history: this.deps.application.recentHeaders?.(scheduleHorizon(epoch.members.length)) ?? [],
        ...(this.opts.maxFetchGap === undefined ? {} : { maxFetchGap: this.opts.maxFetchGap }),
        ...(this.opts.mutations === undefined ? {} : { mutations: this.opts.mutations }),
      },
      {
        signingKey: this.opts.signingKey, logger: this.deps.coreLogger ?? null, ...(this.deps.verifier ? { verifier: this.deps.verifier } : {}),
        ...(this.deps.coreOverrides ? { overrides: this.deps.coreOverrides } : {}),
        ...(this.deps.schedule ? { schedule: this.deps.schedule } : {}),
      },
    );
  }

  /**
   * R20: once the application's committed head ended the epoch (a commit, or a sync past a
   * reconfiguration block), the old core is dropped with its timer and waiting proposal, the
   * node's transport learns the new member list, and a new core starts on the new epoch's
   * root. Its answers still in flight for the old core are dropped on arrival (stale epoch).
   */
  private async switchEpoch(): Promise<void> {
    const epoch = this.deps.application.currentEpoch();
    if (this.epoch !== null && epoch.epoch <= this.epoch.epoch) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.heldTimer = null;
    this.pipeline?.cancelWaiting();
    const old = this.core;
    if (old !== null) {
      // Sent to the old member list (the transport switches lists in onEpochChange below):
      // the certificates that committed the epoch's last block, for whoever lacks them.
      const farewell = old.syncInfo();
      if (farewell !== null) this.deps.transport.broadcast(CHANNEL, encodeConsensusMessage(farewell));
      this.retiredCore = old;
    }
    // Indices now name the new epoch's members.
    this.laterEpochFrom.clear();
    this.disproven.clear();
    this.claimUnderTest = null;
    try {
      this.deps.onEpochChange?.(epoch);
      this.enterEpoch(epoch, await this.loadSafety());
    } catch (e) {
      this.halt(e);
      return;
    }
    const head = this.deps.application.committedHead();
    this.deps.logger?.info({ epoch: epoch.epoch, members: epoch.members.length, startHeight: epoch.startHeight, height: head.height, voting: this.core !== null }, 'Epoch started');
    if (this.core !== null) await this.process({ type: 'start' });
  }

  // A peer still speaks for the epoch that just ended here: it missed the farewell (a
  // partition, a restart), so send it the certificates that end that epoch once more. At most
  // once per view timeout per peer: a Byzantine peer gains nothing but these bytes.
  private answerLaggard(from: MemberIndex, epoch: number): void {
    const old = this.retiredCore;
    if (old === null || old.status.epoch !== epoch) return;
    const now = this.deps.clock.now();
    if (now - (this.lastLaggardAnswerMs.get(from) ?? Number.NEGATIVE_INFINITY) < this.opts.params.viewTimeoutMs) return;
    this.lastLaggardAnswerMs.set(from, now);
    const info = old.syncInfo();
    if (info !== null) this.deps.transport.send(from, CHANNEL, encodeConsensusMessage(info));
  }

  // Fallback for what no message announces: two view timeouts in a row without a new commit
  // may mean the chain moved on in an epoch this node does not hear (its members are not in
  // our list, or the ones that committed the change left). Ask sync; it is rate-limited.
  private syncIfStalled(core: HotStuffCore): void {
    const height = this.deps.application.committedHead().height;
    if (height !== this.stall.height) {
      this.stall = { height, timeouts: 0 };
      return;
    }
    if (++this.stall.timeouts < STALL_TIMEOUTS) return;
    this.stall.timeouts = 0;
    this.syncForEpoch(core.status.leader);
  }

  // R20 (sync epoch check): a member can name any epoch at no cost, and this node cannot
  // verify a certificate of an epoch whose members it has not learnt yet. A claim by f+1
  // distinct members of this node's epoch holds (one of them is honest). A lone claim is
  // checked by one sync; if that sync finds no later epoch, the claimant is not believed
  // alone again in this epoch. So a Byzantine member starts at most one sync per epoch, while
  // an honest member that alone still hears the next epoch (the others partitioned, removed
  // or Byzantine) is believed the first time (the simulator's member-change seeds need it).
  private heardLaterEpoch(from: MemberIndex): void {
    this.laterEpochFrom.add(from);
    const n = this.epoch?.members.length ?? 1;
    const corroborated = this.laterEpochFrom.size >= n - quorumSize(n) + 1;
    if (!corroborated && (this.disproven.has(from) || this.claimUnderTest !== null)) return;
    if (!this.syncForEpoch(from)) return;
    this.laterEpochFrom.clear();
    this.claimUnderTest = corroborated ? null : from;
  }

  // The sync that tested a lone claim ended in the same epoch: the claim was false.
  private judgeClaim(): void {
    if (this.claimUnderTest === null) return;
    if (this.deps.application.currentEpoch().epoch <= (this.epoch?.epoch ?? -1)) this.disproven.add(this.claimUnderTest);
    this.claimUnderTest = null;
  }

  // Peers speak for a later epoch: this node missed the end of its own (or was just added),
  // so it syncs. Rate-limited on top of heardLaterEpoch; true when a sync was requested.
  private syncForEpoch(from: MemberIndex): boolean {
    const now = this.deps.clock.now();
    if (now - this.lastEpochSyncMs < this.opts.params.viewTimeoutMs || this.pipeline === null) return false;
    this.lastEpochSyncMs = now;
    this.deps.logger?.info({ from: this.deps.memberName?.(from) ?? from, epoch: this.epoch?.epoch }, 'Peers are in a later epoch: block sync requested');
    // The answer is a syncCompleted like the core's own syncs: the core must learn a head the
    // sync moved even when it stopped short of the epoch's end (found by the simulator).
    this.pipeline.sync(0, from);
    return true;
  }

  /** Stops taking events, cancels the timer and waits for in-flight work. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.heldTimer = null;
    await this.pumping;
    await this.pipeline?.stop();
  }

  private handleBytes(from: MemberIndex, data: Uint8Array): void {
    let m: ConsensusWireMessage;
    try {
      m = decodeConsensusMessage(data);
    } catch (e) {
      this.deps.logger?.debug({ from, err: e }, 'Dropped undecodable consensus message');
      return;
    }
    if (m.type === 'blockRequest') {
      if (!this.blockRequests.tryAcquire(from)) {
        this.deps.logger?.debug({ from }, 'Block request over the member\'s bounds dropped');
        return;
      }
      void this.serveBlocks(from, m.hash, m.count).finally(() => this.blockRequests.release(from));
      return;
    }
    const n = Math.max(1, this.epoch?.members.length ?? 1);
    const mine = this.queuedBy.get(from) ?? 0;
    if (this.queuedMessages >= MAX_INBOX_MESSAGES || mine >= Math.floor(MAX_INBOX_MESSAGES / n)) {
      this.overShare++;
      return;
    }
    this.queuedMessages++;
    this.queuedBy.set(from, mine + 1);
    if (m.type === 'blockResponse') this.enqueue({ type: 'blocksFetched', from, blocks: m.blocks });
    else this.enqueue({ type: 'message', from, message: m });
  }

  private enqueue(ev: PipelineEvent): void {
    if (this.stopped || this.haltedBy !== null) return;
    this.inbox.push(ev);
    if (this.pumping === null) this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.inbox.length > 0 && !this.stopped && this.haltedBy === null) {
        const ev = this.inbox.shift() as PipelineEvent;
        if (ev.type === 'message' || ev.type === 'blocksFetched') {
          this.queuedMessages--;
          const left = (this.queuedBy.get(ev.from) ?? 1) - 1;
          if (left > 0) this.queuedBy.set(ev.from, left);
          else this.queuedBy.delete(ev.from);
        }
        await this.dispatch(ev);
      }
    } finally {
      this.pumping = null;
    }
  }

  // Runtime-level routing: epoch switches, and what the core of this epoch must not see.
  // Deliberately not async: the common path returns process()'s own promise, so the inbox
  // loop awaits exactly what it awaited before epochs existed (the simulator's schedules,
  // and the regression seeds recorded against them, depend on that interleaving).
  private dispatch(ev: PipelineEvent): Promise<void> | void {
    if (ev.type === 'epochChanged') return this.switchEpoch();
    if (ev.type === 'syncCompleted') this.judgeClaim();
    if (ev.type === 'syncCompleted' && this.deps.application.currentEpoch().epoch > (this.epoch?.epoch ?? -1)) return this.switchEpoch();
    const core = this.core;
    if (ev.type === 'message') {
      const e = messageEpoch(ev.message);
      if (e !== null && e > (this.epoch?.epoch ?? -1)) return this.heardLaterEpoch(ev.from);
      if (e !== null && e < (this.epoch?.epoch ?? -1)) return this.answerLaggard(ev.from, e);
    }
    if (core === null) return;
    if (ev.type === 'timeout') this.syncIfStalled(core);
    // An answer to the previous epoch's core (its build was queued before the switch).
    if (ev.type === 'blockBuilt' && ev.block !== null && ev.block.header.epoch !== core.status.epoch) return;
    return this.process(ev);
  }

  private async process(ev: ConsensusEvent): Promise<void> {
    const core = this.core;
    if (core === null) return;
    if (ev.type === 'timeout' && ev.view !== this.timedOut.view && this.deps.metrics) {
      const before = core.status;
      if (ev.view === before.view) this.timedOut = { view: ev.view, voted: before.lastVotedView >= ev.view };
    }
    let out: ConsensusOutput;
    try {
      out = core.step(ev);
    } catch (e) {
      this.halt(e);
      return;
    }
    if (this.deps.metrics) this.observeView(core);
    if (out.persist !== null) {
      try {
        // R9: durable before any vote or timeout below leaves the node.
        await this.deps.safetyStore.save(encodeSafetyState(out.persist));
      } catch (e) {
        this.halt(e);
        return;
      }
      if (this.stopped) return;
    }
    const { transport } = this.deps;
    for (const m of out.messages) {
      const bytes = encodeConsensusMessage(m.message);
      if (m.to === 'all') transport.broadcast(CHANNEL, bytes);
      else transport.send(m.to, CHANNEL, bytes);
    }
    if (out.timer !== null) this.setTimer(core, out.timer.view, out.timer.delayMs);
    for (const r of out.requests) this.serveRequest(r);
    if (out.committed.length > 0) this.commit(out.committed);
    this.wake();
  }

  // A view entered other than through the QC of the view before it came through a TC.
  private observeView(core: HotStuffCore): void {
    const m = this.deps.metrics;
    const s = core.status;
    if (m === null || m === undefined || s.view === this.viewSeen) return;
    const entered = this.viewSeen >= 0 && s.view > this.viewSeen;
    this.viewSeen = s.view;
    m.view.set(s.view);
    if (!entered || s.highQcView + 1 === s.view) return;
    const tcView = s.view - 1;
    const cause: ViewChangeCause = this.timedOut.view !== tcView ? 'peer_timeout' : this.timedOut.voted ? 'no_qc' : 'no_proposal';
    m.viewChanges.inc({ cause });
  }

  // R24: a view with nothing to order runs no timer, so an idle chain has no view changes;
  // a running timer is re-armed after firing while the view has work, and stopped (kept for
  // later) once it has none left: a member that was fetching when it entered the view must
  // not time out alone for ever while the others are quiet.
  private setTimer(core: HotStuffCore, view: number, delayMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.heldTimer = null;
    const same = this.armed !== null && this.armed.core === core && this.armed.view === view;
    if (!same && this.isQuiet(core)) {
      this.heldTimer = { core, view, delayMs };
      return;
    }
    this.arm(core, view, delayMs);
  }

  private arm(core: HotStuffCore, view: number, delayMs: number): void {
    this.armed = { core, view };
    this.armedDelayMs = delayMs;
    this.cancelTimer = this.deps.clock.setTimer(delayMs, () => {
      this.cancelTimer = null;
      // Views repeat across epochs: a timer of the previous epoch's core must not fire in this one.
      if (this.core === core) this.enqueue({ type: 'timeout', view });
    });
  }

  // The pool is asked only while a timer is held: under load nothing is held.
  private isQuiet(core: HotStuffCore): boolean {
    return core.quiet && !this.deps.application.hasPendingTxs();
  }

  // Starts the held timer once its view has work (a transaction, a proposal, a fetch), and
  // holds the running one again when none is left.
  private wake(): void {
    if (this.stopped || this.haltedBy !== null) return;
    const a = this.armed;
    if (this.cancelTimer !== null && a !== null && a.core === this.core && this.isQuiet(a.core)) {
      this.cancelTimer();
      this.cancelTimer = null;
      this.armed = null;
      this.heldTimer = { core: a.core, view: a.view, delayMs: this.armedDelayMs };
      return;
    }
    const h = this.heldTimer;
    if (h === null) return;
    if (h.core !== this.core) {
      this.heldTimer = null;
      return;
    }
    if (this.isQuiet(h.core)) return;
    this.heldTimer = null;
    this.arm(h.core, h.view, h.delayMs);
  }

  // R24: the leader that formed the QC of the view before holds its proposal, so nothing else
  // would tell the others that QC (and the commit it makes): it broadcasts it once per view.
  private announceHold(view: number): void {
    const core = this.core;
    if (core === null || core.status.view !== view) return;
    if (this.announced !== null && this.announced.core === core && this.announced.view === view) return;
    this.announced = { core, view };
    const info = core.syncInfo();
    if (info !== null) this.deps.transport.broadcast(CHANNEL, encodeConsensusMessage(info));
  }

  private serveRequest(r: CoreRequest): void {
    const pipeline = this.pipeline as AppPipeline;
    switch (r.kind) {
      case 'buildBlock': {
        // R24: only a view entered by a QC may wait for transactions; after a TC the others
        // wait for this proposal to get back to a certified chain.
        const s = this.core?.status;
        pipeline.build(r, s !== undefined && s.view === r.view && s.view === s.highQcView + 1);
        return;
      }
      case 'checkBlock':
        pipeline.check(r.block, r.hash);
        return;
      case 'fetchBlocks':
        this.deps.transport.send(r.from, CHANNEL, encodeConsensusMessage({ type: 'blockRequest', hash: r.hash, count: r.count }));
        return;
      case 'syncNeeded':
        this.deps.logger?.info({ targetHeight: r.targetHeight }, 'Too far behind: block sync requested');
        pipeline.sync(r.targetHeight, r.from);
        return;
    }
  }

  private commit(blocks: readonly CommittedBlock[]): void {
    const last = blocks[blocks.length - 1] as CommittedBlock;
    const txs = countTxs(blocks);
    const now = this.deps.clock.now();
    for (const b of blocks) this.deps.metrics?.blockFinality.observe(Math.max(0, now - b.block.header.timestampMs) / 1000);
    this.deps.logger?.debug({ height: last.block.header.height, blocks: blocks.length, txs }, 'Block committed');
    const sum = this.commitSummary;
    sum.blocks += blocks.length;
    sum.txs += txs;
    if (now - sum.sinceMs >= COMMIT_SUMMARY_MS) {
      this.deps.logger?.info({ height: last.block.header.height, blocks: sum.blocks, txs: sum.txs }, 'Blocks committed');
      this.commitSummary = { sinceMs: now, blocks: 0, txs: 0 };
    }
    (this.pipeline as AppPipeline).commit(blocks);
  }

  // Answers a peer's fetch from the uncommitted tree first, then the committed store (R17),
  // newest first, packed by size: whole blocks while the response stays under the consensus
  // channel's limit (the first always fits: a valid block does), else the transport would
  // refuse it and the block could never be fetched.
  private async serveBlocks(from: MemberIndex, hash: Hash, count: number): Promise<void> {
    if (this.pipeline === null || this.stopped) return;
    const budget = (this.opts.maxMessageBytes ?? consensusMessageLimit(this.opts.params)) - RESPONSE_HEADROOM_BYTES;
    const blocks: Block[] = [];
    let next = hash;
    let size = 0;
    try {
      while (blocks.length < Math.min(count, MAX_BLOCK_REQUEST)) {
        const b = this.core?.getBlock(next) ?? this.retiredCore?.getBlock(next) ?? (await this.deps.application.committedBlock(next));
        if (b === null || b === undefined) break;
        const bytes = encodedSizeBound(b);
        if (blocks.length > 0 && size + bytes > budget) break;
        blocks.push(b);
        size += bytes;
        if (b.header.height <= 1) break;
        next = b.header.parentHash;
      }
    } catch (e) {
      this.deps.logger?.warn({ err: e }, 'Cannot read blocks for a peer');
      return;
    }
    if (blocks.length > 0 && !this.stopped) this.deps.transport.send(from, CHANNEL, encodeConsensusMessage({ type: 'blockResponse', blocks }));
  }

  private halt(e: unknown): void {
    if (this.haltedBy !== null) return;
    this.haltedBy = e;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.heldTimer = null;
    this.inbox.length = 0;
    const code = e instanceof InvariantError ? 'CONSENSUS_HALTED' : 'CONSENSUS_FAILED';
    this.deps.logger?.error({ code, err: e, status: this.core?.status }, 'Consensus halted: no more votes from this node');
    this.deps.onFatal?.(e);
  }
}

// An upper bound of a block's encoded size: its header, and each transaction with the
// largest MessagePack bin header (5 bytes), plus the array headers.
function encodedSizeBound(b: Block): number {
  let n = encodeHeader(b.header).length + 16;
  for (const tx of b.txs) n += tx.length + 5;
  return n;
}

function countTxs(blocks: readonly CommittedBlock[]): number {
  let n = 0;
  for (const b of blocks) n += b.block.txs.length;
  return n;
}
