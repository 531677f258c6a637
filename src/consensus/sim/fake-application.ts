import { sha256, sha256Parts, ZERO_HASH } from '../../crypto/hash.js';
import type { Block, BlockHeader, CommittedBlock } from '../../types/block.js';
import type { Hash, Height } from '../../types/primitives.js';
import { bytesEqual, toHex, utf8 } from '../../util/bytes.js';
import { InvariantError } from '../../util/errors.js';
import { blockHash } from '../core/block-tree.js';
import type { CommittedHead, EpochInfo } from '../core/types.js';
import type { Application, BuildBlockRequest } from '../runtime/application.js';

/** The durable part of a fake node: its committed chain. Survives a simulated crash. */
export class FakeChain {
  private readonly blocks: CommittedBlock[] = [];
  private readonly byHash = new Map<string, CommittedBlock>();
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

  /** The committed block at `height` (1-based). */
  at(height: Height): CommittedBlock | undefined {
    return this.blocks[height - 1];
  }
}

/** Options of a FakeApplication. */
export interface FakeApplicationOptions {
  readonly chainId: string;
  readonly epoch: EpochInfo;
  /** Transactions per built block and their size (the bench uses 1,000 × 300 bytes). */
  readonly txsPerBlock: number;
  readonly txBytes: number;
  /** When true the pool looks empty, so the runtime delays empty proposals. */
  readonly idle?: boolean;
}

interface Executed {
  readonly height: Height;
  readonly stateRoot: Hash;
  readonly timestampMs: number;
  readonly block: Block | null;
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
  private readonly chain: FakeChain;
  private readonly executed = new Map<string, Executed>();
  private txHandlers: (() => void)[] = [];
  private readonly onCommit: ((blocks: readonly CommittedBlock[]) => void) | null;
  private dead = false;

  constructor(opts: FakeApplicationOptions, chain: FakeChain, onCommit: ((blocks: readonly CommittedBlock[]) => void) | null = null) {
    this.opts = opts;
    this.chain = chain;
    this.onCommit = onCommit;
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
    const txs = makeTxs(req, salt, this.opts.txsPerBlock, this.opts.txBytes);
    const txRoot = txRootOf(txs);
    const header: BlockHeader = {
      chainId: this.opts.chainId, epoch: req.epoch, height: req.height, view: req.view, parentHash: req.parentHash,
      txRoot, stateRoot: sha256Parts(parent.stateRoot, txRoot), receiptsRoot: ZERO_HASH, proposer: req.proposer,
      timestampMs: Math.max(req.timestampMs, parent.timestampMs + 1), parentQc: req.parentQc,
    };
    const block: Block = { header, txs };
    this.executed.set(toHex(blockHash(header)), { height: header.height, stateRoot: header.stateRoot, timestampMs: header.timestampMs, block });
    return block;
  }

  /** Re-executes on the parent's state and compares roots and timestamp. */
  async checkBlock(block: Block, hash: Hash): Promise<boolean> {
    return this.execute(block, hash);
  }

  /** Appends to the durable chain, executing any block not seen before (sync). */
  async commit(blocks: readonly CommittedBlock[]): Promise<EpochInfo | null> {
    if (this.dead) return new Promise<never>(() => undefined);
    for (const c of blocks) {
      if (!this.executed.has(toHex(c.hash)) && !this.execute(c.block, c.hash)) {
        throw new InvariantError(`committed block ${c.block.header.height} does not execute`);
      }
      this.chain.append(c);
    }
    this.onCommit?.(blocks);
    // Speculative results at or below the head are in the chain now; keep memory flat.
    const head = this.chain.head().height;
    for (const [k, e] of this.executed) if (e.height <= head) this.executed.delete(k);
    return null;
  }

  /** Head of the durable chain. */
  committedHead(): CommittedHead {
    return this.chain.head();
  }

  /** The single epoch of the simulation. */
  currentEpoch(): EpochInfo {
    return this.opts.epoch;
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

  /** The simulated pool always has transactions unless `idle`. */
  hasPendingTxs(): boolean {
    return this.opts.idle !== true;
  }

  /** Registers a listener; `announceTxs` calls it. */
  onTxsAvailable(handler: () => void): void {
    this.txHandlers.push(handler);
  }

  /** Simulates transactions arriving in an empty pool. */
  announceTxs(): void {
    for (const h of this.txHandlers) h();
  }

  private execute(block: Block, hash: Hash): boolean {
    const h = block.header;
    if (h.chainId !== this.opts.chainId || !bytesEqual(blockHash(h), hash)) return false;
    const parent = this.stateOf(toHex(h.parentHash));
    if (parent === null || h.timestampMs <= parent.timestampMs) return false;
    const txRoot = txRootOf(block.txs);
    if (!bytesEqual(txRoot, h.txRoot) || !bytesEqual(h.receiptsRoot, ZERO_HASH)) return false;
    if (!bytesEqual(sha256Parts(parent.stateRoot, txRoot), h.stateRoot)) return false;
    this.executed.set(toHex(hash), { height: h.height, stateRoot: h.stateRoot, timestampMs: h.timestampMs, block });
    return true;
  }

  private stateOf(key: string): Executed | null {
    const e = this.executed.get(key);
    if (e !== undefined) return e;
    const c = this.chain.get(key);
    if (c !== undefined) return { height: c.block.header.height, stateRoot: c.block.header.stateRoot, timestampMs: c.block.header.timestampMs, block: c.block };
    if (key === toHex(this.chain.genesisHash)) return { height: 0, stateRoot: GENESIS_STATE, timestampMs: this.chain.genesisTimeMs, block: null };
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
