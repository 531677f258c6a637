import { sha256, sha256Parts, ZERO_HASH } from '../../crypto/hash.js';
import type { Block, BlockHeader, CommittedBlock } from '../../types/block.js';
import type { Hash, Height, PublicKey } from '../../types/primitives.js';
import { bytesEqual, toHex, utf8 } from '../../util/bytes.js';
import { InvariantError } from '../../util/errors.js';
import { blockHash } from '../core/block-tree.js';
import type { CommittedHead, EpochInfo } from '../core/types.js';
import type { Application, BuildBlockRequest } from '../runtime/application.js';
import type { SimFaults } from './sim-faults.js';

/** The durable part of a fake node: its committed chain and epochs. Survives a simulated crash. */
export class FakeChain {
  private readonly blocks: CommittedBlock[] = [];
  private readonly byHash = new Map<string, CommittedBlock>();
  /** Epochs started after the first one, oldest first (the application appends). */
  readonly laterEpochs: EpochInfo[] = [];
  /** Hash of the genesis (height 0). */
  readonly genesisHash: Hash;
  /** Genesis time (the timestamp floor of height 1). */
  readonly genesisTimeMs: number;

  constructor(genesisHash: Hash, genesisTimeMs: number) {
    this.genesisHash = genesisHash;
    this.genesisTimeMs = genesisTimeMs;
  }

  /** Appends the next committed block; a gap or broken link is a bug in consensus. */
  append(c: CommittedBlock): void {
    const head = this.head();
    const h = c.block.header;
    if (h.height !== head.height + 1 || !bytesEqual(h.parentHash, head.hash)) {
      throw new InvariantError(`commit of height ${h.height} does not extend head ${head.height}`);
    }
    this.blocks.push(c);
    this.byHash.set(toHex(c.hash), c);
  }

  /** The committed head. */
  head(): CommittedHead {
    const top = this.blocks[this.blocks.length - 1];
    if (top === undefined) return { height: 0, hash: this.genesisHash, view: 0, epoch: 0, timestampMs: this.genesisTimeMs };
    const h = top.block.header;
    return { height: h.height, hash: top.hash, view: h.view, epoch: h.epoch, timestampMs: h.timestampMs };
  }

  /** A committed block by hex hash. */
  get(key: string): CommittedBlock | undefined {
    return this.byHash.get(key);
  }

  /** Headers of the last `count` committed blocks, ascending. */
  recentHeaders(count: number): BlockHeader[] {
    return this.blocks.slice(-count).map((c) => c.block.header);
  }

  /** The committed block at `height` (1-based). */
  at(height: Height): CommittedBlock | undefined {
    return this.blocks[height - 1];
  }
}

/**
 * A planned member-set change: in epoch `epoch`, the block at `atHeight` is the
 * reconfiguration block (R20) and the next epoch has `members`. Tied to (epoch, height) so
 * that every branch of the block tree agrees on which block it is, as execution would.
 */
export interface FakeReconfiguration {
  readonly epoch: number;
  readonly atHeight: Height;
  readonly members: readonly PublicKey[];
}

/** Options of a FakeApplication. */
export interface FakeApplicationOptions {
  readonly chainId: string;
  readonly epoch: EpochInfo;
  /** Transactions per built block and their size (the bench uses 1,000 × 300 bytes). */
  readonly txsPerBlock: number;
  readonly txBytes: number;
  /**
   * When true the pool starts empty: blocks are built empty until announceTxs, and it is
   * empty again once this node built or executed a block with transactions, which took them
   * (R24 tests).
   */
  readonly idle?: boolean;
  /**
   * With `idle`: like the real pool, transactions stay pending (hasPendingTxs) until a block
   * holding them commits, though no later block takes them again meanwhile.
   */
  readonly poolLeavesAtCommit?: boolean;
  /** The simulation's idle windows: while `empty`, every member's pool is (scenario idle periods). */
  readonly pool?: SimPool;
  /** Member-set changes to make, at most one per epoch. */
  readonly reconfigurations?: readonly FakeReconfiguration[];
  /** Planted bugs (commitSuffix, staleMembers, futureInvalid); only the planted-bug tests set them. */
  readonly faults?: SimFaults;
  /** The node's wall clock and skew bound: read only by the planted futureInvalid bug. */
  readonly now?: () => number;
  readonly maxClockSkewMs?: number;
}

/** A pool state shared by a simulation's members, switched by its idle windows. */
export interface SimPool {
  readonly empty: boolean;
}

interface Executed {
  readonly height: Height;
  readonly stateRoot: Hash;
  readonly timestampMs: number;
  readonly block: Block | null;
  /** The block or an ancestor of its epoch is the reconfiguration block: the rest is suffix (R20). */
  readonly sealed: boolean;
}

const GENESIS_STATE = sha256(utf8('sim/genesis-state'));

/**
 * Deterministic application for the simulator and the bench: payloads are a function of the
 * block's slot, txRoot is the sha256 of the transactions and stateRoot = sha256(parent
 * stateRoot ‖ txRoot), a hash chain any node can recompute. checkBlock really re-executes,
 * so a Byzantine block with a wrong root is refused.
 */
export class FakeApplication implements Application {
  private readonly opts: FakeApplicationOptions;
  private pending: boolean;
  /** poolLeavesAtCommit: the pending transactions are in a block not committed yet. */
  private taken = false;
  private readonly chain: FakeChain;
  private readonly executed = new Map<string, Executed>();
  private txHandlers: (() => void)[] = [];
  private readonly onCommit: ((blocks: readonly CommittedBlock[]) => void) | null;
  private dead = false;

  constructor(opts: FakeApplicationOptions, chain: FakeChain, onCommit: ((blocks: readonly CommittedBlock[]) => void) | null = null) {
    this.opts = opts;
    this.chain = chain;
    this.onCommit = onCommit;
    this.pending = opts.idle !== true;
  }

  /** Simulated crash: a dead process writes nothing more (its commits never resolve). */
  kill(): void {
    this.dead = true;
  }

  /** Builds a block with the deterministic payload of its slot. */
  async buildBlock(req: BuildBlockRequest): Promise<Block> {
    return this.buildVariant(req, 0) ?? Promise.reject(new Error('parent not executed'));
  }

  /** Same as buildBlock with a different payload for `salt` (used by Byzantine leaders); null if the parent is unknown. */
  buildVariant(req: BuildBlockRequest, salt: number): Block | null {
    const parent = this.stateOf(toHex(req.parentHash));
    if (parent === null) return null;
    const suffix = this.sealedAbove(parent, req.epoch);
    // A reconfiguration block always carries its member vote, idle pool or not.
    const reconfiguring = this.opts.reconfigurations?.some((x) => x.epoch === req.epoch && x.atHeight === req.height) === true;
    const txs = suffix || ((!this.hasPendingTxs() || this.taken) && !reconfiguring) ? [] : makeTxs(req, salt, this.opts.txsPerBlock, this.opts.txBytes);
    const txRoot = txRootOf(txs);
    const header: BlockHeader = {
      chainId: this.opts.chainId, epoch: req.epoch, height: req.height, view: req.view, parentHash: req.parentHash,
      txRoot, stateRoot: sha256Parts(parent.stateRoot, txRoot), receiptsRoot: ZERO_HASH, proposer: req.proposer,
      timestampMs: Math.max(req.timestampMs, parent.timestampMs + 1), parentQc: req.parentQc,
    };
    const block: Block = { header, txs };
    this.tookTxs(block);
    this.executed.set(toHex(blockHash(header)), { height: header.height, stateRoot: header.stateRoot, timestampMs: header.timestampMs, block, sealed: suffix || this.reconfigures(header) !== null });
    return block;
  }

  /** Re-executes on the parent's state and compares roots and timestamp (above the parent's). */
  async checkBlock(block: Block, hash: Hash): Promise<boolean> {
    const o = this.opts;
    // The planted bug: freshness against the local clock as a validity condition (breaks R5).
    if (o.faults?.futureInvalid === true && o.now !== undefined && block.header.timestampMs > o.now() + (o.maxClockSkewMs ?? 0)) return false;
    return this.execute(block, hash);
  }

  /**
   * Appends to the durable chain, executing any block not seen before (sync). Like the real
   * chain (R20), blocks of an ended epoch are skipped, and the reconfiguration block keeps
   * the headers of its certified suffix.
   */
  async commit(blocks: readonly CommittedBlock[]): Promise<EpochInfo | null> {
    if (this.dead) return new Promise<never>(() => undefined);
    let next: EpochInfo | null = null;
    const appended: CommittedBlock[] = [];
    for (let i = 0; i < blocks.length; i++) {
      let c = blocks[i] as CommittedBlock;
      const h = c.block.header;
      if (h.epoch < this.currentEpoch().epoch && this.opts.faults?.commitSuffix !== true) continue;
      if (!this.executed.has(toHex(c.hash)) && !this.execute(c.block, c.hash)) {
        throw new InvariantError(`committed block ${h.height} does not execute`);
      }
      const members = this.reconfigures(h);
      if (members !== null && c.certifiedHeight > h.height && c.suffix === undefined) {
        c = { ...c, suffix: blocks.slice(i + 1).filter((b) => b.block.header.height <= c.certifiedHeight).map((b) => b.block.header) };
      }
      this.chain.append(c);
      appended.push(c);
      if (members !== null) {
        const kept = this.opts.faults?.staleMembers === true ? this.currentEpoch().members : members;
        next = { epoch: h.epoch + 1, members: kept, startHeight: h.height + 1, rootHash: c.hash, rootView: h.view };
        this.chain.laterEpochs.push(next);
      }
    }
    if (appended.length > 0) this.onCommit?.(appended);
    if (this.opts.poolLeavesAtCommit === true && appended.some((c) => c.block.txs.length > 0)) {
      this.pending = false;
      this.taken = false;
    }
    // Speculative results at or below the head, or of an ended epoch, can never commit now.
    const head = this.chain.head().height;
    const epoch = this.currentEpoch().epoch;
    for (const [k, e] of this.executed) if (e.height <= head || (e.block !== null && e.block.header.epoch < epoch)) this.executed.delete(k);
    return next;
  }

  /** Headers of the last committed blocks (the leader schedule's history). */
  recentHeaders(count: number): readonly BlockHeader[] {
    return this.chain.recentHeaders(count);
  }

  /** Head of the durable chain. */
  committedHead(): CommittedHead {
    return this.chain.head();
  }

  /** The epoch in force after the committed head. */
  currentEpoch(): EpochInfo {
    const later = this.chain.laterEpochs;
    return later[later.length - 1] ?? this.opts.epoch;
  }

  /** A committed block by hash. */
  async committedBlock(hash: Hash): Promise<Block | null> {
    return this.chain.get(toHex(hash))?.block ?? null;
  }

  /** A block this node built or executed (Byzantine behaviours look up parents here). */
  knownBlock(hash: Hash): Block | null {
    const key = toHex(hash);
    return this.executed.get(key)?.block ?? this.chain.get(key)?.block ?? null;
  }

  /** The simulated pool always has transactions unless `idle` (until announceTxs) or in an idle window. */
  hasPendingTxs(): boolean {
    return this.pending && this.opts.pool?.empty !== true;
  }

  /** Registers a listener; `announceTxs` calls it. */
  onTxsAvailable(handler: () => void): void {
    this.txHandlers.push(handler);
  }

  /** Simulates transactions arriving that a block can include. */
  announceTxs(): void {
    this.pending = true;
    this.taken = false;
    for (const h of this.txHandlers) h();
  }

  /** Simulates an admission no block can include yet (behind its signer's nonce gap). */
  announceUnselectableTx(): void {
    for (const h of this.txHandlers) h();
  }

  private execute(block: Block, hash: Hash): boolean {
    const h = block.header;
    if (h.chainId !== this.opts.chainId || !bytesEqual(blockHash(h), hash)) return false;
    const parent = this.stateOf(toHex(h.parentHash));
    if (parent === null || h.timestampMs <= parent.timestampMs) return false;
    const suffix = this.sealedAbove(parent, h.epoch);
    if (suffix && block.txs.length > 0) return false;
    const txRoot = txRootOf(block.txs);
    if (!bytesEqual(txRoot, h.txRoot) || !bytesEqual(h.receiptsRoot, ZERO_HASH)) return false;
    if (!bytesEqual(sha256Parts(parent.stateRoot, txRoot), h.stateRoot)) return false;
    this.executed.set(toHex(hash), { height: h.height, stateRoot: h.stateRoot, timestampMs: h.timestampMs, block, sealed: suffix || this.reconfigures(h) !== null });
    this.tookTxs(block);
    return true;
  }

  // An idle pool's transactions are in a block now: a later block cannot take them again.
  private tookTxs(block: Block): void {
    if (this.opts.idle !== true || block.txs.length === 0) return;
    if (this.opts.poolLeavesAtCommit === true) this.taken = true;
    else this.pending = false;
  }

  // The next epoch's members when this block is its epoch's reconfiguration block.
  private reconfigures(h: BlockHeader): readonly PublicKey[] | null {
    const r = this.opts.reconfigurations?.find((x) => x.epoch === h.epoch && x.atHeight === h.height);
    return r === undefined ? null : r.members;
  }

  // A child in `epoch` of `parent` is suffix when the parent is sealed in that same epoch (the
  // next epoch's first block extends the sealed block too), or when the committed chain
  // already ended that epoch.
  private sealedAbove(parent: Executed, epoch: number): boolean {
    return (parent.sealed && parent.block?.header.epoch === epoch) || epoch < this.currentEpoch().epoch;
  }

  private stateOf(key: string): Executed | null {
    const e = this.executed.get(key);
    if (e !== undefined) return e;
    const c = this.chain.get(key);
    if (c !== undefined) return { height: c.block.header.height, stateRoot: c.block.header.stateRoot, timestampMs: c.block.header.timestampMs, block: c.block, sealed: false };
    if (key === toHex(this.chain.genesisHash)) return { height: 0, stateRoot: GENESIS_STATE, timestampMs: this.chain.genesisTimeMs, block: null, sealed: false };
    return null;
  }
}

function txRootOf(txs: readonly Uint8Array[]): Hash {
  return txs.length === 0 ? ZERO_HASH : sha256Parts(...txs);
}

// Opaque transactions filled from the slot (epoch, view, height, proposer, salt): the same
// slot always yields the same bytes, a Byzantine salt yields different ones.
function makeTxs(req: BuildBlockRequest, salt: number, count: number, size: number): Uint8Array[] {
  const seed = sha256(utf8(`${req.epoch}/${req.view}/${req.height}/${req.proposer}/${salt}`));
  const base = new Uint8Array(size);
  for (let j = 0; j < size; j++) base[j] = seed[j & 31] as number;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const tx = base.slice();
    // A distinct index per transaction keeps them distinct.
    for (let b = 0; b < 4 && b < size; b++) tx[b] = (tx[b] as number) ^ ((i >>> (8 * b)) & 0xff);
    out.push(tx);
  }
  return out;
}
