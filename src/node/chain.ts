import { encodeHeader } from '../codec/block.js';
import type { Application, BuildBlockRequest } from '../consensus/runtime/application.js';
import type { CommittedHead, EpochInfo } from '../consensus/core/types.js';
import type { SyncChain } from '../sync/block-sync.js';
import { sha256 } from '../crypto/hash.js';
import { StateTree } from '../crypto/smt.js';
import { executeBlock, type ExecutedBlock } from '../state/executor.js';
import { replayBlock } from '../state/replay.js';
import { buildGenesisState, genesisHash } from '../state/genesis-state.js';
import { encodeContractEvent, historySubject } from '../state/events.js';
import { getAccount, getMembers } from '../state/queries.js';
import type { Mempool } from '../state/mempool/mempool.js';
import type { BlockStore } from '../storage/block-store.js';
import { historyKey, indexKey, membersKey, prefixRange } from '../storage/prefixes.js';
import { PREFIX } from '../storage/prefixes.js';
import type { Block, BlockHeader, CommittedBlock } from '../types/block.js';
import type { KvOp } from '../types/edges.js';
import type { Genesis, Member } from '../types/genesis.js';
import type { Hash, Height, PublicKey } from '../types/primitives.js';
import { bytesEqual, fromHex, toHex } from '../util/bytes.js';
import { OperationalError, invariant } from '../util/errors.js';
import { decodeEpoch, encodeEpoch, EpochHistory, genesisEpoch } from './epochs.js';
import type { Metrics } from './metrics.js';
import { scheduleHorizon } from '../consensus/core/leader-schedule.js';

// Recent committed headers kept in memory for the leader schedule (its horizon is 9 per member).
const RECENT_HEADERS = 512;

/** What the API and metrics learn about each committed block. */
export interface CommitNotice {
  readonly committed: CommittedBlock;
  readonly exec: ExecutedBlock;
}

/** Narrow logger. */
export interface ChainLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options. */
export interface LedgerChainOpts {
  readonly genesis: Genesis;
}

/** Dependencies. */
export interface LedgerChainDeps {
  readonly store: BlockStore;
  readonly mempool: Mempool;
  readonly now: () => number;
  readonly log: ChainLog;
  readonly metrics?: Metrics | null;
}

interface Speculative {
  readonly block: Block;
  readonly hash: Hash;
  readonly exec: ExecutedBlock;
  /**
   * This block or an uncommitted ancestor of its epoch changed the member set: the epoch ends
   * at that block, and everything above it in the same epoch is its empty suffix (R20).
   */
  readonly sealed: boolean;
}

/**
 * The replicated state machine behind consensus (consensus Application) and sync (SyncChain):
 * executes proposals speculatively on their parent's state version (many forks may be alive;
 * each is an immutable StateTree), and on commit writes each block with its results as one
 * synced batch. The committed state is rebuilt at start from the stored world state and
 * checked against the head block's state root.
 */
export class LedgerChain implements Application, SyncChain {
  readonly chainId: string;
  readonly genesisHash: Hash;
  private readonly opts: LedgerChainOpts;
  private readonly deps: LedgerChainDeps;
  private readonly genesisWrites: readonly [Uint8Array, Uint8Array][];
  private headInfo: CommittedHead;
  private headState: StateTree;
  private epochs: EpochHistory;
  private readonly speculative = new Map<string, Speculative>();
  private readonly commitListeners: ((n: CommitNotice) => void)[] = [];
  private readonly txsListeners: (() => void)[] = [];
  private proposerNames: { epoch: number; names: string[] } | null = null;
  /** Headers of the last committed blocks, ascending (the leader schedule's history, R3a). */
  private recent: BlockHeader[] = [];

  constructor(opts: LedgerChainOpts, deps: LedgerChainDeps) {
    this.opts = opts;
    this.deps = deps;
    this.chainId = opts.genesis.chainId;
    this.genesisHash = genesisHash(opts.genesis);
    const g = buildGenesisState(opts.genesis);
    this.genesisWrites = g.writes;
    this.headState = g.state;
    this.headInfo = { height: 0, hash: this.genesisHash, view: 0, epoch: 0, timestampMs: opts.genesis.genesisTimeMs };
    this.epochs = new EpochHistory([genesisEpoch(opts.genesis, this.genesisHash)]);
  }

  /** Loads (or initialises) the chain from the started BlockStore. */
  async load(): Promise<void> {
    const { store, log } = this.deps;
    const identity = store.chainIdentity();
    if (identity === null) {
      await store.initChain({ genesisHash: this.genesisHash, chainId: this.chainId });
    } else {
      await store.checkChain({ genesisHash: this.genesisHash, chainId: this.chainId });
    }
    const epochs = [];
    for await (const [, v] of store.scan(prefixRange(Uint8Array.of(PREFIX.membersByEpoch)))) epochs.push(decodeEpoch(v));
    if (epochs.length > 0) this.epochs = new EpochHistory([genesisEpoch(this.opts.genesis, this.genesisHash), ...epochs]);
    const head = store.head();
    if (head === null) return;
    const cb = await store.getBlock(head.height);
    invariant(cb !== null, 'BlockStore.start checked the head block exists');
    const started = this.deps.now();
    const entries: [Uint8Array, Uint8Array][] = [];
    for await (const e of store.iterateState()) entries.push(e);
    const state = StateTree.fromEntries(entries);
    if (!bytesEqual(state.root, cb.block.header.stateRoot)) {
      throw new OperationalError(
        'STATE_CORRUPT',
        `stored world state does not match the state root of block ${head.height}; restore the data directory from a backup or resync into an empty one`,
      );
    }
    this.headState = state;
    const h = cb.block.header;
    const recent: BlockHeader[] = [];
    for (let height = Math.max(1, h.height - scheduleHorizon(this.epochs.current.members.length) + 1); height < h.height; height++) {
      const b = await store.getBlock(height);
      if (b !== null) recent.push(b.block.header);
    }
    recent.push(h);
    this.recent = recent;
    this.headInfo = { height: h.height, hash: cb.hash, view: h.view, epoch: h.epoch, timestampMs: h.timestampMs };
    log.info({ height: h.height, keys: state.size, ms: this.deps.now() - started }, 'State rebuilt from storage');
  }

  /** Registers a listener for each committed block (API events, metrics); returns the unsubscribe. */
  onCommitted(listener: (n: CommitNotice) => void): () => void {
    this.commitListeners.push(listener);
    return () => {
      const i = this.commitListeners.indexOf(listener);
      if (i >= 0) this.commitListeners.splice(i, 1);
    };
  }

  /** The genesis this chain started from. */
  get genesis(): Genesis {
    return this.opts.genesis;
  }

  /** The committed world state (an immutable version). */
  get state(): StateTree {
    return this.headState;
  }

  /** The member list in force after the committed head, with names and p2p addresses. */
  currentMembers(): Member[] {
    return getMembers(this.headState).map((m) => ({ name: m.name, publicKey: fromHex(m.publicKey) as PublicKey, address: m.address }));
  }

  // ---- Application ---------------------------------------------------------------------

  committedHead(): CommittedHead {
    return this.headInfo;
  }

  recentHeaders(count: number): readonly BlockHeader[] {
    return this.recent.slice(-count);
  }

  currentEpoch(): EpochInfo {
    return this.epochs.current;
  }

  hasPendingTxs(): boolean {
    // The committed head, not the speculative tip: the pipeline asks only when no uncommitted
    // block carries transactions, and a commit still being written errs towards proposing.
    return this.deps.mempool.hasSelectable((acct) => getAccount(this.headState, acct)?.nextNonce ?? 0);
  }

  onTxsAvailable(handler: () => void): void {
    this.txsListeners.push(handler);
  }

  /** The node calls this after every admission to the pool. */
  notifyTxsAvailable(): void {
    for (const h of this.txsListeners) h();
  }

  async committedBlock(hash: Hash): Promise<Block | null> {
    const cb = await this.deps.store.getBlockByHash(hash);
    return cb?.block ?? null;
  }

  private parentState(parentHash: Hash): StateTree | null {
    if (bytesEqual(parentHash, this.headInfo.hash)) return this.headState;
    return this.speculative.get(toHex(parentHash))?.exec.state ?? null;
  }

  // R20: a child of `parentHash` in `epoch` belongs to an epoch's suffix when its parent is
  // sealed, or when the committed head already ended that epoch (the old core may still
  // propose on it until the runtime switches).
  private sealedAbove(parentHash: Hash, epoch: number): boolean {
    if (bytesEqual(parentHash, this.headInfo.hash)) return epoch < this.epochs.current.epoch;
    const parent = this.speculative.get(toHex(parentHash));
    return parent !== undefined && parent.sealed && parent.block.header.epoch === epoch;
  }

  async buildBlock(req: BuildBlockRequest): Promise<Block> {
    const parent = this.parentState(req.parentHash);
    invariant(parent !== null, 'the core builds only on blocks the application has executed');
    const g = this.opts.genesis.consensus;
    const suffix = this.sealedAbove(req.parentHash, req.epoch);
    // An epoch's suffix carries no transactions: they would never be committed (R20).
    const picked = suffix ? [] : this.deps.mempool.select((acct) => getAccount(parent, acct)?.nextNonce ?? 0, g.maxBlockTxs, g.maxBlockBytes - 4096);
    let txs = picked.map((t) => t.bytes);
    let exec = this.execute(parent, req.height, req.timestampMs, txs);
    if (!exec.valid) {
      // Only possible when state moved under the pool (e.g. a key rotated): propose an empty block.
      this.deps.log.warn({ height: req.height, reason: exec.reason }, 'Pool selection invalid; proposing an empty block');
      txs = [];
      exec = this.execute(parent, req.height, req.timestampMs, txs);
      invariant(exec.valid, 'an empty block is always valid');
    }
    const block: Block = {
      header: {
        chainId: this.chainId, epoch: req.epoch, height: req.height, view: req.view, parentHash: req.parentHash,
        txRoot: exec.txRoot, stateRoot: exec.stateRoot, receiptsRoot: exec.receiptsRoot, proposer: req.proposer,
        timestampMs: req.timestampMs, parentQc: req.parentQc,
      },
      txs,
    };
    const hash = sha256(encodeHeader(block.header));
    this.speculative.set(toHex(hash), { block, hash, exec, sealed: suffix || exec.membersChanged !== null });
    return block;
  }

  async checkBlock(block: Block, hash: Hash): Promise<boolean> {
    const h = block.header;
    const parent = this.parentState(h.parentHash);
    if (parent === null) return false;
    const g = this.opts.genesis.consensus;
    if (block.txs.length > g.maxBlockTxs) return false;
    let size = 0;
    for (const t of block.txs) size += t.length;
    if (size > g.maxBlockBytes) return false;
    const parentTime = bytesEqual(h.parentHash, this.headInfo.hash)
      ? this.headInfo.timestampMs
      : (this.speculative.get(toHex(h.parentHash))?.block.header.timestampMs ?? Number.MAX_SAFE_INTEGER);
    this.deps.metrics?.proposalClockSkew.set({ proposer: this.proposerName(h.epoch, h.proposer) }, (h.timestampMs - this.deps.now()) / 1000);
    // R5: only what every member computes alike decides validity; how far the timestamp is
    // ahead of the local clock is a condition for voting (the consensus runtime checks it), so
    // a block certified by a quorum is executable everywhere, whatever this node's clock says.
    if (h.timestampMs <= parentTime) return false;
    const suffix = this.sealedAbove(h.parentHash, h.epoch);
    if (suffix && block.txs.length > 0) {
      this.deps.log.debug({ height: h.height }, 'Proposal refused: transactions above the end of an epoch');
      return false;
    }
    const r = replayBlock(parent, this.chainId, block, (hash, sig) => this.deps.mempool.verified.has(hash, sig));
    if (!r.ok) {
      this.deps.log.debug({ height: h.height, reason: r.reason }, 'Proposal refused');
      return false;
    }
    const exec = r.exec;
    // PERF: the replay verified every signature the pool had not; a gossiped copy arriving
    // after the proposal is then admitted without a second verification (~130 µs each).
    this.deps.mempool.noteVerified(block.txs, exec.txHashes);
    this.speculative.set(toHex(hash), { block, hash, exec, sealed: suffix || exec.membersChanged !== null });
    return true;
  }

  // Names of the epoch's members by index, for metric labels; refreshed when the epoch moves.
  private proposerName(epoch: number, index: number): string {
    if (this.proposerNames?.epoch !== epoch) this.proposerNames = { epoch, names: this.currentMembers().map((m) => m.name) };
    return this.proposerNames.names[index] ?? `#${index}`;
  }

  private execute(parent: StateTree, height: Height, timeMs: number, txs: readonly Uint8Array[]) {
    return executeBlock({
      state: parent, height, blockTimeMs: timeMs, chainId: this.chainId, txs,
      isVerified: (hash, sig) => this.deps.mempool.verified.has(hash, sig),
    });
  }

  /**
   * R20: the chain of an epoch ends at the block that changed the member set. Blocks the core
   * commits above it in the same epoch are its suffix: they never enter the chain, and when
   * the commit certificate is theirs, their headers are stored with the last block so that
   * its commit stays provable (CertifiedChain, finality links).
   */
  async commit(blocks: readonly CommittedBlock[]): Promise<EpochInfo | null> {
    let next: EpochInfo | null = null;
    for (let i = 0; i < blocks.length; i++) {
      const cb = blocks[i] as CommittedBlock;
      if (cb.block.header.epoch < this.epochs.current.epoch) continue;
      const spec = this.speculative.get(toHex(cb.hash));
      invariant(spec !== undefined, 'a committed block was executed before (checkBlock or buildBlock)');
      let stored = cb;
      if (spec.exec.membersChanged !== null && cb.certifiedHeight > cb.block.header.height) {
        const suffix = blocks.slice(i + 1).filter((b) => b.block.header.height <= cb.certifiedHeight).map((b) => b.block.header);
        invariant(suffix.length === cb.certifiedHeight - cb.block.header.height, 'the certified suffix of an epoch is committed with its last block');
        stored = { ...cb, suffix };
      }
      const epoch = await this.persist(stored, spec.exec);
      if (epoch !== null) next = epoch;
    }
    return next;
  }

  /**
   * Writes one committed block and everything it implies as ONE synced batch, then moves the
   * in-memory head. If we crash before the batch, restart finds the previous head and consensus
   * or sync fetches this block again from peers (it is committed cluster-wide); if we crash
   * after it, restart rebuilds the state from the stored world state, which includes it.
   */
  private async persist(cb: CommittedBlock, exec: ExecutedBlock): Promise<EpochInfo | null> {
    const h = cb.block.header;
    invariant(h.height === this.headInfo.height + 1, 'blocks commit in height order');
    const stateWrites: KvOp[] = [];
    // Block 1 also carries the genesis state, so the stored world state is complete on its own.
    if (h.height === 1) for (const [key, value] of this.genesisWrites) stateWrites.push({ key, value });
    for (const [key, value] of exec.stateWrites) stateWrites.push({ key, value });
    const extraOps: KvOp[] = [];
    for (const e of exec.events) {
      extraOps.push({ key: historyKey(historySubject(e.subject, e.id), h.height, e.seq), value: encodeContractEvent(e) });
    }
    for (const [parts, value] of exec.indexWrites) {
      const [name, ...rest] = parts;
      if (name !== undefined) extraOps.push({ key: indexKey(name, ...rest), value });
    }
    let epoch: EpochInfo | null = null;
    if (exec.membersChanged !== null) {
      epoch = {
        epoch: this.epochs.current.epoch + 1, members: exec.membersChanged.map((m) => m.publicKey),
        startHeight: h.height + 1, rootHash: cb.hash, rootView: h.view,
      };
      extraOps.push({ key: membersKey(epoch.epoch), value: encodeEpoch(epoch) });
    }
    const endTimer = this.deps.metrics?.blockCommit.startTimer();
    await this.deps.store.commitBlock({ committed: cb, receipts: exec.receipts, txHashes: exec.txHashes, stateWrites, extraOps });
    endTimer?.();
    this.headState = exec.state;
    this.headInfo = { height: h.height, hash: cb.hash, view: h.view, epoch: h.epoch, timestampMs: h.timestampMs };
    this.recent.push(h);
    if (this.recent.length > 2 * RECENT_HEADERS) this.recent = this.recent.slice(-RECENT_HEADERS);
    if (epoch !== null) this.epochs.push(epoch);
    // Once an epoch ended, its suffix blocks can never commit: drop them with the rest below.
    for (const [k, s] of this.speculative) {
      if (s.block.header.height <= h.height || (epoch !== null && s.block.header.epoch < epoch.epoch)) this.speculative.delete(k);
    }
    this.deps.mempool.removeCommitted(exec.txHashes, (acct) => getAccount(this.headState, acct)?.nextNonce ?? 0);
    for (const l of this.commitListeners) l({ committed: cb, exec });
    return epoch;
  }

  // ---- SyncChain ----------------------------------------------------------------------------

  head(): { height: Height; hash: Hash } {
    return { height: this.headInfo.height, hash: this.headInfo.hash };
  }

  epochAt(height: Height): EpochInfo {
    return this.epochs.epochAt(height);
  }

  async applySynced(cb: CommittedBlock): Promise<string | null> {
    const h = cb.block.header;
    if (h.height !== this.headInfo.height + 1 || !bytesEqual(h.parentHash, this.headInfo.hash)) return 'does not extend our head';
    // R20: a block of an epoch that ended at our head is a suffix block, never part of the chain.
    const inForce = this.epochs.epochAt(h.height).epoch;
    if (h.epoch !== inForce) return h.epoch < inForce ? `epoch ${h.epoch} ended below height ${h.height}` : `epoch ${h.epoch} is not in force at height ${h.height}`;
    const r = replayBlock(this.headState, this.chainId, cb.block, (hash, sig) => this.deps.mempool.verified.has(hash, sig));
    if (!r.ok) return r.reason;
    await this.persist(cb, r.exec);
    return null;
  }

  readBlocks(from: Height, limit: number): Promise<CommittedBlock[]> {
    return this.deps.store.blocks(from, limit);
  }
}
