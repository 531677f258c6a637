import {
  decodeConsensusMessage, decodeSafetyState, encodeConsensusMessage, encodeSafetyState, MAX_BLOCK_REQUEST, type ConsensusWireMessage, type SafetyState,
} from '../../codec/consensus.js';
import type { SigningKey } from '../../crypto/ed25519.js';
import type { Block, CommittedBlock } from '../../types/block.js';
import type { Cancel, Channel, Clock, Transport } from '../../types/edges.js';
import type { ConsensusParams } from '../../types/genesis.js';
import type { Hash, MemberIndex } from '../../types/primitives.js';
import { InvariantError, OperationalError } from '../../util/errors.js';
import { HotStuffCore } from '../core/core.js';
import type { ConsensusEvent, ConsensusOutput, CoreLogger, CoreMutations, CoreRequest, CoreStatus, SignatureVerifier } from '../core/types.js';
import type { Application, RuntimeLogger, SafetyStateStore, SyncDriver } from './application.js';
import { AppPipeline } from './app-pipeline.js';

/** Options of a ConsensusRuntime. */
export interface ConsensusRuntimeOptions {
  readonly chainId: string;
  readonly params: ConsensusParams;
  readonly signingKey: SigningKey;
  /** Heights behind beyond which the core asks for sync instead of fetching (default 64). */
  readonly maxFetchGap?: number;
  /** Deliberately broken core behaviours; only the planted-bug tests set this. */
  readonly mutations?: CoreMutations;
}

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
  /** Called once when the runtime halts (invariant broken, disk or application failure). */
  readonly onFatal?: (err: unknown) => void;
}

// Peer messages beyond this many queued events are dropped (loss is normal for the protocol);
// the runtime's own events (timers, answers) are always queued.
const MAX_INBOX_MESSAGES = 10_000;
// A block response stays well under the transport's message limit.
const MAX_RESPONSE_TX_BYTES = 8 * 1024 * 1024;

const CHANNEL: Channel = 'consensus';

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
  private pipeline: AppPipeline | null = null;
  private readonly inbox: ConsensusEvent[] = [];
  private queuedMessages = 0;
  private pumping: Promise<void> | null = null;
  private cancelTimer: Cancel | null = null;
  private stopped = false;
  private haltedBy: unknown = null;

  constructor(opts: ConsensusRuntimeOptions, deps: ConsensusRuntimeDeps) {
    this.opts = opts;
    this.deps = deps;
  }

  /** Core status; null before start. */
  get status(): CoreStatus | null {
    return this.core?.status ?? null;
  }

  /** True once a fatal error stopped the runtime. */
  get halted(): boolean {
    return this.haltedBy !== null;
  }

  /** Loads the safety state and the committed head, subscribes to the transport, enters the first view. */
  async start(): Promise<void> {
    const { application: app, transport } = this.deps;
    const bytes = await this.deps.safetyStore.load();
    let safety: SafetyState | null = null;
    if (bytes !== null) {
      try {
        safety = decodeSafetyState(bytes);
      } catch (e) {
        throw new OperationalError('SAFETY_STATE_CORRUPT', 'The consensus safety state is unreadable; restore the data directory from a backup (starting without it risks double-signing)', { cause: String(e) });
      }
    }
    const head = app.committedHead();
    this.core = new HotStuffCore(
      {
        chainId: this.opts.chainId, self: transport.self, params: this.opts.params, epoch: app.currentEpoch(), committedHead: head, safety,
        ...(this.opts.maxFetchGap === undefined ? {} : { maxFetchGap: this.opts.maxFetchGap }),
        ...(this.opts.mutations === undefined ? {} : { mutations: this.opts.mutations }),
      },
      { signingKey: this.opts.signingKey, logger: this.deps.coreLogger ?? null, ...(this.deps.verifier ? { verifier: this.deps.verifier } : {}) },
    );
    this.pipeline = new AppPipeline(
      { emptyBlockIntervalMs: this.opts.params.emptyBlockIntervalMs },
      {
        app, clock: this.deps.clock, sync: this.deps.sync ?? null, enqueue: (ev) => this.enqueue(ev), fail: (e) => this.halt(e),
        // docs/protocol.md R20: switching a running core to a new member set is not implemented
        // yet; voting on with the old set would be wrong, so the node stops with a clear error.
        onEpoch: (next) => this.halt(new OperationalError('EPOCH_CHANGE_UNSUPPORTED', 'The member set changed; this node version cannot switch epochs while running: restart it on a version that does', { epoch: next.epoch, startHeight: next.startHeight })),
      },
    );
    transport.onMessage((from, channel, data) => {
      if (channel === CHANNEL) this.handleBytes(from, data);
    });
    this.deps.logger?.info({ height: head.height, view: safety?.lastVotedView ?? 0 }, 'Consensus started');
    this.enqueue({ type: 'start' });
  }

  /** Stops taking events, cancels the timer and waits for in-flight work. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
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
      void this.serveBlocks(from, m.hash, m.count);
      return;
    }
    if (this.queuedMessages >= MAX_INBOX_MESSAGES) return;
    this.queuedMessages++;
    if (m.type === 'blockResponse') this.enqueue({ type: 'blocksFetched', from, blocks: m.blocks });
    else this.enqueue({ type: 'message', from, message: m });
  }

  private enqueue(ev: ConsensusEvent): void {
    if (this.stopped || this.haltedBy !== null) return;
    this.inbox.push(ev);
    if (this.pumping === null) this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.inbox.length > 0 && !this.stopped && this.haltedBy === null) {
        const ev = this.inbox.shift() as ConsensusEvent;
        if (ev.type === 'message' || ev.type === 'blocksFetched') this.queuedMessages--;
        await this.process(ev);
      }
    } finally {
      this.pumping = null;
    }
  }

  private async process(ev: ConsensusEvent): Promise<void> {
    const core = this.core as HotStuffCore;
    let out: ConsensusOutput;
    try {
      out = core.step(ev);
    } catch (e) {
      this.halt(e);
      return;
    }
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
    if (out.timer !== null) this.setTimer(out.timer.view, out.timer.delayMs);
    for (const r of out.requests) this.serveRequest(r);
    if (out.committed.length > 0) this.commit(out.committed);
  }

  private setTimer(view: number, delayMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.deps.clock.setTimer(delayMs, () => {
      this.cancelTimer = null;
      this.enqueue({ type: 'timeout', view });
    });
  }

  private serveRequest(r: CoreRequest): void {
    const pipeline = this.pipeline as AppPipeline;
    switch (r.kind) {
      case 'buildBlock':
        pipeline.build(r);
        return;
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
    this.deps.logger?.info({ height: last.block.header.height, blocks: blocks.length, txs: countTxs(blocks) }, 'Block committed');
    (this.pipeline as AppPipeline).commit(blocks);
  }

  // Answers a peer's fetch from the uncommitted tree first, then the committed store (R17).
  private async serveBlocks(from: MemberIndex, hash: Hash, count: number): Promise<void> {
    const core = this.core;
    if (core === null || this.stopped) return;
    const blocks: Block[] = [];
    let next = hash;
    let size = 0;
    try {
      while (blocks.length < Math.min(count, MAX_BLOCK_REQUEST) && size < MAX_RESPONSE_TX_BYTES) {
        const b = core.getBlock(next) ?? (await this.deps.application.committedBlock(next));
        if (b === null || b === undefined) break;
        blocks.push(b);
        for (const tx of b.txs) size += tx.length;
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
    this.inbox.length = 0;
    const code = e instanceof InvariantError ? 'CONSENSUS_HALTED' : 'CONSENSUS_FAILED';
    this.deps.logger?.error({ code, err: e, status: this.core?.status }, 'Consensus halted: no more votes from this node');
    this.deps.onFatal?.(e);
  }
}

function countTxs(blocks: readonly CommittedBlock[]): number {
  let n = 0;
  for (const b of blocks) n += b.block.txs.length;
  return n;
}
