import { decodeConsensusMessage } from '../../../src/codec/consensus.js';
import type { EpochInfo } from '../../../src/consensus/core/types.js';
import type { ConsensusMetrics, RuntimeLogger, SafetyStateStore, SyncDriver } from '../../../src/consensus/runtime/application.js';
import { ConsensusRuntime } from '../../../src/consensus/runtime/runtime.js';
import { FakeApplication, FakeChain, type FakeReconfiguration } from '../../../src/consensus/sim/fake-application.js';
import { MemorySafetyStore } from '../../../src/consensus/sim/memory-safety-store.js';
import { SeededRng } from '../../../src/consensus/sim/rng.js';
import { SIM_CHAIN_ID, SIM_GENESIS_HASH, simKey } from '../../../src/consensus/sim/sim-cluster.js';
import { SimNetwork, type SimTransport } from '../../../src/consensus/sim/sim-network.js';
import { ScopedClock, VirtualClock } from '../../../src/consensus/sim/virtual-clock.js';
import type { Transport } from '../../../src/types/edges.js';
import type { MemberIndex } from '../../../src/types/primitives.js';

/** A log line captured from a runtime. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

/** Captures runtime log lines. */
export function recordingLogger(lines: LogLine[]): RuntimeLogger {
  return {
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** One runtime of the harness with everything it is built from. */
export interface HarnessNode {
  readonly member: MemberIndex;
  readonly runtime: ConsensusRuntime;
  readonly app: FakeApplication;
  readonly chain: FakeChain;
  readonly store: SafetyStateStore;
  readonly transport: SimTransport;
  readonly clock: ScopedClock;
  readonly logs: LogLine[];
  fatal: unknown;
}

/** Options for one node. */
export interface NodeOptions {
  readonly idle?: boolean;
  /** With idle: transactions leave the pool when their block commits, as in the real node. */
  readonly poolLeavesAtCommit?: boolean;
  readonly txsPerBlock?: number;
  readonly heartbeatMinutes?: number;
  readonly store?: SafetyStateStore;
  readonly chain?: FakeChain;
  readonly wrapTransport?: (t: SimTransport) => Transport;
  readonly sync?: SyncDriver;
  readonly maxFetchGap?: number;
  readonly reconfigurations?: readonly FakeReconfiguration[];
  readonly metrics?: ConsensusMetrics;
}

const MEMBERS = [0, 1, 2, 3].map((i) => simKey(i).publicKey);
/** The epoch of harness chains (4 members). */
export const HARNESS_EPOCH: EpochInfo = { epoch: 0, members: MEMBERS, startHeight: 1, rootHash: SIM_GENESIS_HASH, rootView: 0 };

/**
 * Four real ConsensusRuntimes over a SimNetwork in virtual time: the runtime meets a real
 * Transport implementation, a clock, a safety store and an application, with no sleeps.
 */
export class RuntimeHarness {
  readonly clock = new VirtualClock();
  readonly net = new SimNetwork(this.clock, new SeededRng(7), 4);
  readonly nodes = new Map<MemberIndex, HarnessNode>();

  /** Starts member `i` (again, after a crash, when given its old store and chain). */
  async add(i: MemberIndex, o: NodeOptions = {}): Promise<HarnessNode> {
    const chain = o.chain ?? new FakeChain(SIM_GENESIS_HASH, 0);
    const store = o.store ?? new MemorySafetyStore();
    const app = new FakeApplication({
      chainId: SIM_CHAIN_ID, epoch: HARNESS_EPOCH, txsPerBlock: o.txsPerBlock ?? 1, txBytes: 32, ...(o.idle ? { idle: true } : {}),
      ...(o.poolLeavesAtCommit ? { poolLeavesAtCommit: true } : {}), ...(o.reconfigurations ? { reconfigurations: o.reconfigurations } : {}),
    }, chain);
    const transport = this.net.transport(i);
    const clock = new ScopedClock(this.clock);
    const logs: LogLine[] = [];
    const node: HarnessNode = { member: i, runtime: null as unknown as ConsensusRuntime, app, chain, store, transport, clock, logs, fatal: null };
    const runtime = new ConsensusRuntime(
      {
        chainId: SIM_CHAIN_ID, signingKey: simKey(i),
        params: { viewTimeoutMs: 200, maxViewTimeoutMs: 1600, maxBlockTxs: 100, maxBlockBytes: 1 << 20, heartbeatMinutes: o.heartbeatMinutes ?? 0 },
        ...(o.maxFetchGap ? { maxFetchGap: o.maxFetchGap } : {}),
      },
      {
        clock, transport: o.wrapTransport ? o.wrapTransport(transport) : transport, safetyStore: store, application: app,
        logger: recordingLogger(logs), sync: o.sync ?? null, onFatal: (e) => { node.fatal = e; }, metrics: o.metrics ?? null,
      },
    );
    (node as { runtime: ConsensusRuntime }).runtime = runtime;
    this.nodes.set(i, node);
    await runtime.start();
    return node;
  }

  /** Crash: endpoint, timers and application stop at once. */
  crash(i: MemberIndex): HarnessNode {
    const n = this.nodes.get(i) as HarnessNode;
    void n.transport.stop();
    n.clock.kill();
    n.app.kill();
    void n.runtime.stop();
    this.nodes.delete(i);
    return n;
  }

  /** Runs virtual time until `done()` or `untilMs`; returns whether `done()` held. */
  async runUntil(done: () => boolean, untilMs: number): Promise<boolean> {
    await settle();
    while (!done()) {
      if (this.clock.now() > untilMs || !this.clock.runNext()) return done();
      await settle();
    }
    return true;
  }

  /** Lowest committed height among running nodes. */
  minHeight(): number {
    return Math.min(...[...this.nodes.values()].map((n) => n.chain.head().height));
  }
}

/** Lets every pending promise chain of the runtimes settle (the fakes never wait on real I/O). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Type of a consensus message, or null for other channels or garbage. */
export function messageType(bytes: Uint8Array): string | null {
  try {
    return decodeConsensusMessage(bytes).type;
  } catch {
    return null;
  }
}
