import { reputationWindow, type LeaderSchedule } from '../core/leader-schedule.js';
import { ConsensusRuntime } from '../runtime/runtime.js';
import { FakeApplication, FakeChain } from './fake-application.js';
import { MemorySafetyStore } from './memory-safety-store.js';
import { SeededRng } from './rng.js';
import { SIM_PARAMS } from './scenario.js';
import { cachedVerifier } from './cached-verifier.js';
import { SIM_CHAIN_ID, SIM_GENESIS_HASH, simKey } from './sim-cluster.js';
import { CALM_LINKS, SimNetwork } from './sim-network.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of one liveness measurement. */
export interface CommitRateOptions {
  readonly nodes: number;
  /** Members that are down (the last ones of the list): a crashed or unreachable host. */
  readonly down: number;
  /** When they go down (virtual ms); 0 (default): they never start. */
  readonly downFromMs?: number;
  /** Virtual time measured, after `warmupMs`. */
  readonly virtualMs: number;
  /** Virtual time before counting starts (the reputation window fills meanwhile). */
  readonly warmupMs: number;
  readonly seed?: number;
  /** An idle chain: no transactions, devnet timing; quiet views hold their proposals (R24). */
  readonly idle?: boolean;
  /** Replaces the default leader schedule on every member (a baseline to compare against). */
  readonly schedule?: LeaderSchedule;
}

/** What one measurement gave. */
export interface CommitRate {
  readonly blocks: number;
  readonly virtualMs: number;
  /** Blocks committed per virtual second by the first up member, after the warm-up. */
  readonly perSecond: number;
  /** Views per virtual second the first up member went through (view changes, ended by QC or TC). */
  readonly viewsPerSecond: number;
}

// The devnet's consensus timing (ledger init), heartbeats off: an idle chain writes nothing (R24).
const IDLE_PARAMS = { ...SIM_PARAMS, viewTimeoutMs: 2000, maxViewTimeoutMs: 4000, heartbeatMinutes: 0 };

/**
 * Virtual warm-up after which a cluster with members down from the start is past its first
 * reputation window, which fills under round-robin (R3d) at a timeout per down member's turn.
 */
export function reputationWarmupMs(nodes: number): number {
  return 1500 * reputationWindow(nodes);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The liveness measure of the leader schedule: a calm network (1-10 ms links), the
 * simulator's consensus timing, members [nodes-down, nodes) down from the start, and the
 * commit rate of member 0 in virtual time (deterministic for a seed, whatever the machine).
 * Compared with the same cluster all up, it says what a down member costs the consortium.
 */
export async function measureCommitRate(opts: CommitRateOptions): Promise<CommitRate> {
  const clock = new VirtualClock();
  const n = opts.nodes;
  const net = new SimNetwork(clock, new SeededRng(opts.seed ?? 1), n);
  net.setFaults(CALM_LINKS);
  const members = [...Array(n).keys()].map((i) => simKey(i).publicKey);
  const epoch = { epoch: 0, members, startHeight: 1, rootHash: SIM_GENESIS_HASH, rootView: 0 };
  const verifier = cachedVerifier();
  const runtimes: ConsensusRuntime[] = [];
  const chain0 = new FakeChain(SIM_GENESIS_HASH, 0);
  const downFrom = opts.downFromMs ?? 0;
  const started = downFrom > 0 ? n : n - opts.down;
  for (let i = 0; i < started; i++) {
    const chain = i === 0 ? chain0 : new FakeChain(SIM_GENESIS_HASH, 0);
    const app = new FakeApplication({ chainId: SIM_CHAIN_ID, epoch, txsPerBlock: opts.idle ? 0 : 1, txBytes: 32, ...(opts.idle ? { idle: true } : {}) }, chain);
    const rt = new ConsensusRuntime(
      { chainId: SIM_CHAIN_ID, signingKey: simKey(i), params: opts.idle ? IDLE_PARAMS : SIM_PARAMS },
      { clock, transport: net.transport(i), safetyStore: new MemorySafetyStore(), application: app, verifier, ...(opts.schedule ? { schedule: opts.schedule } : {}) },
    );
    runtimes.push(rt);
    await rt.start();
  }
  const runUntil = async (t: number): Promise<void> => {
    // A quiet idle chain (R24) may have no timer at all: time still passes.
    clock.schedule(t, () => undefined);
    await settle();
    while (clock.now() < t && clock.runNext()) await settle();
  };
  const view = (): number => runtimes[0]?.status?.view ?? 0;
  if (downFrom > 0) {
    await runUntil(downFrom);
    for (const rt of runtimes.slice(n - opts.down)) await rt.stop();
    for (let i = n - opts.down; i < n; i++) net.kill(i);
  }
  await runUntil(opts.warmupMs);
  const [h0, v0, t0] = [chain0.head().height, view(), clock.now()];
  await runUntil(opts.warmupMs + opts.virtualMs);
  const [h1, v1, t1] = [chain0.head().height, view(), clock.now()];
  for (const rt of runtimes.slice(0, n - (downFrom > 0 ? opts.down : 0))) await rt.stop();
  const secs = (t1 - t0) / 1000;
  return { blocks: h1 - h0, virtualMs: t1 - t0, perSecond: (h1 - h0) / secs, viewsPerSecond: (v1 - v0) / secs };
}
