import { sha256 } from '../../crypto/hash.js';
import type { SigningKey } from '../../crypto/ed25519.js';
import type { CommitNotice } from '../../node/chain.js';
import { genesisHash } from '../../state/genesis-state.js';
import { BlockSync } from '../../sync/block-sync.js';
import type { CommittedBlock } from '../../types/block.js';
import type { Transport } from '../../types/edges.js';
import type { ConsensusParams } from '../../types/genesis.js';
import type { MemberIndex, PublicKey } from '../../types/primitives.js';
import { toHex, utf8 } from '../../util/bytes.js';
import type { CoreLogger, CoreMutations, EpochInfo, SignatureVerifier } from '../core/types.js';
import type { RuntimeLogger, SyncDriver } from '../runtime/application.js';
import { ConsensusRuntime } from '../runtime/runtime.js';
import type { CoreOverrides } from '../core/core.js';
import { ByzantineTransport, type Attack, type Behaviour } from './byzantine.js';
import { FakeApplication, FakeChain, type FakeReconfiguration, type SimPool } from './fake-application.js';
import { fixedMembers, type MemberPlan } from './member-changes.js';
import { MemorySafetyStore } from './memory-safety-store.js';
import { SimClient } from './sim-client.js';
import { sharedTxVerifier } from './cached-verifier.js';
import { seededKeys } from './sim-keys.js';
import { newSimDisk, simGenesis, SimLedger, type SimDisk } from './sim-ledger.js';
import { getAccount } from '../../state/queries.js';
import type { Genesis } from '../../types/genesis.js';
import type { SeededRng } from './rng.js';
import { SIM_MAX_CLOCK_SKEW_MS } from './scenario.js';
import type { SimFaults } from './sim-faults.js';
import { plantedSchedule, type PlantedSchedule } from './planted-schedules.js';
import type { NodeId, SimNetwork, SimTransport } from './sim-network.js';
import { ScopedClock, type VirtualClock } from './virtual-clock.js';

/** Chain id of simulated chains. */
export const SIM_CHAIN_ID = 'sim';
/** Genesis hash of simulated chains. */
export const SIM_GENESIS_HASH = sha256(utf8('sim/genesis'));

/** The deterministic key of simulated member i. */
export const simKey: (i: MemberIndex) => SigningKey = seededKeys('sim/member');

/** One simulated process. Twins are two instances of one member. */
export interface SimInstance {
  /** The process (its key is simKey(node)); its member index depends on the epoch. */
  readonly node: NodeId;
  readonly slot: number;
  readonly transport: SimTransport;
  /** The production chain (SimLedger) or, for member-change seeds, the FakeApplication. */
  readonly app: FakeApplication | SimLedger;
  readonly clock: ScopedClock;
  /** The production block sync of this process; null on the FakeApplication path. */
  readonly sync: BlockSync | null;
  readonly runtime: ConsensusRuntime;
  alive: boolean;
}

/** Options of a cluster. */
export interface SimClusterOptions {
  /** Members of epoch 0 (processes 0..nodes-1 unless `members` says otherwise). */
  readonly nodes: number;
  /** Processes, epoch 0's members and planned member changes; default: one fixed epoch of `nodes`. */
  readonly members?: MemberPlan;
  readonly params: ConsensusParams;
  /** Byzantine behaviours by node id. */
  readonly behaviours: ReadonlyMap<NodeId, Behaviour>;
  /** Applied to honest members only. */
  readonly mutations?: CoreMutations;
  /** Planted epoch bugs of the application and the node wiring; honest members only. */
  readonly faults?: SimFaults;
  readonly txsPerBlock: number;
  readonly txBytes: number;
  readonly idle?: boolean;
  /** Shared pool state switched by the scenario's idle windows. */
  readonly pool?: SimPool;
  readonly maxFetchGap?: number;
  /** Attacks the Byzantine members add to their behaviours. */
  readonly attacks?: readonly Attack[];
  /** Wall-clock offset per process (ms). */
  readonly clockSkewMs?: ReadonlyMap<NodeId, number>;
  /** Planted core parts for honest members (test/sim/planted-bugs.ts only). */
  readonly overrides?: CoreOverrides;
  /** A broken leader schedule for one process (test/sim/schedule-bug.test.ts only). */
  readonly plantedSchedule?: { readonly node: NodeId; readonly kind: PlantedSchedule };
}

/** Dependencies of a cluster. */
export interface SimClusterDeps {
  readonly clock: VirtualClock;
  /** Its initial member list must be the plan's epoch 0. */
  readonly net: SimNetwork;
  readonly rng: SeededRng;
  readonly verifier: SignatureVerifier;
  readonly onCommit: (node: NodeId, blocks: readonly CommittedBlock[]) => void;
  /** Each block a process commits on the real chain, with its execution results (state root, receipts). */
  readonly onExecuted?: (node: NodeId, n: CommitNotice) => void;
  readonly onFatal: (node: NodeId, err: unknown) => void;
  /** Receives core debug lines and runtime log lines of every process, tagged with its node id (replaying a failure). */
  readonly log?: ((node: NodeId, level: string, obj: object, msg: string) => void) | null;
  /** Lets a Byzantine member have the network cut another process off (before GST only). */
  readonly isolate: (node: NodeId) => void;
}

interface Durable {
  readonly chain: FakeChain;
  readonly disk: SimDisk | null;
  readonly store: MemorySafetyStore;
}

// Sync's wait for a peer's answer, in virtual time (the node uses 3 s over libp2p).
const SIM_SYNC_REQUEST_TIMEOUT_MS = 600;
const SIM_SYNC_BATCH = 16;
// One verifier of transaction signatures for every run of this process (see sharedTxVerifier).
const SHARED_TX_VERIFIER = sharedTxVerifier();

/**
 * The processes of a simulated consortium: real ConsensusRuntimes over SimNetwork endpoints,
 * each with a MemorySafetyStore and, as src/node wires a real node, the production LedgerChain
 * (executor, contracts, state tree, BlockStore over an in-memory disk; SimLedger) and the
 * production BlockSync on the network's 'sync' channel. A SimClient signs real transactions
 * for every process's pool. A crash kills the endpoint, the timers, the sync and the chain's
 * writes of an instance; a restart opens the chain again from its disk, catches up through
 * BlockSync and then starts consensus. Seeds with planned member changes still run the
 * FakeApplication and its copying sync (its changes land at planned heights, governance
 * transactions do not). Processes outside epoch 0's member list run too: their runtimes are
 * dormant until an epoch makes them members (R20). Each transport starts with the member list
 * of the epoch its chain is in, and follows every epoch change through the runtime's
 * onEpochChange (Libp2pTransport.updateMembers).
 */
export class SimCluster {
  private readonly opts: SimClusterOptions;
  private readonly deps: SimClusterDeps;
  private readonly plan: MemberPlan;
  private readonly durable = new Map<string, Durable>();
  private readonly live: SimInstance[] = [];
  private readonly nodeByKey = new Map<string, NodeId>();
  private readonly reconfigurations: readonly FakeReconfiguration[];
  /** The first epoch of the simulated chain. */
  readonly epoch: EpochInfo;
  /** The genesis of the real chain; null when member changes need the FakeApplication. */
  readonly genesis: Genesis | null;
  private client: SimClient | null = null;

  constructor(opts: SimClusterOptions, deps: SimClusterDeps) {
    this.opts = opts;
    this.deps = deps;
    this.plan = opts.members ?? fixedMembers(opts.nodes);
    for (let n = 0; n < this.plan.processes; n++) this.nodeByKey.set(toHex(simKey(n).publicKey), n);
    const keys = (nodes: readonly NodeId[]): PublicKey[] => nodes.map((n) => simKey(n).publicKey);
    this.reconfigurations = this.plan.changes.map((c) => ({ epoch: c.epoch, atHeight: c.atHeight, members: keys(c.members) }));
    // Member changes happen at planned heights, which only the FakeApplication can promise;
    // every other schedule runs the production chain (real transactions change members
    // through governance at heights no plan fixes).
    this.genesis = this.reconfigurations.length > 0 ? null : simGenesis(SIM_CHAIN_ID, opts.params, keys(this.plan.initial));
    const root = this.genesis === null ? SIM_GENESIS_HASH : genesisHash(this.genesis);
    this.epoch = { epoch: 0, members: keys(this.plan.initial), startHeight: 1, rootHash: root, rootView: 0 };
  }

  /** Number of simulated processes (members of any epoch, and spares). */
  get processes(): number {
    return this.plan.processes;
  }

  /** Behaviour of a process; null when honest. */
  behaviourOf(node: NodeId): Behaviour | null {
    return this.opts.behaviours.get(node) ?? null;
  }

  /** Instances currently running. */
  get instances(): readonly SimInstance[] {
    return this.live;
  }

  /** The durable chain of a process's first instance (what honest checks read). */
  chainOf(node: NodeId): FakeChain | undefined {
    return this.durable.get(`${node}/0`)?.chain;
  }

  /** Starts every process (two instances for twins), and the client on the real chain. */
  async startAll(): Promise<void> {
    for (let n = 0; n < this.plan.processes; n++) {
      const slots = this.behaviourOf(n) === 'twins' ? 2 : 1;
      for (let s = 0; s < slots; s++) await this.launch(n, s);
    }
    if (this.genesis !== null) {
      const pool = this.opts.pool;
      this.client = new SimClient({
        clock: this.deps.clock, rng: this.deps.rng.fork(), chainId: SIM_CHAIN_ID,
        targets: () => this.live.flatMap((i) => (i.app instanceof SimLedger ? [i.app] : [])),
        committedNonce: (account) => this.committedNonce(account),
        // An idle window (R24): the users send nothing, so the real pools drain.
        ...(pool ? { paused: () => pool.empty } : {}),
      });
      this.client.start();
    }
  }

  /** Stops the client and every process (end of a run). */
  stopAll(): void {
    this.client?.stop();
    for (const inst of [...this.live]) this.crash(inst);
  }

  // The next nonce of an account in the most advanced honest committed state.
  private committedNonce(account: string): number {
    let best = 0;
    for (const i of this.live) {
      if (this.behaviourOf(i.node) !== null || !(i.app instanceof SimLedger)) continue;
      best = Math.max(best, getAccount(i.app.chain.state, account)?.nextNonce ?? 0);
    }
    return best;
  }

  /** Crash: endpoint, timers and application die at once; nothing more leaves the process. */
  crash(inst: SimInstance): void {
    if (!inst.alive) return;
    inst.alive = false;
    void inst.transport.stop();
    inst.clock.kill();
    inst.app.kill();
    inst.sync?.stop();
    void inst.runtime.stop();
    this.live.splice(this.live.indexOf(inst), 1);
  }

  /** Restarts a crashed process slot from its durable state; returns the new instance. */
  async restart(node: NodeId, slot = 0): Promise<SimInstance | null> {
    if (this.live.some((i) => i.node === node && i.slot === slot)) return null;
    return this.launch(node, slot);
  }

  /** Node ids of an epoch's member keys, in member-index order. */
  nodesOf(members: readonly PublicKey[]): NodeId[] {
    return members.map((k) => this.nodeByKey.get(toHex(k)) ?? -1);
  }

  private async launch(node: NodeId, slot: number): Promise<SimInstance> {
    const { clock, net, rng, verifier } = this.deps;
    const id = `${node}/${slot}`;
    let d = this.durable.get(id);
    const restarted = d !== undefined;
    if (d === undefined) {
      d = { chain: new FakeChain(SIM_GENESIS_HASH, 0), disk: this.genesis === null ? null : await newSimDisk(), store: new MemorySafetyStore() };
      this.durable.set(id, d);
    }
    const behaviour = this.behaviourOf(node);
    const faults = behaviour === null ? this.opts.faults : undefined;
    const scoped = new ScopedClock(clock, this.opts.clockSkewMs?.get(node) ?? 0);
    const app = d.disk === null || this.genesis === null ? this.fakeApplication(node, slot, d.chain, scoped, faults) : await SimLedger.open(
      {
        genesis: this.genesis, now: () => scoped.now(), maxClockSkewMs: SIM_MAX_CLOCK_SKEW_MS, txVerifier: SHARED_TX_VERIFIER,
        ...(faults === undefined ? {} : { faults }),
        onCommitted: (n) => {
          if (slot !== 0) return;
          this.deps.onCommit(node, [n.committed]);
          this.deps.onExecuted?.(node, n);
        },
      },
      d.disk,
    );
    const simTransport = net.transport(node);
    const follow = faults?.staleTransport !== true;
    // A restarted node's chain may be in a later epoch than genesis: its transport starts
    // with that epoch's members, as the runtime starts its core in it without onEpochChange.
    if (follow && app.currentEpoch().epoch > 0) simTransport.updateMembers(this.nodesOf(app.currentEpoch().members));
    const transport: Transport = behaviour === null || behaviour === 'twins'
      ? simTransport
      : new ByzantineTransport({
        inner: simTransport, behaviour, chainId: SIM_CHAIN_ID, key: simKey(node), memberCount: () => simTransport.memberCount, clock: scoped,
        rng: rng.fork(), app, isolate: (m) => this.deps.isolate(simTransport.nodeAt(m) ?? -1), attacks: this.opts.attacks ?? [],
      });
    // The production block sync over the simulated network, wired as src/node wires it.
    const blockSync = app instanceof SimLedger
      ? new BlockSync({ requestTimeoutMs: SIM_SYNC_REQUEST_TIMEOUT_MS, batchSize: SIM_SYNC_BATCH }, { transport, chain: app, clock: scoped, log: this.loggers(node).logger ?? QUIET_SYNC_LOG })
      : null;
    if (blockSync !== null) {
      transport.onMessage((from, channel, bytes) => {
        if (channel === 'sync') blockSync.handleMessage(from, bytes);
      });
    }
    const sync: SyncDriver = blockSync !== null
      ? { syncTo: async () => void (await blockSync.catchUp()) }
      : { syncTo: async () => this.syncFromPeers(node, app as FakeApplication) };
    const runtime = new ConsensusRuntime(
      {
        chainId: SIM_CHAIN_ID, params: this.opts.params, signingKey: simKey(node), maxClockSkewMs: SIM_MAX_CLOCK_SKEW_MS,
        ...(behaviour === null && this.opts.mutations ? { mutations: this.opts.mutations } : {}),
        ...(this.opts.maxFetchGap === undefined ? {} : { maxFetchGap: this.opts.maxFetchGap }),
      },
      {
        clock: scoped, transport, safetyStore: d.store, application: app, sync, verifier,
        ...(behaviour === null && this.opts.overrides ? { coreOverrides: this.opts.overrides } : {}),
        ...this.loggers(node), onFatal: (e) => this.deps.onFatal(node, e),
        ...(follow ? { onEpochChange: (e: EpochInfo) => simTransport.updateMembers(this.nodesOf(e.members)) } : {}),
        ...(this.opts.plantedSchedule?.node === node ? { schedule: plantedSchedule(this.opts.plantedSchedule.kind) } : {}),
      },
    );
    const inst: SimInstance = { node, slot, transport: simTransport, app, clock: scoped, sync: blockSync, runtime, alive: true };
    this.live.push(inst);
    // Like src/node: a restarted process catches up before its consensus starts.
    if (restarted && blockSync !== null) await blockSync.catchUp().catch(() => undefined);
    if (inst.alive) await runtime.start();
    return inst;
  }

  private fakeApplication(node: NodeId, slot: number, chain: FakeChain, scoped: ScopedClock, faults: SimFaults | undefined): FakeApplication {
    return new FakeApplication(
      {
        chainId: SIM_CHAIN_ID, epoch: this.epoch, txsPerBlock: this.opts.txsPerBlock, txBytes: this.opts.txBytes, ...(this.opts.idle ? { idle: true } : {}),
        ...(this.opts.pool ? { pool: this.opts.pool } : {}),
        ...(this.reconfigurations.length > 0 ? { reconfigurations: this.reconfigurations } : {}),
        ...(faults === undefined ? {} : { faults }), now: () => scoped.now(), maxClockSkewMs: SIM_MAX_CLOCK_SKEW_MS,
      },
      chain,
      (blocks) => {
        if (slot === 0) this.deps.onCommit(node, blocks);
      },
    );
  }

  // Without a log the runtime and core log nothing (the common, fast case).
  private loggers(node: NodeId): { coreLogger: CoreLogger | null; logger?: RuntimeLogger } {
    const log = this.deps.log;
    if (log === undefined || log === null) return { coreLogger: null };
    const at = (level: string) => (obj: object, msg: string): void => log(node, level, obj, msg);
    return { coreLogger: { debug: at('debug') }, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
  }

  // Member-change seeds only (FakeApplication): copy committed blocks from the honest process with
  // the longest chain. The invariant monitor still checks every certificate they carry.
  private async syncFromPeers(node: NodeId, app: FakeApplication): Promise<void> {
    let best: FakeChain | undefined;
    for (let n = 0; n < this.plan.processes; n++) {
      if (n === node || this.behaviourOf(n) !== null) continue;
      const c = this.chainOf(n);
      if (c !== undefined && (best === undefined || c.head().height > best.head().height)) best = c;
    }
    const from = app.committedHead().height + 1;
    if (best === undefined || best.head().height < from) return;
    const blocks: CommittedBlock[] = [];
    for (let h = from; h <= best.head().height; h++) blocks.push(best.at(h) as CommittedBlock);
    await app.commit(blocks);
  }
}

const QUIET_SYNC_LOG = { info: () => undefined, warn: () => undefined, debug: () => undefined };
