import type { SigningKey } from '../../crypto/ed25519.js';
import type { StateTree } from '../../crypto/smt.js';
import { LedgerChain, type CommitNotice } from '../../node/chain.js';
import { executeBlock } from '../../state/executor.js';
import { genesisHash } from '../../state/genesis-state.js';
import { payloadProblem, rolesFor } from '../../state/contracts/registry.js';
import type { TxSignatureVerifier } from '../../state/mempool/mempool.js';
import { Mempool } from '../../state/mempool/mempool.js';
import { getSignerAccount } from '../../state/queries.js';
import { BlockStore } from '../../storage/block-store.js';
import { MemoryKv } from '../../storage/memory-kv.js';
import type { SyncChain } from '../../sync/block-sync.js';
import type { EpochMembers } from '../../sync/certified-chain.js';
import type { Block, BlockHeader, CommittedBlock } from '../../types/block.js';
import type { ConsensusParams, Genesis } from '../../types/genesis.js';
import type { Hash, Height, PublicKey } from '../../types/primitives.js';
import { toHex } from '../../util/bytes.js';
import { blockHash } from '../core/block-tree.js';
import { seededKeys } from './sim-keys.js';
import type { CommittedHead, EpochInfo } from '../core/types.js';
import type { Application, BuildBlockRequest } from '../runtime/application.js';
import type { SimFaults } from './sim-faults.js';

/** Simulated integrator accounts the deterministic client signs with (SimClient). */
export const SIM_CLIENTS = 3;

/** The deterministic key of simulated client account i (an integrator in every sim genesis). */
export const simClientKey: (i: number) => SigningKey = seededKeys('sim/client');

/** The genesis of a simulated chain: the given member keys, SIM_CLIENTS integrator accounts, time 0. */
export function simGenesis(chainId: string, params: ConsensusParams, members: readonly PublicKey[]): Genesis {
  return {
    chainId, genesisTimeMs: 0, consensus: params,
    members: members.map((publicKey, i) => ({ name: `member${i}`, publicKey, address: `/ip4/127.0.0.1/tcp/${9000 + i}` })),
    accounts: Array.from({ length: SIM_CLIENTS }, (_, i) => ({ name: `client${i}`, publicKey: simClientKey(i).publicKey, role: 'integrator' as const })),
  };
}

/** What one simulated process keeps across a crash: its disk. */
export interface SimDisk {
  readonly kv: MemoryKv;
}

/** A fresh, started disk. */
export async function newSimDisk(): Promise<SimDisk> {
  const kv = new MemoryKv({ label: 'sim' });
  await kv.start();
  return { kv };
}

/** Options of a SimLedger. */
export interface SimLedgerOptions {
  readonly genesis: Genesis;
  /** The process's wall clock (skewed): LedgerChain's metrics, and the planted futureInvalid bug. */
  readonly now: () => number;
  readonly maxClockSkewMs: number;
  /** Planted application bugs (only futureInvalid applies to the real chain); honest members only. */
  readonly faults?: SimFaults;
  readonly txVerifier: TxSignatureVerifier;
  /** Every block this process commits, with its execution results (invariants, trace). */
  readonly onCommitted?: (n: CommitNotice) => void;
}

// Blocks below the committed head kept for the Byzantine behaviours (a forker reads two back).
const KEEP_BELOW_HEAD = 8;

const QUIET = { info: () => undefined, warn: () => undefined, debug: () => undefined };

/**
 * One simulated process's application: the production LedgerChain (executor, contracts, state
 * tree, BlockStore over the process's in-memory disk) and its Mempool, as src/node wires them,
 * behind a gate that models a crash: once killed, nothing more is written (commits and synced
 * blocks never resolve), so a restart finds exactly what was durable. It also remembers the
 * blocks it built or accepted, from which Byzantine members draw parents and variants.
 */
export class SimLedger implements Application, SyncChain {
  readonly chain: LedgerChain;
  readonly mempool: Mempool;
  private readonly opts: SimLedgerOptions;
  private readonly known = new Map<string, Block>();
  /** World state after each recent committed block (immutable versions), for forkers' siblings. */
  private readonly committedStates = new Map<string, { height: Height; state: StateTree }>();
  private dead = false;

  private constructor(opts: SimLedgerOptions, chain: LedgerChain, mempool: Mempool) {
    this.opts = opts;
    this.chain = chain;
    this.mempool = mempool;
  }

  /** Opens the chain on `disk` (a restart rebuilds its state from what is stored there). */
  static async open(opts: SimLedgerOptions, disk: SimDisk): Promise<SimLedger> {
    const store = new BlockStore({ location: 'sim' }, { kv: disk.kv });
    await store.start();
    let chain: LedgerChain | null = null;
    const mempool = new Mempool({ chainId: opts.genesis.chainId, maxTxs: 10_000, maxNonceGap: 64 }, {
      lookupSigner: (pk) => {
        const a = chain === null ? null : getSignerAccount(chain.state, toHex(pk));
        return a === null ? null : { accountId: a.id, role: a.role, nextNonce: a.nextNonce };
      },
      rolesFor, payloadProblem, verifier: opts.txVerifier,
    });
    chain = new LedgerChain({ genesis: opts.genesis }, { store, mempool, now: opts.now, log: QUIET });
    await chain.load();
    const ledger = new SimLedger(opts, chain, mempool);
    const head = chain.committedHead();
    ledger.committedStates.set(toHex(head.height === 0 ? genesisHash(opts.genesis) : head.hash), { height: head.height, state: chain.state });
    chain.onCommitted((n) => {
      const h = n.committed.block.header;
      ledger.committedStates.set(toHex(n.committed.hash), { height: h.height, state: n.exec.state });
      opts.onCommitted?.(n);
    });
    return ledger;
  }

  /** Simulated crash: a dead process writes nothing more. */
  kill(): void {
    this.dead = true;
  }

  get chainId(): string {
    return this.chain.chainId;
  }

  // ---- Application -----------------------------------------------------------------------

  async buildBlock(req: BuildBlockRequest): Promise<Block> {
    const b = await this.chain.buildBlock(req);
    this.remember(b);
    return b;
  }

  async checkBlock(block: Block, hash: Hash): Promise<boolean> {
    const f = this.opts.faults;
    // The planted bug: freshness against the local clock as a validity condition (breaks R5).
    if (f?.futureInvalid === true && block.header.timestampMs > this.opts.now() + this.opts.maxClockSkewMs) return false;
    const ok = await this.chain.checkBlock(block, hash);
    if (ok) this.remember(block);
    return ok;
  }

  commit(blocks: readonly CommittedBlock[]): Promise<EpochInfo | null> {
    if (this.dead) return new Promise<never>(() => undefined);
    return this.chain.commit(blocks).then((next) => {
      this.prune();
      return next;
    });
  }

  committedHead(): CommittedHead {
    return this.chain.committedHead();
  }

  recentHeaders(count: number): readonly BlockHeader[] {
    return this.chain.recentHeaders(count);
  }

  currentEpoch(): EpochInfo {
    return this.chain.currentEpoch();
  }

  committedBlock(hash: Hash): Promise<Block | null> {
    return this.chain.committedBlock(hash);
  }

  hasPendingTxs(): boolean {
    return this.chain.hasPendingTxs();
  }

  onTxsAvailable(handler: () => void): void {
    this.chain.onTxsAvailable(handler);
  }

  // ---- SyncChain -------------------------------------------------------------------------

  head(): { height: Height; hash: Hash } {
    return this.chain.head();
  }

  epochAt(height: Height): EpochMembers {
    return this.chain.epochAt(height);
  }

  applySynced(block: CommittedBlock): Promise<string | null> {
    if (this.dead) return new Promise<never>(() => undefined);
    return this.chain.applySynced(block).then((why) => {
      if (why === null) this.prune();
      return why;
    });
  }

  readBlocks(from: Height, limit: number): Promise<CommittedBlock[]> {
    return this.chain.readBlocks(from, limit);
  }

  // ---- Byzantine behaviours --------------------------------------------------------------

  /**
   * Another valid block for the same slot (an equivocating or forking leader): the same pool
   * selection stamped `salt` ms later, so its hash differs; null when the parent is unknown.
   */
  async buildVariant(req: BuildBlockRequest, salt: number): Promise<Block | null> {
    const variant = { ...req, timestampMs: req.timestampMs + 1 + (salt % 50) };
    const below = this.committedStates.get(toHex(req.parentHash));
    if (below !== undefined && below.height < this.chain.committedHead().height) return this.emptyBlockOn(below.state, variant);
    try {
      return await this.buildBlock(variant);
    } catch {
      return null;
    }
  }

  // A forker's sibling extends a block below this node's own committed head, which the chain
  // no longer builds on: an empty block executed on that block's kept state.
  private emptyBlockOn(state: StateTree, req: BuildBlockRequest): Block {
    const chainId = this.chain.chainId;
    const exec = executeBlock({ state, height: req.height, blockTimeMs: req.timestampMs, chainId, txs: [] });
    if (!exec.valid) throw new Error('an empty block is always valid');
    const header: BlockHeader = {
      chainId, epoch: req.epoch, height: req.height, view: req.view, parentHash: req.parentHash, txRoot: exec.txRoot,
      stateRoot: exec.stateRoot, receiptsRoot: exec.receiptsRoot, proposer: req.proposer, timestampMs: req.timestampMs, parentQc: req.parentQc,
    };
    return { header, txs: [] };
  }

  /** A block this process built, accepted or committed recently, or any committed one. */
  async knownBlock(hash: Hash): Promise<Block | null> {
    return this.known.get(toHex(hash)) ?? (await this.chain.committedBlock(hash));
  }

  /** Admits a signed transaction (envelope bytes) as the REST API and gossip would. */
  async submit(prepared: Parameters<Mempool['addAsync']>[0]): Promise<void> {
    if (this.dead) return;
    const r = await this.mempool.addAsync(prepared);
    if (r.ok) this.chain.notifyTxsAvailable();
  }

  private remember(b: Block): void {
    this.known.set(toHex(blockHash(b.header)), b);
  }

  private prune(): void {
    const floor = this.chain.committedHead().height - KEEP_BELOW_HEAD;
    for (const [k, b] of this.known) if (b.header.height < floor) this.known.delete(k);
    for (const [k, c] of this.committedStates) if (c.height < floor) this.committedStates.delete(k);
  }
}
