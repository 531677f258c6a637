import type { LeaderSchedule } from '../core/leader-schedule.js';
import { ConsensusRuntime } from '../runtime/runtime.js';
import { FakeApplication, FakeChain } from './fake-application.js';
import { MemorySafetyStore } from './memory-safety-store.js';
import { SeededRng } from './rng.js';
import { SIM_PARAMS } from './scenario.js';
import { cachedVerifier, SIM_CHAIN_ID, SIM_GENESIS_HASH, simKey } from './sim-cluster.js';
import { CALM_LINKS, SimNetwork } from './sim-network.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of one liveness measurement. */
export interface CommitRateOptions {
  readonly nodes: number;
  /** Members that are down for the whole run (never started: a crashed or unreachable host). */
  readonly down: number;
  /** Virtual time measured, after `warmupMs`. */
  readonly virtualMs: number;
  /** Virtual time before counting starts (the reputation window fills meanwhile). */
  readonly warmupMs: number;
  readonly seed?: number;
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
  for (let i = 0; i < n - opts.down; i++) {
    const chain = i === 0 ? chain0 : new FakeChain(SIM_GENESIS_HASH, 0);
    const app = new FakeApplication({ chainId: SIM_CHAIN_ID, epoch, txsPerBlock: 1, txBytes: 32 }, chain);
    const rt = new ConsensusRuntime(
      { chainId: SIM_CHAIN_ID, signingKey: simKey(i), params: SIM_PARAMS },
      { clock, transport: net.transport(i), safetyStore: new MemorySafetyStore(), application: app, verifier, ...(opts.schedule ? { schedule: opts.schedule } : {}) },
    );
    runtimes.push(rt);
    await rt.start();
  }
  const runUntil = async (t: number): Promise<void> => {
    await settle();
    while (clock.now() < t && clock.runNext()) await settle();
  };
  const view = (): number => runtimes[0]?.status?.view ?? 0;
  await runUntil(opts.warmupMs);
  const [h0, v0, t0] = [chain0.head().height, view(), clock.now()];
  await runUntil(opts.warmupMs + opts.virtualMs);
  const [h1, v1, t1] = [chain0.head().height, view(), clock.now()];
  for (const rt of runtimes) await rt.stop();
  const secs = (t1 - t0) / 1000;
  return { blocks: h1 - h0, virtualMs: t1 - t0, perSecond: (h1 - h0) / secs, viewsPerSecond: (v1 - v0) / secs };
}
