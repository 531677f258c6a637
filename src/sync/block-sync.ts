import { encodeCommittedBlock } from '../codec/block.js';
import { decodeSyncMessage, encodeSyncBlocks, encodeSyncMessage, SYNC_MAX_BLOCKS, type SyncMessage } from '../codec/sync.js';
import type { CommittedBlock } from '../types/block.js';
import type { Clock, Transport } from '../types/edges.js';
import type { Hash, Height, MemberIndex } from '../types/primitives.js';
import { PeerLimiter, type PeerLimits } from '../util/peer-limiter.js';
import { CertifiedChain, DEFAULT_CERTIFIED_CHAIN_LIMITS, type CertifiedChainLimits, type EpochMembers } from './certified-chain.js';

/** The chain as sync sees it (implemented in node/ over storage + executor). */
export interface SyncChain {
  readonly chainId: string;
  head(): { height: Height; hash: Hash };
  /** The epoch (number and member keys) whose certificates are valid for a block at `height`. */
  epochAt(height: Height): EpochMembers;
  /** Re-executes a block whose certificate sync has proven, checks every root, persists it; null or why not. */
  applySynced(block: CommittedBlock): Promise<string | null>;
  /** Committed blocks [from, from+limit) for serving peers. */
  readBlocks(from: Height, limit: number): Promise<CommittedBlock[]>;
}

/** Narrow logger (pino-compatible). */
export interface SyncLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options. */
export interface BlockSyncOpts {
  /** How long to wait for a peer's answer before asking another. */
  readonly requestTimeoutMs: number;
  readonly batchSize: number;
  /**
   * A peer that proves no new block for this long is dropped for the run (its claimed head
   * does not materialise); default 10 request timeouts. Bounds how long one peer holds a
   * sync, and with it the commit queue the sync runs on.
   */
  readonly progressTimeoutMs?: number;
  /** Bounds on unproven blocks held from one peer (default DEFAULT_CERTIFIED_CHAIN_LIMITS). */
  readonly waiting?: CertifiedChainLimits;
  /**
   * Largest 'blocks' answer this node sends, packed by encoded size (default 32 MiB); the
   * sync channel's message limit must be above it plus one largest block.
   */
  readonly maxResponseBytes?: number;
  /** What one peer may ask of this node (default SYNC_SERVE_LIMITS). */
  readonly serveLimits?: PeerLimits;
}

/** Metrics sync updates where their events happen (node/metrics.ts provides them). */
export interface SyncMetrics {
  readonly syncing: { set(value: number): void };
  readonly syncTarget: { set(value: number): void };
  readonly syncLag: { set(value: number): void };
  readonly syncedBlocks: { inc(value?: number): void };
}

/**
 * docs/protocol.md R23 (per-peer bounds): a syncing peer asks one batch at a time, so two
 * requests in flight and 20 per second (bursts of 40) leave room for an honest peer and cap a
 * hostile one at 20 disk reads of one batch each per second.
 */
export const SYNC_SERVE_LIMITS: PeerLimits = { ratePerSec: 20, burst: 40, maxInFlight: 2 };

const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Dependencies. */
export interface BlockSyncDeps {
  readonly transport: Transport;
  readonly chain: SyncChain;
  readonly clock: Clock;
  readonly log: SyncLog;
  readonly metrics?: SyncMetrics | null;
  /** A member's name for logs (the index otherwise). */
  readonly peerName?: (peer: MemberIndex) => string;
}

type Waiter = { peer: MemberIndex; kind: 'head' | 'blocks'; resolve: (m: SyncMessage | null) => void; cancel: () => void };

/**
 * Catch-up from peers, independent of consensus timers. A lagging node asks every peer for its
 * head, then fetches committed blocks in order from the highest. A block is applied only once
 * its commit is proven: the 2-chain certificate of the block at its certifiedHeight, checked
 * against the member set in force at that height, plus hash links back to our head. Each block
 * is then re-executed and must reproduce its state, transaction and receipt roots.
 */
export class BlockSync {
  private readonly opts: Required<BlockSyncOpts>;
  private readonly deps: BlockSyncDeps;
  private readonly waiters = new Set<Waiter>();
  private readonly serving: PeerLimiter;
  private running: Promise<Height> | null = null;
  private stopped = false;
  private catchingUp: { startHeight: Height; targetHeight: Height } | null = null;

  constructor(opts: BlockSyncOpts, deps: BlockSyncDeps) {
    this.opts = {
      progressTimeoutMs: 10 * opts.requestTimeoutMs, waiting: DEFAULT_CERTIFIED_CHAIN_LIMITS,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES, serveLimits: SYNC_SERVE_LIMITS,
      ...opts, batchSize: Math.min(opts.batchSize, SYNC_MAX_BLOCKS),
    };
    this.deps = deps;
    this.serving = new PeerLimiter(this.opts.serveLimits, () => deps.clock.now());
  }

  /** Requests from peers refused for being over their per-peer bounds. */
  get refusedRequests(): number {
    return this.serving.refused;
  }

  /** True while a catch-up runs. */
  get syncing(): boolean {
    return this.running !== null;
  }

  /**
   * The catch-up under way, once a peer reported a head above ours (a run that finds nothing
   * to fetch never shows): where it started and the highest head peers reported.
   */
  get progress(): { readonly startHeight: Height; readonly targetHeight: Height } | null {
    return this.catchingUp;
  }

  /** Feed every message of channel 'sync' here. Never throws on peer input. */
  handleMessage(from: MemberIndex, bytes: Uint8Array): void {
    let m: SyncMessage;
    try {
      m = decodeSyncMessage(bytes);
    } catch (e) {
      this.deps.log.debug({ from, err: e }, 'Dropped undecodable sync message');
      return;
    }
    if (m.kind === 'getHead' || m.kind === 'getBlocks') {
      if (!this.serving.tryAcquire(from)) {
        this.deps.log.debug({ from, kind: m.kind }, 'Sync request over the peer\'s bounds dropped');
        return;
      }
      if (m.kind === 'getHead') {
        this.serving.release(from);
        this.deps.transport.send(from, 'sync', encodeSyncMessage({ kind: 'head', height: this.deps.chain.head().height }));
        return;
      }
      void this.deps.chain.readBlocks(m.from, Math.min(m.limit, this.opts.batchSize)).then(
        (blocks) => this.deps.transport.send(from, 'sync', this.packBlocks(blocks)),
        (err: unknown) => this.deps.log.warn({ err }, 'Cannot read blocks for a peer'),
      ).finally(() => this.serving.release(from));
      return;
    }
    const kind = m.kind === 'head' ? 'head' : 'blocks';
    for (const w of this.waiters) {
      if (w.peer === from && w.kind === kind) {
        this.finish(w, m);
        return;
      }
    }
  }

  /** Catches up to the highest head any peer reports; resolves with our new height. Concurrent calls share one run. */
  catchUp(): Promise<Height> {
    if (this.running === null) {
      this.deps.metrics?.syncing.set(1);
      this.running = this.run().finally(() => {
        this.running = null;
        this.deps.metrics?.syncing.set(0);
        this.deps.metrics?.syncLag.set(0);
      });
    }
    return this.running;
  }

  /** Abandons outstanding requests and any run (node stop). */
  stop(): void {
    this.stopped = true;
    for (const w of [...this.waiters]) this.finish(w, null);
  }

  private finish(w: Waiter, m: SyncMessage | null): void {
    if (!this.waiters.delete(w)) return;
    w.cancel();
    w.resolve(m);
  }

  private ask(peer: MemberIndex, req: SyncMessage, kind: Waiter['kind']): Promise<SyncMessage | null> {
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      const w: Waiter = { peer, kind, resolve, cancel: () => undefined };
      w.cancel = this.deps.clock.setTimer(this.opts.requestTimeoutMs, () => this.finish(w, null));
      this.waiters.add(w);
      this.deps.transport.send(peer, 'sync', encodeSyncMessage(req));
    });
  }

  private async peerHeads(): Promise<{ peer: MemberIndex; height: Height }[]> {
    const peers = this.deps.transport.connectedPeers();
    const answers = await Promise.all(peers.map((p) => this.ask(p, { kind: 'getHead' }, 'head').then((m) => ({ peer: p, m }))));
    const out: { peer: MemberIndex; height: Height }[] = [];
    for (const { peer, m } of answers) if (m?.kind === 'head') out.push({ peer, height: m.height });
    return out.sort((a, b) => b.height - a.height);
  }

  // Whole blocks, in order, while the encoded answer stays under maxResponseBytes (at least
  // one: the channel's limit fits any valid block).
  private packBlocks(blocks: readonly CommittedBlock[]): Uint8Array {
    const encoded: Uint8Array[] = [];
    let size = 0;
    for (const b of blocks) {
      const e = encodeCommittedBlock(b);
      if (encoded.length > 0 && size + e.length > this.opts.maxResponseBytes) break;
      encoded.push(e);
      size += e.length;
    }
    return encodeSyncBlocks(encoded);
  }

  // R18 (sync progress bound): peers are tried from the highest claimed head down, each until
  // our head reaches its claim, it fails, or it proves nothing for progressTimeoutMs. Every
  // peer is asked once per run, so a run ends; a peer whose head never materialises costs at
  // most that timeout and the bounded unproven blocks it sent.
  private async run(): Promise<Height> {
    const { chain, log } = this.deps;
    const heads = await this.peerHeads();
    const target = heads[0]?.height ?? 0;
    const start = chain.head().height;
    if (target <= start) return start;
    this.deps.metrics?.syncTarget.set(target);
    this.deps.metrics?.syncLag.set(target - start);
    log.info({ from: start, target, peers: heads.length }, 'Block sync started');
    this.catchingUp = { startHeight: start, targetHeight: target };
    try {
      for (const peer of heads) {
        if (peer.height <= chain.head().height) break;
        const why = await this.fromPeer(peer.peer, peer.height);
        // A peer that times out, has nothing, sends a bad block or makes no progress is skipped for this run.
        if (why !== null) log.warn({ peer: this.deps.peerName?.(peer.peer) ?? peer.peer, claimed: peer.height, height: chain.head().height, reason: why }, 'Block sync peer skipped');
      }
    } finally {
      this.catchingUp = null;
    }
    log.info({ height: chain.head().height, target }, 'Block sync finished');
    return chain.head().height;
  }

  /** Fetches from one peer up to its claimed head; null when reached, else why it was given up. */
  private async fromPeer(peer: MemberIndex, claimed: Height): Promise<string | null> {
    const { chain, clock, log } = this.deps;
    const proof = new CertifiedChain({ chainId: chain.chainId, head: chain.head(), limits: this.opts.waiting }, { epochAt: (h) => chain.epochAt(h) });
    let progressAt = clock.now();
    while (chain.head().height < claimed) {
      if (this.stopped) return 'sync stopped';
      const before = chain.head().height;
      const m = await this.ask(peer, { kind: 'getBlocks', from: proof.expectedHeight, limit: this.opts.batchSize }, 'blocks');
      const blocks = m?.kind === 'blocks' ? m.blocks : [];
      if (blocks.length === 0) return m === null ? 'no answer' : 'no blocks';
      const verdict = await this.accept(blocks, proof);
      if (verdict !== null) return verdict;
      if (chain.head().height > before) {
        progressAt = clock.now();
        log.info({ height: chain.head().height, claimed }, 'Block sync progress');
        this.deps.metrics?.syncLag.set(Math.max(0, claimed - chain.head().height));
      } else if (clock.now() - progressAt > this.opts.progressTimeoutMs) {
        return `no block proven for ${this.opts.progressTimeoutMs} ms (${proof.waiting} waiting): the claimed head does not materialise`;
      }
    }
    return null;
  }

  /** Proves a batch and applies every block it proves; returns why it was refused, or null. */
  private async accept(blocks: readonly CommittedBlock[], proof: CertifiedChain): Promise<string | null> {
    for (const cb of blocks) {
      const r = proof.add(cb);
      if ('error' in r) return r.error;
      for (const p of r.proven) {
        const ended = proof.stillInForce(p);
        if (ended !== null) return ended;
        const bad = await this.deps.chain.applySynced(p.block);
        if (bad !== null) return `height ${p.block.block.header.height} does not re-execute: ${bad}`;
        this.deps.metrics?.syncedBlocks.inc();
      }
    }
    return null;
  }
}
