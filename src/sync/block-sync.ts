import { decodeSyncMessage, encodeSyncMessage, SYNC_MAX_BLOCKS, type SyncMessage } from '../codec/sync.js';
import type { CommittedBlock } from '../types/block.js';
import type { Clock, Transport } from '../types/edges.js';
import type { Hash, Height, MemberIndex } from '../types/primitives.js';
import { CertifiedChain, type EpochMembers } from './certified-chain.js';

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
}

/** Dependencies. */
export interface BlockSyncDeps {
  readonly transport: Transport;
  readonly chain: SyncChain;
  readonly clock: Clock;
  readonly log: SyncLog;
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
  private readonly opts: BlockSyncOpts;
  private readonly deps: BlockSyncDeps;
  private readonly waiters = new Set<Waiter>();
  private running: Promise<Height> | null = null;
  private catchingUp: { startHeight: Height; targetHeight: Height } | null = null;

  constructor(opts: BlockSyncOpts, deps: BlockSyncDeps) {
    this.opts = { ...opts, batchSize: Math.min(opts.batchSize, SYNC_MAX_BLOCKS) };
    this.deps = deps;
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
    if (m.kind === 'getHead') {
      this.deps.transport.send(from, 'sync', encodeSyncMessage({ kind: 'head', height: this.deps.chain.head().height }));
      return;
    }
    if (m.kind === 'getBlocks') {
      void this.deps.chain.readBlocks(m.from, Math.min(m.limit, this.opts.batchSize)).then(
        (blocks) => this.deps.transport.send(from, 'sync', encodeSyncMessage({ kind: 'blocks', blocks })),
        (err: unknown) => this.deps.log.warn({ err }, 'Cannot read blocks for a peer'),
      );
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
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Abandons outstanding requests (node stop). */
  stop(): void {
    for (const w of [...this.waiters]) this.finish(w, null);
  }

  private finish(w: Waiter, m: SyncMessage | null): void {
    if (!this.waiters.delete(w)) return;
    w.cancel();
    w.resolve(m);
  }

  private ask(peer: MemberIndex, req: SyncMessage, kind: Waiter['kind']): Promise<SyncMessage | null> {
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

  private async run(): Promise<Height> {
    const { chain, log } = this.deps;
    const heads = await this.peerHeads();
    const target = heads[0]?.height ?? 0;
    const start = chain.head().height;
    if (target <= start) return start;
    log.info({ from: start, target, peers: heads.length }, 'Block sync started');
    this.catchingUp = { startHeight: start, targetHeight: target };
    try {
      return await this.fetchUpTo(target, heads);
    } finally {
      this.catchingUp = null;
    }
  }

  private async fetchUpTo(target: Height, heads: readonly { peer: MemberIndex; height: Height }[]): Promise<Height> {
    const { chain, log } = this.deps;
    const start = chain.head().height;
    let candidates = heads.filter((h) => h.height > start);
    const proof = new CertifiedChain({ chainId: chain.chainId, head: chain.head() }, { epochAt: (h) => chain.epochAt(h) });
    while (proof.expectedHeight - 1 < target && candidates.length > 0) {
      const peer = candidates[0] as { peer: MemberIndex; height: Height };
      const from = proof.expectedHeight;
      const m = await this.ask(peer.peer, { kind: 'getBlocks', from, limit: this.opts.batchSize }, 'blocks');
      const blocks = m?.kind === 'blocks' ? m.blocks : [];
      const verdict = blocks.length === 0 ? 'no blocks' : await this.accept(blocks, proof);
      if (verdict !== null) {
        // A peer that times out, has nothing or sends a bad block is skipped for this run.
        log.warn({ peer: peer.peer, from, reason: verdict }, 'Block sync peer skipped');
        candidates = candidates.slice(1);
        proof.reset(chain.head());
        continue;
      }
      log.info({ height: chain.head().height, target }, 'Block sync progress');
    }
    log.info({ height: chain.head().height, target }, 'Block sync finished');
    return chain.head().height;
  }

  /** Proves a batch and applies every block it proves; returns why it was refused, or null. */
  private async accept(blocks: readonly CommittedBlock[], proof: CertifiedChain): Promise<string | null> {
    for (const cb of blocks) {
      const r = proof.add(cb);
      if ('error' in r) return r.error;
      for (const p of r.proven) {
        const bad = await this.deps.chain.applySynced(p.block);
        if (bad !== null) return `height ${p.block.block.header.height} does not re-execute: ${bad}`;
      }
    }
    return null;
  }
}
